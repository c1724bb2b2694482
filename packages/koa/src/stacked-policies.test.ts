/**
 * Regression: a later route policy erased an earlier policy's response allowlist. With
 * `router.use(secure({ response }))` and a route's own `secure()` without `response`, the fields
 * the router's allowlist removed were sent. Stacked policies can only narrow what leaves now.
 */
import Koa from "koa";
import Router from "@koa/router";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { bulwark } from "./index.js";
import { serve, type Served } from "./__tests__/support.js";

const USER = { id: "u1", name: "Alice", email: "alice@example.com", passwordHash: "$2b$10$abcdefghijklmnopqrstuv", ssn: "078-05-1120" };

describe("stacked route policies on Koa", () => {
  let served: Served;

  beforeAll(async () => {
    const { secure } = bulwark();
    const app = new Koa();
    app.use(secure());
    const router = new Router();
    router.use(secure({ public: true, response: { fields: ["id", "name", "email"] } }));   // router-wide allowlist
    router.get("/router-only", (ctx) => void (ctx.body = USER));
    router.get("/without-response", secure({ public: true, rateLimit: { points: 100, duration: 60 } }), (ctx) => void (ctx.body = USER));
    router.get("/other-allowlist", secure({ public: true, response: { fields: ["id", "email", "ssn"] } }), (ctx) => void (ctx.body = USER));
    app.use(router.routes());
    served = await serve(app);
  });
  afterAll(() => served.close());

  it("the router-wide allowlist applies on its own", async () => {
    const res = await served.http.get("/router-only");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: "u1", name: "Alice", email: "alice@example.com" });
  });

  it("a route policy without `response` keeps the router-wide allowlist", async () => {
    const res = await served.http.get("/without-response");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: "u1", name: "Alice", email: "alice@example.com" });
    expect(res.text).not.toContain(USER.passwordHash);
    expect(res.text).not.toContain(USER.ssn);
  });

  it("a route policy with another allowlist lets out only the fields both allow", async () => {
    const res = await served.http.get("/other-allowlist");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: "u1", email: "alice@example.com" });
  });
});
