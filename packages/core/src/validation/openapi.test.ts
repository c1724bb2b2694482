import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import Router from "@koa/router";
import Koa from "koa";
import supertest from "supertest";
import { stringify } from "yaml";
import { bulwark } from "@bulwark/express";
import { bulwark as koaBulwark } from "@bulwark/koa";
import { serve } from "../authz/test-support/test-server.js";
import type { BulwarkOptions } from "../config/options.js";
import { ConfigError } from "../errors/security-error.js";
import type { SecurityEvent } from "../events/security-event.js";
import { ResponseValidationError } from "./response-validation-error.js";
import { startApp, type TestApp } from "./test-support/express-app.js";
import {
  GOOD_ORDER_ID,
  LEAKY_ORDER_ID,
  OPENAPI_CASES,
  OPENAPI_ROUTES,
  ORDERS_OPENAPI_30,
  ORDERS_OPENAPI_31,
  TENANT,
  WRITE_ONLY_ORDER_ID,
  answerFor,
} from "./test-support/openapi-fixture.js";
import { checkCase, sendCase } from "./test-support/send-case.js";

function ordersApp(config: BulwarkOptions): Promise<TestApp> {
  return startApp(config, OPENAPI_ROUTES.map((route) => ({
    method: route.method,
    path: route.path,
    policy: { public: true },
    handler: (req, res) => {
      const out = answerFor(route.operationId, { params: req.params, query: req.query, body: req.body });
      res.status(out.status).json(out.body);
    },
  })));
}

