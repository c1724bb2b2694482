/**
 * Regression: deny by default let through anything that looked like a CORS preflight. An OPTIONS
 * request with `Origin` and `Access-Control-Request-Method` got the full data of an unguarded
 * catch-all middleware, where a GET got 403. Only an answer without a payload (what CORS middleware
 * sends) may pass on a preflight now.
 */
import Koa from "koa";
import Router from "@koa/router";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { bulwark } from "./index.js";
import { expectProblem, expectSecurityHeaders, serve, type Served } from "./__tests__/support.js";

const SECRET = "DE89370400440532013000";
const PREFLIGHT = { origin: "https://evil.example", "access-control-request-method": "GET" };

describe("Koa deny by default: CORS preflights", () => {
  let served: Served;

  beforeAll(async () => {
    const { secure } = bulwark();
    const app = new Koa();
    app.use(secure());
    const router = new Router();
    // What @koa/cors answers a preflight with: 204, or an empty body (Content-Length: 0).
    router.options("/cors/204", (ctx) => {
      ctx.set("access-control-allow-origin", "https://app.example");
      ctx.status = 204;
    });
    router.options("/cors/200", (ctx) => {
      ctx.set("access-control-allow-origin", "https://app.example");
      ctx.status = 200;
      ctx.body = "";
    });
    router.all("/router/accounts", (ctx) => {
      ctx.set("x-account", SECRET);
      ctx.body = { accounts: [{ iban: SECRET }] };
    });
    app.use(router.routes());
    app.use((ctx) => {                                   // a catch-all that forgot a policy
      ctx.set("x-account", SECRET);
      ctx.body = { accounts: [{ iban: SECRET, owner: "alice" }] };
    });
    served = await serve(app);
  });
  afterAll(() => served.close());

  it.each([
    ["a catch-all app.use()", "/anything"],
    ["a router.all() route", "/router/accounts"],
  ])("an OPTIONS request with CORS preflight headers answered by %s gets 403 and no data", async (_name, path) => {
    const res = await served.http.options(path).set(PREFLIGHT);
    expectProblem(res, 403, "ROUTE_UNGUARDED");
    expectSecurityHeaders(res);
    expect(res.text).not.toContain(SECRET);
    expect(res.headers["x-account"]).toBeUndefined();
    expect(JSON.stringify(res.headers)).not.toContain(SECRET);
  });

  it.each([204, 200])("a true preflight answer (status %i, no payload) on an unguarded route still passes", async (status) => {
    const res = await served.http.options(`/cors/${status}`).set(PREFLIGHT);
    expect(res.status).toBe(status);
    expect(res.text ?? "").toBe("");
    expect(res.headers["access-control-allow-origin"]).toBe("https://app.example");
  });
});
