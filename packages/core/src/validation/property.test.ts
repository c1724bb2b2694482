/**
 * Properties over random input, through a real Express app: no input produces a 5xx, whatever
 * reaches a handler satisfies the route's schema (checked by an independent validator), and no
 * validation error or event ever contains a value the client sent.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import fc from "fast-check";
import { z } from "zod";
import type { SecurityEvent } from "../events/security-event.js";
import { startApp, type TestApp } from "./test-support/express-app.js";

const bodySchema = {
  type: "object",
  additionalProperties: false,
  required: ["name", "quantity"],
  properties: {
    name: { type: "string", minLength: 1, maxLength: 100 },
    quantity: { type: "integer", minimum: 1, maximum: 1000 },
    price: { type: "number", minimum: 0 },
    tags: { type: "array", maxItems: 20, items: { type: "string", maxLength: 30 } },
    kind: { type: "string", enum: ["retail", "wholesale"] },
    sku: { type: "string", pattern: "^[A-Z]{3}-[0-9]{4}$" },
    email: { type: "string", format: "email", maxLength: 254 },
    version: { const: 2 },
    address: { type: "object", additionalProperties: false, required: ["city"], properties: { city: { type: "string", maxLength: 50 }, zip: { type: "string", maxLength: 10 } } },
  },
} as const;

const bodyZod = z.object({
  name: z.string().min(1).max(100),
  quantity: z.number().int().min(1).max(1000),
  price: z.number().min(0).optional(),
  tags: z.array(z.string().max(30)).max(20).optional(),
  kind: z.enum(["retail", "wholesale"]).optional(),
  sku: z.string().regex(/^[A-Z]{3}-[0-9]{4}$/).optional(),
  email: z.email().max(254).optional(),
  version: z.literal(2).optional(),
  address: z.strictObject({ city: z.string().max(50), zip: z.string().max(10).optional() }).optional(),
});

const querySchema = {
  type: "object",
  properties: {
    page: { type: "integer", minimum: 1, maximum: 100 },
    sort: { type: "string", enum: ["asc", "desc"] },
    tags: { type: "array", maxItems: 5, items: { type: "string", maxLength: 10 } },
    active: { type: "boolean" },
  },
} as const;

// An independent check of what handlers receive: a fresh ajv, not Bulwark's.
const ajv = new (Ajv2020Module as unknown as { default: typeof Ajv2020Module.default }).default({ allErrors: true, ownProperties: true, strict: false });
(addFormatsModule as unknown as { default: (a: unknown) => void }).default(ajv);
const checkBody = ajv.compile(bodySchema);
const checkQuery = ajv.compile({ ...querySchema, additionalProperties: false });

const events: SecurityEvent[] = [];
let app: TestApp;
beforeAll(async () => {
  app = await startApp({ onEvent: (event) => { events.push(event); } }, [
    { method: "post", path: "/json", policy: { public: true, body: bodySchema } },
    { method: "post", path: "/zod", policy: { public: true, body: bodyZod } },
    { path: "/query", policy: { public: true, query: querySchema } },
  ]);
});
afterAll(() => app.close());

/** Objects close to the schema: right names with values of any shape, sometimes extra names. */
const nearBody = fc.record({
  name: fc.oneof(fc.string({ maxLength: 120 }), fc.jsonValue({ maxDepth: 2 })),
  quantity: fc.oneof(fc.integer({ min: -5, max: 1100 }), fc.double(), fc.jsonValue({ maxDepth: 1 })),
  price: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string()),
  tags: fc.oneof(fc.array(fc.string({ maxLength: 40 }), { maxLength: 25 }), fc.jsonValue({ maxDepth: 2 })),
  kind: fc.oneof(fc.constantFrom("retail", "wholesale", "admin"), fc.jsonValue({ maxDepth: 1 })),
  sku: fc.oneof(fc.stringMatching(/^[A-Z]{3}-[0-9]{4}$/), fc.string({ maxLength: 12 })),
  email: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 20 })),
  version: fc.oneof(fc.constant(2), fc.jsonValue({ maxDepth: 1 })),
  address: fc.oneof(fc.record({ city: fc.string({ maxLength: 60 }), zip: fc.string({ maxLength: 12 }) }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 2 })),
  $where: fc.string(),
  isAdmin: fc.boolean(),
}, { requiredKeys: [] });

