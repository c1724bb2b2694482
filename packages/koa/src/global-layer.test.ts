import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { Readable } from "node:stream";
import Koa from "koa";
import Router from "@koa/router";
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { bulwark, type SecurityEvent } from "./index.js";
import {
  expectProblem,
  expectSecurityHeaders,
  portOf,
  prototypeIsClean,
  readCorpus,
  serve,
  type Served,
} from "./__tests__/support.js";

const FILE_PATH = "/srv/app/config/payments.ts";
const FAKE_SECRET = "sk_live_51FAKEfakeFAKEfake0000";

/** A minimal CSV parser of the app's own: it parses the raw body Bulwark leaves for `text/csv`. */
async function csvParser(ctx: Koa.Context, next: Koa.Next): Promise<void> {
  const raw = ctx.request.body;
  if (Buffer.isBuffer(raw)) {
    const rows = raw.toString("utf8").trim().split("\n").map((line) => line.split(","));
    const width = rows[0]?.length ?? 0;
    const bad = rows.findIndex((row) => row.length !== width);
    if (bad !== -1) ctx.throw(400, `CSV row ${bad} has the wrong width near "${rows[bad]!.join(",")}" in ${FILE_PATH}`);
    ctx.request.body = rows;
  }
  await next();
}

describe("Koa global layer", () => {
  const events: SecurityEvent[] = [];
  const waiters: ((event: SecurityEvent) => boolean)[] = [];
  const unexpected: unknown[] = [];
  let served: Served;
  let app: Koa;

  /** Resolves with the next event carrying `code`. */
  function nextEvent(code: string): Promise<SecurityEvent> {
    return new Promise((resolve) => {
      waiters.push((event) => (event.code === code ? (resolve(event), true) : false));
    });
  }

  beforeAll(async () => {
    const { secure } = bulwark({
      onEvent: (event) => {
        events.push(event);
        for (let i = waiters.length - 1; i >= 0; i -= 1) if (waiters[i]!(event)) waiters.splice(i, 1);
      },
      onError: (error) => void unexpected.push(error),
      limits: { contentTypes: ["application/json", "application/x-www-form-urlencoded", "text/csv"] },
    });
    app = new Koa();
    app.use(secure());
    app.use(csvParser);
    const router = new Router();
    router.get("/ok", secure({ public: true }), (ctx) => {
      ctx.body = { ok: true, requestId: ctx.state.bulwark.requestId };
    });
    router.post("/echo", secure({ public: true }), (ctx) => {
      ctx.body = { received: ctx.request.body };
    });
    router.post("/rows", secure({ public: true }), (ctx) => {
      ctx.body = { rows: ctx.request.body };
    });
    router.get("/boom", secure({ public: true }), () => {
      throw new Error(`cannot read ${FILE_PATH}: token ${FAKE_SECRET} rejected`);
    });
    router.get("/async-boom", secure({ public: true }), async () => {
      await Promise.resolve();
      throw new TypeError(`undefined is not a function at ${FILE_PATH}:12:5 (${FAKE_SECRET})`);
    });
    router.get("/broken-stream", secure({ public: true }), (ctx) => {
      let sent = false;
      ctx.type = "text/plain";
      ctx.body = new Readable({
        read() {
          if (sent) return void this.destroy(new Error(`disk read failed at ${FILE_PATH}`));
          sent = true;
          this.push("x".repeat(70_000));
        },
      });
    });
    router.get("/throw/:status", secure({ public: true }), (ctx) => {
      ctx.throw(Number(ctx.params.status), `internal hint ${FILE_PATH} ${FAKE_SECRET}`);
    });
    app.use(router.routes());
    app.use(router.allowedMethods());
    served = await serve(app);
  });

  afterAll(() => served.close());

  describe("request id", () => {
    it("echoes a well-formed incoming x-request-id in the header and the context", async () => {
      const res = await served.http.get("/ok").set("x-request-id", "req-42.abc:DEF_9");
      expect(res.status).toBe(200);
      expect(res.headers["x-request-id"]).toBe("req-42.abc:DEF_9");
      expect(res.body).toEqual({ ok: true, requestId: "req-42.abc:DEF_9" });
    });

    it("replaces an oversized incoming id", async () => {
      const oversized = "a".repeat(129);
      const res = await served.http.get("/ok").set("x-request-id", oversized);
      expect(res.headers["x-request-id"]).not.toBe(oversized);
      expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.requestId).toBe(res.headers["x-request-id"]);
    });

    it("replaces a malformed incoming id", async () => {
      const res = await served.http.get("/ok").set("x-request-id", "abc def<script>");
      expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("generates one when none is sent, and puts it in problem bodies", async () => {
      const res = await served.http.get("/missing");
      expectProblem(res, 404, "NOT_FOUND");
      expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe("security headers", () => {
    it("are present on a success", async () => {
      const res = await served.http.get("/ok");
      expect(res.status).toBe(200);
      expectSecurityHeaders(res);
    });

    it.each([
      ["an unexpected error", "/boom", 500],
      ["a thrown 4xx", "/throw/403", 403],
      ["an unmatched route", "/nowhere", 404],
    ])("are present on %s", async (_name, url, status) => {
      const res = await served.http.get(url);
      expect(res.status).toBe(status);
      expectSecurityHeaders(res);
    });

    it("are present on a transport refusal", async () => {
      const res = await served.http.post("/echo").set("content-type", "application/json").send("{");
      expect(res.status).toBe(400);
      expectSecurityHeaders(res);
    });
  });

  describe("errors", () => {
    it.each(["/boom", "/async-boom"])("%s: an Error with a path and a secret is a bare 500", async (url) => {
      const before = unexpected.length;
      const res = await served.http.get(url);
      expectProblem(res, 500, "INTERNAL");
      const text = res.text;
      expect(text).not.toContain(FILE_PATH);
      expect(text).not.toContain(FAKE_SECRET);
      expect(text).not.toMatch(/TypeError|Error:|stack|\.ts\b|cannot read/);
      expect(res.body.detail).not.toMatch(/cannot read|undefined is not/);
      // The detail goes to the log hook, not to the client.
      expect(unexpected.length).toBe(before + 1);
      expect(String((unexpected.at(-1) as Error).message)).toContain(FAKE_SECRET);
      expect(events.at(-1)).toMatchObject({ type: "error.internal", code: "INTERNAL", route: url });
    });

    it.each([
      [400, "BAD_REQUEST"],
      [401, "AUTH_REQUIRED"],
      [403, "AUTHZ_FORBIDDEN"],
      [404, "NOT_FOUND"],
      [422, "BAD_REQUEST"],
    ])("ctx.throw(%i) is a problem with that status and no message of the app", async (status, code) => {
      const res = await served.http.get(`/throw/${status}`);
      expectProblem(res, status, code);
      expect(res.text).not.toContain(FILE_PATH);
      expect(res.text).not.toContain(FAKE_SECRET);
      expect(res.text).not.toContain("internal hint");
    });

    it("an error of the app's own body parser is a 400 problem without its message", async () => {
      const res = await served.http.post("/rows").set("content-type", "text/csv").send("a,b\n1,2,3\n");
      expectProblem(res, 400, "BAD_REQUEST");
      expect(res.text).not.toContain(FILE_PATH);
      expect(res.text).not.toContain("CSV row");
    });

    it("the app's own parser gets the raw body of a content type Bulwark does not parse", async () => {
      const res = await served.http.post("/rows").set("content-type", "text/csv").send("a,b\n1,2\n");
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ rows: [["a", "b"], ["1", "2"]] });
    });

    it("an unmatched route is a 404 problem", async () => {
      const res = await served.http.get("/no/such/route?x=1");
      expectProblem(res, 404, "NOT_FOUND");
    });

    it("a method the router does not allow is a 405 problem keeping the Allow header", async () => {
      const res = await served.http.delete("/ok");
      expectProblem(res, 405, "METHOD_NOT_ALLOWED");
      expect(res.headers.allow).toContain("GET");
    });

    it("a method the router does not implement is a 501 problem, not an internal error", async () => {
      const before = unexpected.length;
      const res = await served.http.propfind("/ok");
      expectProblem(res, 501, "METHOD_NOT_ALLOWED");
      expect(unexpected.length).toBe(before);
    });

    it("a body stream failing mid-response goes to onError, not to Koa's error event", async () => {
      const emit = jest.spyOn(app, "emit");
      const before = unexpected.length;
      try {
        const outcome = await new Promise<string>((resolve) => {
          const req = httpRequest({ host: "127.0.0.1", port: portOf(served), path: "/broken-stream" }, (res) => {
            res.on("data", () => undefined);
            res.on("end", () => resolve("complete"));
            res.on("error", () => resolve("cut"));
            res.on("aborted", () => resolve("cut"));
          });
          req.on("error", () => resolve("cut"));
          req.end();
        });
        expect(outcome).toBe("cut");
        await new Promise((resolve) => setImmediate(resolve));
        expect(unexpected.length).toBe(before + 1);
        expect(String((unexpected.at(-1) as Error).message)).toContain("disk read failed");
        expect(emit.mock.calls.filter(([name]) => name === "error")).toEqual([]);
      } finally {
        emit.mockRestore();
      }
    });

    it("a client that leaves mid-body is neither logged nor reported to Koa's error event", async () => {
      const emit = jest.spyOn(app, "emit");
      const log = jest.spyOn(console, "error").mockImplementation(() => undefined);
      const before = unexpected.length;
      try {
        const rejected = nextEvent("MALFORMED_BODY");
        const socket = connect(portOf(served), "127.0.0.1");
        socket.on("error", () => undefined);
        // Leave once the server has the request and is reading its body.
        served.server.once("request", () => socket.destroy());
        socket.write("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a\":");
        await rejected;
        await new Promise((resolve) => setImmediate(resolve));
        expect(unexpected.length).toBe(before);
        expect(emit.mock.calls.filter(([name]) => name === "error")).toEqual([]);
        expect(log).not.toHaveBeenCalled();
      } finally {
        emit.mockRestore();
        log.mockRestore();
      }
    });

    it("4xx answers never reach Koa's error event or its default console logging", async () => {
      const emit = jest.spyOn(app, "emit");
      const log = jest.spyOn(console, "error").mockImplementation(() => undefined);
      try {
        await served.http.get("/throw/400");
        await served.http.get("/throw/404");
        await served.http.get("/nowhere");
        await served.http.post("/echo").set("content-type", "application/json").send("{nope");
        await served.http.post("/echo").set("content-type", "text/xml").send("<a/>");
        expect(emit.mock.calls.filter(([name]) => name === "error")).toEqual([]);
        expect(log).not.toHaveBeenCalled();
      } finally {
        emit.mockRestore();
        log.mockRestore();
      }
    });
  });

  describe("body", () => {
    it("parses JSON onto ctx.request.body without any body parser", async () => {
      const res = await served.http.post("/echo").send({ name: "n", tags: ["a"] });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: { name: "n", tags: ["a"] } });
    });

    it("parses urlencoded bodies too", async () => {
      const res = await served.http.post("/echo").type("form").send("a=1&b=two");
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: { a: "1", b: "two" } });
    });

    it("malformed JSON is a 400", async () => {
      const res = await served.http.post("/echo").set("content-type", "application/json").send('{"a": 1,');
      expectProblem(res, 400, "MALFORMED_JSON");
    });

    it("a 2 MB body is a 413 with the default limit", async () => {
      const big = JSON.stringify({ data: "x".repeat(2 * 1024 * 1024) });
      const res = await served.http.post("/echo").set("content-type", "application/json").send(big);
      expectProblem(res, 413, "BODY_TOO_LARGE");
    });

    it("a 2 MB chunked body (no Content-Length) is cut off with a 413", async () => {
      const chunk = "x".repeat(64 * 1024);
      const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({
          host: "127.0.0.1", port: portOf(served), path: "/echo", method: "POST",
          headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
        }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (part: string) => (body += part));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        // The server may stop listening to the upload once it has answered.
        req.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error)));
        req.write('{"data":"');
        let sent = 0;
        const pump = () => {
          while (sent < 32) {
            sent += 1;
            if (!req.write(chunk)) return void req.once("drain", pump);
          }
          req.end('"}');
        };
        pump();
      });
      expect(result.status).toBe(413);
      expect(JSON.parse(result.body)).toMatchObject({ status: 413, code: "BODY_TOO_LARGE" });
    });

    it("a body nested 10,000 levels deep is a 400", async () => {
      const deep = "[".repeat(10_000) + "]".repeat(10_000);
      const res = await served.http.post("/echo").set("content-type", "application/json").send(deep);
      expectProblem(res, 400, "BODY_TOO_DEEP");
    });

    it("a __proto__ key is a 400 and leaves Object.prototype untouched", async () => {
      const res = await served.http.post("/echo").set("content-type", "application/json").send('{"__proto__":{"admin":true}}');
      expectProblem(res, 400, "FORBIDDEN_KEY");
      expect(prototypeIsClean()).toBe(true);
    });

    it("a text/xml body is a 415", async () => {
      const res = await served.http.post("/echo").set("content-type", "text/xml").send("<order><id>1</id></order>");
      expectProblem(res, 415, "UNSUPPORTED_MEDIA_TYPE");
    });

    describe("prototype-pollution cases of input-validation-abuse.json", () => {
      interface AbuseCase { id: string; category: string; transport: string; raw?: string; expected: string }
      const cases = readCorpus<{ cases: AbuseCase[] }>("input-validation-abuse.json").cases
        .filter((c) => c.category === "prototype-pollution-json" && typeof c.raw === "string");

      it("has cases to run", () => {
        expect(cases.length).toBeGreaterThanOrEqual(15);
      });

      it.each(cases.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
        const res = await served.http.post("/echo").set("content-type", "application/json").send(c.raw!);
        if (c.expected.startsWith("accept")) {
          expect(res.status).toBe(200);
          expect(res.body.received).toEqual(JSON.parse(c.raw!));
        } else {
          expectProblem(res, 400, "FORBIDDEN_KEY");
        }
        expect(prototypeIsClean()).toBe(true);
        // A clean request right after still behaves normally.
        const follow = await served.http.post("/echo").send({ a: 1 });
        expect(follow.status).toBe(200);
        expect(follow.text).toBe('{"received":{"a":1}}');
      });
    });
  });
});