const tmp = mkdtempSync(path.join(tmpdir(), "bulwark-openapi-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

for (const [label, document] of [["3.1 object", ORDERS_OPENAPI_31], ["3.0 object", ORDERS_OPENAPI_30]] as const) {
  for (const strict of [false, true]) {
    describe(`OpenAPI ${label}${strict ? ", strict" : ""} on Express`, () => {
      let app: TestApp;
      beforeAll(async () => {
        app = await ordersApp({ openapi: { document, strict } });
      });
      afterAll(() => app.close());

      for (const c of OPENAPI_CASES) {
        if (c.strictOnly && !strict) continue;
        it(c.name, async () => {
          const before = app.received.length;
          const response = await sendCase(app.request, c);
          checkCase(c, response, app.received.length > before ? app.received[app.received.length - 1] : undefined);
          if (c.status >= 400) expect(app.received.length).toBe(before);
        });
      }

      if (!strict) {
        it("leaves undeclared paths and methods to the routes when not strict", async () => {
          expect((await app.request.get("/api/internal/stats")).status).toBe(200);
          expect((await app.request.delete(`/api/orders/${GOOD_ORDER_ID}`)).status).toBe(200);
        });
      } else {
        it("names the allowed methods in a 405", async () => {
          const response = await app.request.delete(`/api/orders/${GOOD_ORDER_ID}`);
          expect(response.headers.allow).toBe("GET, PUT, PATCH, HEAD");
        });
      }
    });
  }
}

describe("OpenAPI documents from files", () => {
  it.each([["yaml", (doc: unknown) => stringify(doc)], ["json", (doc: unknown) => JSON.stringify(doc)]] as const)("reads a .%s file once at startup", async (extension, serialise) => {
    const file = path.join(tmp, `orders.${extension}`);
    writeFileSync(file, serialise(ORDERS_OPENAPI_31));
    const app = await ordersApp({ openapi: file });
    try {
      expect((await app.request.get("/api/orders?page=0").set("x-tenant", TENANT)).status).toBe(400);
      expect((await app.request.get("/api/orders?page=2").set("x-tenant", TENANT)).body.query).toEqual({ page: 2 });
    } finally {
      await app.close();
    }
  });
});

describe("OpenAPI response validation", () => {
  let app: TestApp;
  const reported: unknown[] = [];
  const events: SecurityEvent[] = [];
  beforeAll(async () => {
    app = await ordersApp({
      openapi: { document: ORDERS_OPENAPI_31, validateResponses: true },
      onError: (error) => { reported.push(error); },
      onEvent: (event) => { events.push(event); },
    });
  });
  afterAll(() => app.close());

  it("lets a response that matches the document through", async () => {
    const response = await app.request.get(`/api/orders/${GOOD_ORDER_ID}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: GOOD_ORDER_ID, item: "book", quantity: 2, status: "open" });
  });

  it.each([[LEAKY_ORDER_ID, "/response/internalNote", "fraud"], [WRITE_ONLY_ORDER_ID, "/response/paymentToken", "tok_live"]])(
    "answers 500 instead of a body that does not match (%s), and reports where",
    async (id, where, secret) => {
      reported.length = 0;
      events.length = 0;
      const response = await app.request.get(`/api/orders/${id}`);
      expect(response.status).toBe(500);
      expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
      expect(response.body.code).toBe("INTERNAL");
      expect(response.text).not.toContain(secret);
      expect(reported).toHaveLength(1);
      expect(reported[0]).toBeInstanceOf(ResponseValidationError);
      expect((reported[0] as ResponseValidationError).errors.map((e) => e.path)).toContain(where);
      expect((reported[0] as ResponseValidationError).message).not.toContain(secret);
      expect(events.map((e) => e.type)).toContain("error.internal");
    },
  );
});

describe("OpenAPI matching details", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await ordersApp({ openapi: { document: ORDERS_OPENAPI_31, strict: true } });
  });
  afterAll(() => app.close());

  it("treats HEAD as GET, and lets CORS preflights reach declared paths", async () => {
    expect((await app.request.head(`/api/orders/${GOOD_ORDER_ID}`)).status).toBe(200);
    expect((await app.request.options(`/api/orders/${GOOD_ORDER_ID}`)).status).not.toBe(405);
  });

  it("matches under the server's base path only", async () => {
    expect((await app.request.get(`/orders/${GOOD_ORDER_ID}`)).status).toBe(404);
  });

  it("tolerates a trailing slash and refuses a malformed percent-encoding", async () => {
    expect((await app.request.get(`/api/orders/${GOOD_ORDER_ID}/`)).status).not.toBe(404);
    const response = await app.request.get("/api/orders/%E0%A4%A/lines/1");
    expect(response.status).toBe(400);
  });
});

// Regression: Express and @koa/router route /API/ORDERS to /api/orders (case-insensitive, one
// trailing slash ignored), and the document was not applied to such a request at all.
describe("OpenAPI on a path in another letter case (regression: validation was skipped)", () => {
  const badOrder = { item: "book", quantity: "2", isAdmin: true };
  const refusedFields = [["/body/isAdmin", "additionalProperties"], ["/body/quantity", "type"]];
  const fieldsOf = (body: { errors?: { path: string; code: string }[] }) => (body.errors ?? []).map((e) => [e.path, e.code]).sort();

  for (const strict of [false, true]) {
    it(`validates POST /API/ORDERS and /Api/Orders/ on Express${strict ? " (strict)" : ""}`, async () => {
      const app = await ordersApp({ openapi: { document: ORDERS_OPENAPI_31, strict } });
      try {
        for (const url of ["/API/ORDERS", "/Api/Orders/"]) {
          const response = await app.request.post(url).send(badOrder);
          expect(response.status).toBe(400);
          expect(fieldsOf(response.body as never)).toEqual(refusedFields);
        }
        expect(app.received).toHaveLength(0);
        const ok = await app.request.post("/API/Orders").send({ item: "book", quantity: 2 });
        expect(ok.status).toBe(200);
        const param = await app.request.get("/API/ORDERS/not-a-uuid");
        expect(param.status).toBe(400);
        expect(fieldsOf(param.body as never)).toEqual([["/params/orderId", "format"]]);
      } finally {
        await app.close();
      }
    });
  }

  it("validates POST /API/ORDERS on Koa with @koa/router", async () => {
    const received: unknown[] = [];
    const { secure } = koaBulwark({ openapi: ORDERS_OPENAPI_31 });
    const app = new Koa();
    const router = new Router();
    app.use(secure());
    router.post("/api/orders", secure({ public: true }), (ctx) => {
      received.push(ctx.request.body);
      ctx.body = { ok: true };
    });
    app.use(router.routes());
    const server = await serve(app.callback());
    try {
      for (const url of ["/API/ORDERS", "/api/Orders/"]) {
        const response = await supertest(server.url).post(url).send(badOrder);
        expect(response.status).toBe(400);
        expect(fieldsOf(response.body as never)).toEqual(refusedFields);
      }
      expect(received).toHaveLength(0);
      expect((await supertest(server.url).post("/API/ORDERS").send({ item: "book", quantity: 2 })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe("OpenAPI configuration problems", () => {
  function problemsOf(openapi: unknown): readonly string[] {
    try {
      bulwark({ openapi: openapi as never });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    return [];
  }
  const doc = (patch: Record<string, unknown>) => ({ ...ORDERS_OPENAPI_31, ...patch });

  it("refuses what it cannot read, saying what to do", () => {
    expect(problemsOf({ swagger: "2.0", paths: {} })[0]).toMatch(/version undefined is not supported/);
    expect(problemsOf(doc({ openapi: "4.0.0" }))[0]).toMatch(/3.0.x and 3.1.x/);
    expect(problemsOf(path.join(tmp, "missing.yaml"))[0]).toMatch(/cannot be read \(ENOENT\)/);
    const broken = path.join(tmp, "broken.yaml");
    writeFileSync(broken, "openapi: [unclosed");
    expect(problemsOf(broken)[0]).toMatch(/is not valid YAML/);
    expect(problemsOf(doc({ paths: { "/a": { get: { requestBody: { content: { "application/json": { schema: { $ref: "other.yaml#/X" } } } }, responses: {} } } } }))[0]).toMatch(/reference "other.yaml#\/X" is not supported/);
    expect(problemsOf(doc({ paths: { "/a/{id}": { get: { responses: {} } } } }))[0]).toMatch(/path parameter "id" is not declared/);
    expect(problemsOf(doc({ paths: { "/a": { get: { parameters: [{ name: "q", in: "query", schema: { type: "string", format: "phone" } }], responses: {} } } } }))[0]).toMatch(/unknown format "phone"/);
    expect(problemsOf({ document: ORDERS_OPENAPI_31, strcit: true })[0]).toMatch(/strcit is not a known option/);
    expect(problemsOf({ document: ORDERS_OPENAPI_31, strict: "yes" })[0]).toMatch(/strict must be true or false/);
  });
});