/** Bodies that mostly satisfy the schema, so the accepting side is exercised too. */
const validBody = fc.record({
  name: fc.string({ minLength: 1, maxLength: 100 }),
  quantity: fc.integer({ min: 1, max: 1000 }),
  price: fc.double({ min: 0, max: 1e9, noNaN: true }),
  tags: fc.array(fc.string({ maxLength: 30 }), { maxLength: 20 }),
  kind: fc.constantFrom("retail", "wholesale"),
  sku: fc.stringMatching(/^[A-Z]{3}-[0-9]{4}$/),
  email: fc.emailAddress(),
  version: fc.constant(2),
  address: fc.record({ city: fc.string({ maxLength: 50 }), zip: fc.string({ maxLength: 10 }) }, { requiredKeys: ["city"] }),
}, { requiredKeys: ["name", "quantity"] });

const anyBody = fc.oneof(
  { weight: 2, arbitrary: validBody },
  { weight: 3, arbitrary: nearBody },
  { weight: 1, arbitrary: fc.jsonValue() },
  { weight: 1, arbitrary: fc.string({ unit: "binary" }) },
);

describe("random input never breaks validation", () => {
  for (const path of ["/json", "/zod"]) {
    it(`${path}: no 5xx, and the handler only ever gets a body that satisfies the schema`, async () => {
      let accepted = 0;
      await fc.assert(fc.asyncProperty(anyBody, async (body) => {
        const before = app.received.length;
        const response = await app.request.post(path).set("content-type", "application/json").send(typeof body === "string" ? body : JSON.stringify(body));
        expect(response.status).toBeLessThan(500);
        if (response.status === 200) {
          accepted++;
          const seen = app.received[app.received.length - 1]!.body;
          expect(app.received.length).toBe(before + 1);
          // Each schema language judged by its own, independent validator (their e-mail rules differ).
          expect(path === "/json" ? checkBody(seen) : bodyZod.safeParse(seen).success).toBe(true);
        } else {
          expect(app.received.length).toBe(before);
          expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
        }
      }), { numRuns: 250 });
      // The generator reaches the accepting side too, not only refusals.
      expect(accepted).toBeGreaterThan(0);
    });
  }

  it("/query: no 5xx, and the handler only ever gets a query that satisfies the schema", async () => {
    const name = fc.oneof(fc.constantFrom("page", "sort", "tags", "active", "page[$ne]", "x"), fc.string({ maxLength: 8 }));
    const value = fc.oneof(fc.constantFrom("1", "7", "100", "101", "0x10", "asc", "desc", "true", "false", ""), fc.string({ maxLength: 12 }));
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(name, value), { maxLength: 6 }), async (pairs) => {
      const before = app.received.length;
      const response = await app.request.get(`/query?${new URLSearchParams(pairs).toString()}`);
      expect(response.status).toBeLessThan(500);
      if (response.status === 200) {
        const seen = app.received[app.received.length - 1]!.query;
        expect(checkQuery(seen)).toBe(true);
      } else {
        expect(app.received.length).toBe(before);
      }
    }), { numRuns: 250 });
  });
});

describe("validation errors never echo values", () => {
  /** A distinctive value, so finding it in a response means it was echoed. */
  const marker = fc.stringMatching(/^[a-z0-9]{10}$/).map((s) => `Mk${s}Q`);
  const misplaced = fc.record({
    name: fc.oneof(marker.map((m) => ({ nested: m })), marker.map((m) => [m])),
    quantity: marker,
    kind: marker,
    sku: marker,
    email: marker,
    version: marker,
    tags: marker.map((m) => [m, 5]),
    address: marker.map((m) => ({ city: 5, zip: m })),
  }, { requiredKeys: [] });

  for (const path of ["/json", "/zod"]) {
    it(`${path}: no marker sent in a refused value appears in the problem or the events`, async () => {
      await fc.assert(fc.asyncProperty(misplaced, async (body) => {
        events.length = 0;
        const markers = JSON.stringify(body).match(/Mk[a-z0-9]{10}Q/g) ?? [];
        const response = await app.request.post(path).send(body);
        expect(response.status).toBe(400);
        for (const m of markers) {
          expect(response.text).not.toContain(m);
          expect(JSON.stringify(events)).not.toContain(m);
        }
      }), { numRuns: 150 });
    });
  }

  it("/query: refused query values are not echoed either", async () => {
    await fc.assert(fc.asyncProperty(marker, fc.constantFrom("page", "sort", "active"), async (m, name) => {
      const response = await app.request.get(`/query?${name}=${m}`);
      expect(response.status).toBe(400);
      expect(response.text).not.toContain(m);
    }), { numRuns: 60 });
  });
});
