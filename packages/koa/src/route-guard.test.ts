import Koa from "koa";
import Router from "@koa/router";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { FEATURES, SecurityError, createEngine, type Feature, type RequestState, type RoutePolicy } from "@bulwark/core";
import { bulwark, type SecurityEvent } from "./index.js";
import { koaAdapter } from "./bulwark.js";
import { expectProblem, expectSecurityHeaders, serve, tokenAuthenticator, type Served } from "./__tests__/support.js";

const TOKENS = {
  "admin-token-7f3a": { id: "ada", roles: ["admin"] },
  "user-token-91bc": { id: "bob", roles: ["user"] },
};

describe("Koa route guard", () => {
  const events: SecurityEvent[] = [];
  let served: Served;
  let handled = 0;

  beforeAll(async () => {
    const { secure } = bulwark({ authenticate: [tokenAuthenticator(TOKENS)], onEvent: (event) => void events.push(event) });
    const app = new Koa();
    app.use(secure());
    const router = new Router({ prefix: "/api" });
    router.get("/orders/:id", secure({ roles: ["admin"] }), (ctx) => {
      handled += 1;
      ctx.body = { id: ctx.params.id, by: ctx.state.bulwark.principal?.id, route: ctx.routerPath };
    });
    router.get("/health", secure({ public: true }), (ctx) => {
      ctx.body = { ok: true, principal: ctx.state.bulwark.principal ?? null };
    });
    app.use(router.routes());
    served = await serve(app);
  });

  afterAll(() => served.close());

  it("refuses an anonymous request with 401 and a challenge, before the handler", async () => {
    const before = handled;
    const res = await served.http.get("/api/orders/17");
    expectProblem(res, 401, "AUTH_REQUIRED");
    expect(res.headers["www-authenticate"]).toBe("Bearer");
    expectSecurityHeaders(res);
    expect(handled).toBe(before);
  });

  it("refuses a principal without the role with 403 and names the route template in the event", async () => {
    const res = await served.http.get("/api/orders/17").set("authorization", "Bearer user-token-91bc");
    expectProblem(res, 403, "AUTHZ_INSUFFICIENT_ROLE");
    expect(events.at(-1)).toMatchObject({ type: "authz.denied", route: "/api/orders/:id", principalId: "bob" });
  });

  it("lets the admin through, with the principal on ctx.state.bulwark and no-store caching", async () => {
    const res = await served.http.get("/api/orders/17").set("authorization", "Bearer admin-token-7f3a");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: "17", by: "ada", route: "/api/orders/:id" });
    expect(res.headers["cache-control"]).toBe("no-store");
    expectSecurityHeaders(res);
  });

  it("a public route works without credentials", async () => {
    const res = await served.http.get("/api/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, principal: null });
  });

  it("an unknown policy key fails at startup with a hint", () => {
    const { secure } = bulwark({});
    expect(() => secure({ publik: true } as RoutePolicy)).toThrow(/publik/);
  });
});

