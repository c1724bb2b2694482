/**
 * A route's response allowlist and masks apply to the handler's JSON body as soon as the handler
 * returns: a middleware between the global layer and the router that serializes the body (a
 * pretty-printer) or wraps it must not carry the unfiltered fields out.
 */
import Koa from "koa";
import Router from "@koa/router";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { bulwark } from "./index.js";
import { serve, type Served } from "./__tests__/support.js";

const USER = { id: "u1", name: "Alice", email: "alice@example.com", passwordHash: "$2b$10$abcdefghijklmnopqrstuv" };
const ALLOWLIST = { public: true, response: { fields: ["id", "name", "email"] } } as const;

describe("Koa response filtering before the app's own middleware serializes", () => {
  let served: Served;
  let wrapped = 0;

  beforeAll(async () => {
    // The name mask marks each application, so that a body filtered twice would show it.
    const { secure } = bulwark({ mask: { email: "email", name: (value: unknown) => `${String(value)}!` }, onError: () => undefined });
    const app = new Koa();
    app.use(secure());
    // A pretty-printer as koa-json does it: the body is text by the time the global layer sees it.
    app.use(async (ctx, next) => {
      await next();
      if (ctx.path.startsWith("/pretty") && typeof ctx.body === "object" && ctx.body !== null) ctx.body = JSON.stringify(ctx.body, null, 2);
    });
    // A middleware adding a field to the filtered body in place: refused, not sent unfiltered.
    app.use(async (ctx, next) => {
      await next();
      if (ctx.path.startsWith("/in-place")) (ctx.body as Record<string, unknown>).ownerEmail = "owner@example.com";
    });
    // An envelope built from the filtered body: the app's own object, filtered again only if new.
    app.use(async (ctx, next) => {
      await next();
      if (ctx.path.startsWith("/same")) {
        wrapped += 1;
        ctx.body = ctx.body as object;
      }
    });
    const router = new Router();
    router.get("/pretty", secure(ALLOWLIST), (ctx) => void (ctx.body = USER));
    router.get("/pretty-async", secure({ ...ALLOWLIST, rateLimit: { points: 100, duration: 60 } }), async (ctx) => {
      await new Promise((resolve) => setImmediate(resolve));
      ctx.body = [USER, USER];
    });
    router.get("/same", secure(ALLOWLIST), (ctx) => void (ctx.body = USER));
    router.get("/in-place", secure(ALLOWLIST), (ctx) => void (ctx.body = USER));
    app.use(router.routes());
    served = await serve(app);
  });
  afterAll(() => served.close());

  it("filters and masks before a pretty-printer turns the body into text", async () => {
    const res = await served.http.get("/pretty");
    expect(res.status).toBe(200);
    expect(res.text).not.toContain("passwordHash");
    expect(res.text).not.toContain("alice@example.com");
    expect(JSON.parse(res.text)).toEqual({ id: "u1", name: "Alice!", email: expect.stringMatching(/^a\*+@example\.com$/) });
  });

  it("does so on a route whose policy waits, for an array body", async () => {
    const res = await served.http.get("/pretty-async");
    expect(res.status).toBe(200);
    expect(res.text).not.toContain("passwordHash");
    expect(JSON.parse(res.text)).toEqual([
      { id: "u1", name: "Alice!", email: expect.stringMatching(/^a\*+@example\.com$/) },
      { id: "u1", name: "Alice!", email: expect.stringMatching(/^a\*+@example\.com$/) },
    ]);
  });

  it("does not filter the same body twice", async () => {
    const before = wrapped;
    const res = await served.http.get("/same");
    expect(res.status).toBe(200);
    expect(wrapped).toBe(before + 1);
    expect(res.body).toEqual({ id: "u1", name: "Alice!", email: expect.stringMatching(/^a\*+@example\.com$/) });
  });

  it("keeps the filtered body read-only, so a field added to it in place never goes out", async () => {
    const res = await served.http.get("/in-place");
    expect(res.status).toBe(500);
    expect(res.text).not.toContain("owner@example.com");
    expect(res.text).not.toContain("passwordHash");
  });
});
