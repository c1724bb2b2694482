/**
 * Validation on every adapter: one OpenAPI document (3.1 and 3.0, strict and not) drives path,
 * query, header and body validation, with the same statuses, field errors and coerced values.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import supertest from "supertest";
import { z } from "zod";
import {
  OPENAPI_CASES,
  OPENAPI_ROUTES,
  ORDERS_OPENAPI_30,
  ORDERS_OPENAPI_31,
  answerFor,
  type HandlerInput as OpenApiInput,
} from "../../packages/core/src/validation/test-support/openapi-fixture.js";
import { checkCase, sendCase } from "../../packages/core/src/validation/test-support/send-case.js";
import { ADAPTERS } from "./harness/adapters.js";
import type { NeutralApp, RunningApp } from "./harness/neutral-app.js";

function ordersApp(strict: boolean, document: object, received: OpenApiInput[]): NeutralApp {
  return {
    options: { openapi: { document, strict } },
    routes: OPENAPI_ROUTES.map((route) => ({
      method: route.method.toUpperCase() as "GET",
      path: route.path,
      policy: { public: true },
      handler: ({ params, query, body }) => {
        received.push({ params, query, body });
        return answerFor(route.operationId, { params, query, body });
      },
    })),
  };
}

describe.each(ADAPTERS)("OpenAPI validation on %s", (_name, build) => {
  for (const [label, document] of [["3.1", ORDERS_OPENAPI_31], ["3.0", ORDERS_OPENAPI_30]] as const) {
    for (const strict of [false, true]) {
      describe(`OpenAPI ${label}${strict ? ", strict" : ""}`, () => {
        const received: OpenApiInput[] = [];
        let app: RunningApp;
        beforeAll(async () => {
          app = await build(ordersApp(strict, document, received));
        });
        afterAll(() => app.close());

        for (const c of OPENAPI_CASES) {
          if (c.strictOnly && !strict) continue;
          it(c.name, async () => {
            const before = received.length;
            const response = await sendCase(supertest.agent(app.server), c);
            checkCase(c, response, received.length > before ? received[received.length - 1] : undefined);
            if (c.status >= 400) expect(received.length).toBe(before);
          });
        }
      });
    }
  }
});

const Note = z.object({ title: z.string().min(1).max(100), tags: z.array(z.string().max(20)).max(5).optional() });
const NoteSchema = {
  type: "object",
  required: ["title"],
  properties: { title: { type: "string", minLength: 1, maxLength: 100 }, tags: { type: "array", maxItems: 5, items: { type: "string", maxLength: 20 } } },
} as const;

describe.each(ADAPTERS)("route schemas on %s", (_name, build) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await build({
      options: {},
      routes: [
        { method: "POST", path: "/zod/:id", policy: { public: true, params: z.object({ id: z.coerce.number().int().min(1) }), body: Note }, handler: ({ params, body }) => ({ body: { params, body } }) },
        { method: "POST", path: "/json/:id", policy: { public: true, params: { type: "object", properties: { id: { type: "integer", minimum: 1 } }, required: ["id"] }, body: NoteSchema }, handler: ({ params, body }) => ({ body: { params, body } }) },
        { method: "GET", path: "/search", policy: { public: true, query: { type: "object", properties: { page: { type: "integer", minimum: 1 }, q: { type: "string", maxLength: 50 } } } }, handler: ({ query }) => ({ body: { query } }) },
      ],
    });
  });
  afterAll(() => app.close());

  it.each(["zod", "json"])("%s: the handler sees validated, coerced values", async (kind) => {
    const res = await supertest(app.server).post(`/${kind}/7`).send({ title: "hello", tags: ["a"] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ params: { id: 7 }, body: { title: "hello", tags: ["a"] } });
  });

  it("zod and JSON Schema give the same error shape, without the rejected values", async () => {
    const bad = { title: "", tags: ["x".repeat(30)], role: "admin" };
    const [zod, json] = await Promise.all([
      supertest(app.server).post("/zod/0").send(bad),
      supertest(app.server).post("/json/0").send(bad),
    ]);
    for (const res of [zod, json]) {
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("VALIDATION_FAILED");
      expect(res.text).not.toContain("xxxxxxxxxx");
      expect(res.text).not.toContain('"admin"');
    }
    const shape = (body: { errors: { path: string; code: string }[] }) => body.errors.map((e) => e.path).sort();
    expect(shape(zod.body)).toEqual(shape(json.body));
    expect(shape(json.body)).toEqual(expect.arrayContaining(["/params/id", "/body/title", "/body/tags/0", "/body/role"]));
  });

  it("coerces the query and refuses parameter pollution", async () => {
    expect((await supertest(app.server).get("/search?page=3&q=x")).body).toEqual({ query: { page: 3, q: "x" } });
    const polluted = await supertest(app.server).get("/search?page=1&page=2");
    expect(polluted.status).toBe(400);
    expect(polluted.body.errors[0].path).toBe("/query/page");
  });
});
