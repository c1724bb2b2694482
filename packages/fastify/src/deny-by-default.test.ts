import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply } from "fastify";
import request from "supertest";
import { ConfigError, route, type SecurityEvent } from "./index.js";
import { SECURITY_HEADERS, createApp, listen } from "./__tests__/support.js";

const SECRET = "row-secret-4711";

describe("deny by default", () => {
  let app: FastifyInstance;
  const events: SecurityEvent[] = [];
  const streams: Readable[] = [];

  beforeAll(async () => {
    app = await createApp({ onEvent: (event) => { events.push(event); } });
    app.get("/object", async (_req, reply) => reply.send({ secret: SECRET }));
    app.get("/returned", async () => ({ secret: SECRET }));
    app.get("/string", async (_req, reply) => reply.send(SECRET));
    app.get("/buffer", async (_req, reply) => reply.type("application/octet-stream").send(Buffer.from(SECRET)));
    app.get("/stream", async (_req, reply) => {
      // Endless: only destroying it ends the response.
      const stream = new Readable({
        read() {
          this.push(SECRET);
        },
      });
      streams.push(stream);
      return reply.type("text/plain").send(stream);
    });
    app.get("/no-content", async (_req, reply) => reply.code(204).send());
    app.get("/redirect", async (_req, reply) => reply.header("set-cookie", `s=${SECRET}`).redirect(`/elsewhere?token=${SECRET}`));
    app.get("/hijack-end", async (_req, reply: FastifyReply) => {
      reply.hijack();
      reply.raw.writeHead(200, { "content-type": "application/json" });
      reply.raw.end(JSON.stringify({ secret: SECRET }));
    });
    app.get("/hijack-write", async (_req, reply: FastifyReply) => {
      reply.hijack();
      reply.raw.write(SECRET);
      reply.raw.write(SECRET);
      reply.raw.end();
    });
    app.get("/guarded", { config: { secure: { public: true } } }, async () => ({ fine: true }));
    app.get("/guarded-hijack", { config: { secure: { public: true } } }, async (_req, reply: FastifyReply) => {
      reply.hijack();
      reply.raw.end("raw and allowed");
    });
    app.get("/fails", async () => {
      throw new Error("boom");
    });
    await listen(app);
  });
  afterAll(() => app.close());

  it.each([
    ["reply.send(object)", "/object"],
    ["a returned object", "/returned"],
    ["reply.send(string)", "/string"],
    ["reply.send(Buffer)", "/buffer"],
    ["reply.send(stream)", "/stream"],
    ["a status-only 204", "/no-content"],
    ["a redirect", "/redirect"],
    ["hijacked writeHead + end", "/hijack-end"],
    ["hijacked raw writes", "/hijack-write"],
  ])("replaces %s from a route without a policy with a 403 problem and an event", async (_label, path) => {
    events.length = 0;
    const res = await request(app.server).get(path).buffer(true).parse((response, done) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => done(null, text));
    });
    const text = res.body as string;
    expect(res.status).toBe(403);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(text)).toEqual({
      type: "about:blank",
      title: "Forbidden",
      status: 403,
      detail: "This endpoint is not available.",
      code: "ROUTE_UNGUARDED",
      requestId: res.headers["x-request-id"],
    });
    expect(res.headers["content-length"]).toBe(String(Buffer.byteLength(text)));
    expect(text).not.toContain(SECRET);
    expect(JSON.stringify(res.headers)).not.toContain(SECRET);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers["set-cookie"]).toBeUndefined();
    for (const name of SECURITY_HEADERS) expect(res.headers[name]).toBeDefined();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "route.unguarded", code: "ROUTE_UNGUARDED", method: "GET", route: path, requestId: res.headers["x-request-id"] });
  });

  it("destroys a stream payload it will not send", () => {
    expect(streams.length).toBeGreaterThan(0);
    expect(streams.every((stream) => stream.destroyed)).toBe(true);
  });

  it("denies HEAD on an unguarded GET route too", async () => {
    const res = await request(app.server).head("/object");
    expect(res.status).toBe(403);
  });

  it("lets guarded routes (hijacked or not), errors and not-found answers through", async () => {
    events.length = 0;
    const guarded = await request(app.server).get("/guarded");
    expect(guarded.status).toBe(200);
    expect(guarded.body).toEqual({ fine: true });
    const hijacked = await request(app.server).get("/guarded-hijack");
    expect(hijacked.status).toBe(200);
    expect(hijacked.text).toBe("raw and allowed");
    expect(hijacked.headers["x-request-id"]).toBeDefined();
    expect(hijacked.headers["content-security-policy"]).toBeDefined();
    expect((await request(app.server).get("/fails")).status).toBe(500);
    expect((await request(app.server).get("/missing")).status).toBe(404);
    expect(events.map((e) => e.type)).not.toContain("route.unguarded");
  });
});

describe("strict: true", () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await createApp({ strict: true });
  });
  afterAll(() => app.close());

  it("refuses a route without a policy at registration, saying what to add", () => {
    let failure: unknown;
    try {
      app.get("/forgotten", async () => ({ data: 1 }));
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ConfigError);
    const message = (failure as Error).message;
    expect(message).toContain("GET /forgotten");
    expect(message).toContain("config: { secure: { public: true } }");
    expect(message).toContain("fastify.secure(policy)");
    expect(() => app.route({ method: ["POST", "PUT"], url: "/many", handler: async () => "x" })).toThrow(/POST,PUT \/many/);
  });

  it("refuses unguarded routes registered inside a child plugin too", async () => {
    const child = await createApp({ strict: true });
    child.register(async (scope) => {
      scope.get("/nested", async () => "x");
    });
    await expect(child.ready()).rejects.toThrow(ConfigError);
    await child.close();
  });

  it("accepts routes guarded by config, by a hook in any slot, or by a decorated handler", async () => {
    class Controller {
      @route({ public: true })
      async list() {
        return { list: [] };
      }
    }
    const controller = new Controller();
    expect(() => {
      app.get("/a", { config: { secure: { public: true } } }, async () => "a");
      app.get("/b", { onRequest: app.secure({ public: true }) }, async () => "b");
      app.get("/c", { preHandler: [async () => undefined, app.secure({ public: true })] }, async () => "c");
      app.get("/d", controller.list);
    }).not.toThrow();
    await listen(app);
    expect((await request(app.server).get("/a")).status).toBe(200);
    expect((await request(app.server).get("/d")).body).toEqual({ list: [] });
  });
});