describe("@secure.route on a controller method", () => {
  let served: Served;

  beforeAll(async () => {
    const { secure } = bulwark({ authenticate: [tokenAuthenticator(TOKENS)], onError: () => undefined });

    class OrdersController {
      private readonly orders = new Map([["1", { id: "1", total: 30 }]]);

      @secure.route({ roles: ["admin"] })
      async show(ctx: Koa.Context): Promise<void> {
        ctx.body = { order: this.orders.get(ctx.params.id as string) ?? null, by: ctx.state.bulwark.principal?.id };
      }

      @secure.route({ public: true })
      count(ctx: Koa.Context): void {
        ctx.body = { count: this.orders.size };
      }

      @secure.route({ public: true })
      async fail(): Promise<void> {
        throw new Error("db password hunter2 at /srv/db.ts");
      }
    }

    const controller = new OrdersController();
    const app = new Koa();
    app.use(secure());
    const router = new Router();
    router.get("/orders/count", (ctx) => controller.count(ctx));
    router.get("/orders/fail", () => controller.fail());
    router.get("/orders/:id", (ctx) => controller.show(ctx));
    app.use(router.routes());
    served = await serve(app);
  });

  afterAll(() => served.close());

  it("runs the guard before the method", async () => {
    expectProblem(await served.http.get("/orders/1"), 401, "AUTH_REQUIRED");
    expectProblem(await served.http.get("/orders/1").set("authorization", "Bearer user-token-91bc"), 403, "AUTHZ_INSUFFICIENT_ROLE");
  });

  it("calls the method with its own `this` once allowed", async () => {
    const res = await served.http.get("/orders/1").set("authorization", "Bearer admin-token-7f3a");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ order: { id: "1", total: 30 }, by: "ada" });
  });

  it("guards synchronous methods and marks the route as guarded", async () => {
    const res = await served.http.get("/orders/count");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ count: 1 });
  });

  it("errors thrown by the method become a bare 500 problem", async () => {
    const res = await served.http.get("/orders/fail");
    expectProblem(res, 500, "INTERNAL");
    expect(res.text).not.toContain("hunter2");
  });

  it("refuses to decorate anything but a method", () => {
    const { secure } = bulwark({});
    const decorate = secure.route({ public: true });
    const notAMethod = { kind: "field", name: "x" } as unknown as ClassMethodDecoratorContext;
    expect(() => decorate(() => undefined, notAMethod)).toThrow(TypeError);
  });
});

describe("a Koa app that forgot app.use(secure())", () => {
  const events: SecurityEvent[] = [];
  let served: Served;
  let handled = 0;

  beforeAll(async () => {
    const { secure } = bulwark({ authenticate: [tokenAuthenticator(TOKENS)], onEvent: (event) => void events.push(event), onError: () => undefined });
    const app = new Koa();
    const router = new Router();
    router.get("/admin", secure({ roles: ["admin"] }), (ctx) => {
      handled += 1;
      ctx.body = { secret: "admin data" };
    });
    router.post("/notes", secure({ public: true }), (ctx) => {
      ctx.body = { received: ctx.request.body };
    });
    router.get("/crash", secure({ public: true }), () => {
      throw new Error("crash at /srv/app.ts with key sk_test_123");
    });
    app.use(router.routes());
    served = await serve(app);
  });

  afterAll(() => served.close());

  it("fails closed: the route runs the global layer itself, then refuses", async () => {
    const res = await served.http.get("/admin");
    expectProblem(res, 401, "AUTH_REQUIRED");
    expectSecurityHeaders(res);
    expect(handled).toBe(0);
  });

  it("still authorizes, reads and checks the body", async () => {
    expect((await served.http.get("/admin").set("authorization", "Bearer admin-token-7f3a")).status).toBe(200);
    const ok = await served.http.post("/notes").send({ text: "hi" });
    expect(ok.body).toEqual({ received: { text: "hi" } });
    expectProblem(await served.http.post("/notes").set("content-type", "application/json").send('{"__proto__":{"admin":true}}'), 400, "FORBIDDEN_KEY");
    expectProblem(await served.http.post("/notes").set("content-type", "application/json").send("{"), 400, "MALFORMED_JSON");
  });

  it("still formats the handler's errors", async () => {
    const res = await served.http.get("/crash");
    expectProblem(res, 500, "INTERNAL");
    expect(res.text).not.toContain("sk_test_123");
  });
});