describe("Koa global layer after an app body parser", () => {
  let served: Served;

  beforeAll(async () => {
    const { secure } = bulwark({ onError: () => undefined });
    const app = new Koa();
    // The app parsed the body itself before Bulwark: Bulwark checks the parsed value.
    app.use(async (ctx, next) => {
      if (ctx.is("application/json")) {
        const chunks: Buffer[] = [];
        for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
        ctx.request.body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
      }
      await next();
    });
    app.use(secure());
    const router = new Router();
    router.post("/echo", secure({ public: true }), (ctx) => {
      ctx.body = { received: ctx.request.body };
    });
    app.use(router.routes());
    served = await serve(app);
  });

  afterAll(() => served.close());

  it("keeps the parsed body", async () => {
    const res = await served.http.post("/echo").send({ a: [1, 2] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: { a: [1, 2] } });
  });

  it("still refuses a forbidden key in the parsed value", async () => {
    const res = await served.http.post("/echo").set("content-type", "application/json").send('{"a":{"__proto__":{"admin":true}}}');
    expectProblem(res, 400, "FORBIDDEN_KEY");
    expect(prototypeIsClean()).toBe(true);
  });

  it("still refuses a value nested too deeply", async () => {
    const res = await served.http.post("/echo").set("content-type", "application/json").send("[".repeat(100) + "]".repeat(100));
    expectProblem(res, 400, "BODY_TOO_DEEP");
  });
});
