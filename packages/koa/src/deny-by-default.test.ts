import { Readable } from "node:stream";
import Koa from "koa";
import Router from "@koa/router";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { bulwark, type SecurityEvent } from "./index.js";
import { expectProblem, expectSecurityHeaders, serve, type Served } from "./__tests__/support.js";

const SECRET = "account-4111-1111-1111-1111";

/** Each way a Koa handler can answer, all leaking SECRET if let through. */
const ANSWERS: Record<string, { status: number; handler: Koa.Middleware }> = {
  "ctx.body object": { status: 200, handler: (ctx) => void (ctx.body = { card: SECRET }) },
  "ctx.body array": { status: 200, handler: (ctx) => void (ctx.body = [{ card: SECRET }]) },
  "ctx.body string": { status: 200, handler: (ctx) => void (ctx.body = `card ${SECRET}`) },
  "ctx.body Buffer": { status: 200, handler: (ctx) => void (ctx.body = Buffer.from(`card ${SECRET}`)) },
  "ctx.body stream": { status: 200, handler: (ctx) => void (ctx.body = Readable.from([`card `, SECRET])) },
  "status-only 204": {
    status: 204,
    handler: (ctx) => {
      ctx.set("x-card", SECRET);
      ctx.status = 204;
    },
  },
  "status-only 200": { status: 200, handler: (ctx) => void (ctx.status = 200) },
  redirect: { status: 302, handler: (ctx) => ctx.redirect(`/cards/${SECRET}`) },
  "ctx.respond = false writing ctx.res": {
    status: 200,
    handler: (ctx) => {
      ctx.respond = false;
      ctx.res.writeHead(200, { "content-type": "text/plain" });
      ctx.res.write("card ");
      ctx.res.end(SECRET);
    },
  },
  // Koa starts every response at 404; a handler writing ctx.res itself may leave that in place.
  "ctx.respond = false piping into ctx.res without a status": {
    status: 404,
    handler: (ctx) => {
      ctx.respond = false;
      ctx.res.setHeader("content-type", "text/csv");
      Readable.from(["id,card\n", `1,${SECRET}\n`]).pipe(ctx.res);
    },
  },
  "ctx.respond = false ending ctx.res without a status": {
    status: 404,
    handler: (ctx) => {
      ctx.respond = false;
      ctx.res.end(`card ${SECRET}`);
    },
  },
  "ctx.respond = false writing ctx.res later": {
    status: 200,
    handler: (ctx) => {
      ctx.respond = false;
      setImmediate(() => {
        ctx.res.statusCode = 200;
        ctx.res.setHeader("content-type", "text/plain");
        ctx.res.end(`card ${SECRET}`);
      });
    },
  },
};

describe("Koa deny by default", () => {
  const events: SecurityEvent[] = [];
  const streams: Readable[] = [];
  let served: Served;

  beforeAll(async () => {
    const { secure } = bulwark({ onEvent: (event) => void events.push(event) });
    const app = new Koa();
    app.use(secure());
    const router = new Router();
    for (const [name, { handler }] of Object.entries(ANSWERS)) {
      const slug = name.replace(/[^a-z0-9]+/gi, "-");
      router.get(`/open/${slug}`, handler);
      router.get(`/guarded/${slug}`, secure({ public: true }), handler);
    }
    router.get("/open/tracked-stream", (ctx) => {
      const stream = Readable.from((function* () {
        for (let i = 0; i < 1000; i += 1) yield `${SECRET}\n`;
      })());
      streams.push(stream);
      ctx.body = stream;
    });
    app.use(router.routes());
    served = await serve(app);
  });

  afterAll(() => served.close());

  it.each(Object.keys(ANSWERS))("an unguarded route answering by %s gets 403 ROUTE_UNGUARDED", async (name) => {
    const slug = name.replace(/[^a-z0-9]+/gi, "-");
    const before = events.length;
    const res = await served.http.get(`/open/${slug}`).redirects(0);
    expectProblem(res, 403, "ROUTE_UNGUARDED");
    expectSecurityHeaders(res);
    expect(res.text).not.toContain(SECRET);
    expect(res.headers.location).toBeUndefined();
    const unguarded = events.slice(before).filter((event) => event.type === "route.unguarded");
    expect(unguarded).toHaveLength(1);
    expect(unguarded[0]).toMatchObject({ code: "ROUTE_UNGUARDED", method: "GET", requestId: res.body.requestId });
  });

  it.each(Object.entries(ANSWERS).map(([name, { status }]) => [name, status] as const))(
    "the same answer by %s passes once a policy guards the route",
    async (name, status) => {
      const slug = name.replace(/[^a-z0-9]+/gi, "-");
      const before = events.length;
      const res = await served.http.get(`/guarded/${slug}`).redirects(0).buffer(true);
      expect(res.status).toBe(status);
      if (status === 302) expect(res.headers.location).toContain(SECRET);
      else if (status === 204) expect(res.headers["x-card"]).toBe(SECRET);
      else if (name !== "status-only 200") expect(String(res.text ?? res.body)).toContain(SECRET);
      expect(events.slice(before).filter((event) => event.type === "route.unguarded")).toEqual([]);
    },
  );

  it("destroys the stream body of an unguarded route instead of sending it", async () => {
    const res = await served.http.get("/open/tracked-stream");
    expectProblem(res, 403, "ROUTE_UNGUARDED");
    expect(streams).toHaveLength(1);
    expect(streams[0]!.destroyed).toBe(true);
  });

  it("a HEAD request to an unguarded route is refused too", async () => {
    const res = await served.http.head("/open/ctx-body-object");
    expect(res.status).toBe(403);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });
});

describe("Koa deny by default with a middleware above the global layer", () => {
  let served: Served;

  beforeAll(async () => {
    const { secure } = bulwark();
    const app = new Koa();
    // A soft-404 page mounted first: it turns a 404 into a 200 after Bulwark's layer has returned.
    app.use(async (ctx, next) => {
      await next();
      if (ctx.status === 404) ctx.status = 200;
    });
    app.use(secure());
    const router = new Router();
    router.get("/open/not-found", (ctx) => {
      ctx.status = 404;
      ctx.body = { card: SECRET };
    });
    app.use(router.routes());
    served = await serve(app);
  });

  afterAll(() => served.close());

  it("judges the head by the status that goes out, not the one the global layer saw", async () => {
    const res = await served.http.get("/open/not-found");
    expect(res.status).toBe(403);
    expect(res.text).not.toContain(SECRET);
  });
});