describe("values a policy replaced reach the handler", () => {
  const rewriting = new WeakSet<RoutePolicy>();
  /** Policies whose rewrite step answers only after a wait (a promise), like a Redis-backed step. */
  const waiting = new WeakSet<RoutePolicy>();
  /** A feature standing in for validation: coerces params, query and body, and filters the response. */
  const rewriteFeature: Feature = {
    name: "rewrite (test)",
    setup() {
      return {
        compile(policy) {
          if (!rewriting.has(policy)) return undefined;
          const later = waiting.has(policy);
          return {
            stage: 50,
            step(state) {
              if (later) return new Promise<void>((resolve) => setImmediate(resolve)).then(() => rewrite(state));
              rewrite(state);
              return undefined;
            },
            respond(payload) {
              if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return payload;
              const { internal: _hidden, ...visible } = payload as Record<string, unknown>;
              return visible;
            },
          };
        },
      };
    },
  };
  function rewrite(state: RequestState): void {
    const { request } = state;
    if (request.query.refuse !== undefined) throw new SecurityError("AUTHZ_FORBIDDEN");
    request.params = { id: String(Number(request.params.id)) };
    request.query = { page: request.query.page === undefined ? "1" : String(Number(request.query.page)), seen: "yes" };
    state.queryReplaced = true;
    const body = request.body as Record<string, unknown> | undefined;
    if (body !== undefined) request.body = { title: body.title };
  }
  let served: Served;

  beforeAll(async () => {
    const { secure } = koaAdapter(createEngine({}, [...FEATURES, rewriteFeature]));
    const policy: RoutePolicy = { public: true };
    const laterPolicy: RoutePolicy = { public: true };
    rewriting.add(policy);
    rewriting.add(laterPolicy);
    waiting.add(laterPolicy);
    const app = new Koa();
    app.use(secure());
    const router = new Router();
    const seen = (ctx: Koa.Context) => ({
      params: ctx.params,
      requestParams: (ctx.request as unknown as { params: unknown }).params,
      query: ctx.query,
      sameQuery: ctx.query === ctx.request.query,
      body: ctx.request.body ?? null,
      internal: "hidden",
    });
    router.post("/items/:id", secure(policy), (ctx) => void (ctx.body = seen(ctx)));
    router.get("/items/:id", secure(policy), (ctx) => void (ctx.body = seen(ctx)));
    router.post("/later/items/:id", secure(laterPolicy), (ctx) => void (ctx.body = seen(ctx)));
    router.get("/text", secure(policy), (ctx) => void (ctx.body = "internal text kept"));
    router.get("/created", secure(policy), (ctx) => {
      ctx.status = 201;
      ctx.body = { id: "n-1", internal: "hidden" };
      ctx.set("x-app", "kept");
    });
    app.use(router.routes());
    served = await serve(app);
  });

  afterAll(() => served.close());

  it.each([
    ["at once", "/items/007"],
    ["after a wait", "/later/items/007"],
  ])("params, query and body are the policy's values (a policy that answers %s), and the response is filtered", async (_when, path) => {
    const res = await served.http.post(`${path}?page=02&extra=1`).send({ title: "t", admin: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      params: { id: "7" },
      requestParams: { id: "7" },
      query: { page: "2", seen: "yes" },
      sameQuery: true,
      body: { title: "t" },
    });
  });

  it("a refusal answers whether the policy decides at once or after a wait", async () => {
    expectProblem(await served.http.post("/items/1?refuse=1").send({ title: "t" }), 403, "AUTHZ_FORBIDDEN");
    expectProblem(await served.http.post("/later/items/1?refuse=1").send({ title: "t" }), 403, "AUTHZ_FORBIDDEN");
  });

  it("a request without a body keeps none", async () => {
    const res = await served.http.get("/items/3");
    expect(res.body).toMatchObject({ params: { id: "3" }, body: null, query: { page: "1", seen: "yes" } });
  });

  it("a filtered body keeps the handler's status, JSON type and headers, with the filtered length", async () => {
    const res = await served.http.get("/created");
    expect(res.status).toBe(201);
    expect(res.text).toBe('{"id":"n-1"}');
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.headers["content-length"]).toBe(String('{"id":"n-1"}'.length));
    expect(res.headers["x-app"]).toBe("kept");
  });

  it("only JSON bodies go through the response transforms", async () => {
    const res = await served.http.get("/text");
    expect(res.text).toBe("internal text kept");
  });
});
