import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { z } from "zod";
import { bulwark } from "@bulwark/express";
import type { BulwarkOptions } from "../config/options.js";
import { ConfigError } from "../errors/security-error.js";
import type { SecurityEvent } from "../events/security-event.js";
import type { RoutePolicy } from "../policy/route-policy.js";
import { startApp, type TestApp, type TestRoute } from "./test-support/express-app.js";

const bodyJson = {
  type: "object",
  required: ["name", "quantity"],
  properties: {
    name: { type: "string", minLength: 1, maxLength: 100 },
    quantity: { type: "integer", minimum: 1, maximum: 1000 },
    price: { type: "number", minimum: 0 },
    tags: { type: "array", maxItems: 20, items: { type: "string", maxLength: 30 } },
    email: { type: "string", format: "email", maxLength: 254 },
    kind: { type: "string", enum: ["a", "b"] },
    address: { type: "object", required: ["city"], properties: { city: { type: "string", maxLength: 50 } } },
  },
} as const;

const bodyZod = z.object({
  name: z.string().min(1).max(100),
  quantity: z.number().int().min(1).max(1000),
  price: z.number().min(0).optional(),
  tags: z.array(z.string().max(30)).max(20).optional(),
  email: z.email().max(254).optional(),
  kind: z.enum(["a", "b"]).optional(),
  address: z.object({ city: z.string().max(50) }).optional(),
});

const queryJson = {
  type: "object",
  properties: { page: { type: "integer", minimum: 1, maximum: 100 }, sort: { type: "string", enum: ["asc", "desc"] }, tags: { type: "array", items: { type: "string", maxLength: 20 } } },
} as const;
const queryZod = z.object({ page: z.coerce.number().int().min(1).max(100).optional(), sort: z.enum(["asc", "desc"]).optional(), tags: z.array(z.string().max(20)).optional() });

const paramsJson = { type: "object", properties: { id: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" } } } as const;
const paramsZod = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

const headersJson = { type: "object", required: ["X-Api-Version"], properties: { "X-Api-Version": { type: "integer", minimum: 1 } } } as const;
const headersZod = z.object({ "x-api-version": z.coerce.number().int().min(1) });

function routesFor(prefix: string, schemas: { body: unknown; query: unknown; params: unknown; headers: unknown }): TestRoute[] {
  return [
    { method: "post", path: `/${prefix}/items`, policy: { public: true, body: schemas.body } as RoutePolicy },
    { path: `/${prefix}/items`, policy: { public: true, query: schemas.query } as RoutePolicy },
    { path: `/${prefix}/items/:id`, policy: { public: true, params: schemas.params } as RoutePolicy },
    { path: `/${prefix}/versioned`, policy: { public: true, headers: schemas.headers } as RoutePolicy },
  ];
}

function errorsOf(response: { body: { errors?: { path: string; code: string; message: string }[] } }) {
  return [...(response.body.errors ?? [])].sort((a, b) => a.path.localeCompare(b.path) || a.code.localeCompare(b.code));
}

describe("zod and JSON Schema give the same answers (Express)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({}, [
      ...routesFor("json", { body: bodyJson, query: queryJson, params: paramsJson, headers: headersJson }),
      ...routesFor("zod", { body: bodyZod, query: queryZod, params: paramsZod, headers: headersZod }),
    ]);
  });
  afterAll(() => app.close());

  const bodies: [string, unknown, readonly string[]][] = [
    ["missing required fields", {}, ["/body/name required", "/body/quantity required"]],
    ["values below their bounds", { name: "", quantity: 0 }, ["/body/name minLength", "/body/quantity minimum"]],
    ["values above their bounds", { name: "x".repeat(101), quantity: 1001, price: -1 }, ["/body/name maxLength", "/body/price minimum", "/body/quantity maximum"]],
    ["wrong types", { name: 5, quantity: 1.5 }, ["/body/name type", "/body/quantity type"]],
    ["a wrong item type", { name: "x", quantity: 5, tags: ["a", 5] }, ["/body/tags/1 type"]],
    ["too many items", { name: "x", quantity: 5, tags: Array.from({ length: 21 }, () => "t") }, ["/body/tags maxItems"]],
    ["a bad format", { name: "x", quantity: 5, email: "nope" }, ["/body/email format"]],
    ["a value outside the enum", { name: "x", quantity: 5, kind: "c" }, ["/body/kind enum"]],
    ["a missing nested field", { name: "x", quantity: 5, address: {} }, ["/body/address/city required"]],
    ["undeclared properties, nested too", { name: "x", quantity: 5, extra: 1, address: { city: "y", zip: 1 } }, ["/body/address/zip additionalProperties", "/body/extra additionalProperties"]],
    ["undeclared properties beside other errors", { name: 5, quantity: 5, isAdmin: true }, ["/body/isAdmin additionalProperties", "/body/name type"]],
    ["a top-level array", [{ name: "x", quantity: 5 }], ["/body type"]],
  ];

  it.each(bodies)("body: %s", async (_label, body, expected) => {
    const [json, zod] = await Promise.all([app.request.post("/json/items").send(body as object), app.request.post("/zod/items").send(body as object)]);
    expect(json.status).toBe(400);
    expect(zod.status).toBe(400);
    expect(errorsOf(json).map((e) => `${e.path} ${e.code}`)).toEqual(expected);
    expect(errorsOf(zod)).toEqual(errorsOf(json));
    for (const response of [json, zod]) {
      expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
      expect(response.body).toMatchObject({ status: 400, code: "VALIDATION_FAILED", title: "Bad Request" });
    }
  });

  it("body: a valid body reaches the handler as sent", async () => {
    const body = { name: "x", quantity: 5, tags: ["a"], email: "jane@example.com", address: { city: "Oslo" } };
    for (const prefix of ["json", "zod"]) {
      const response = await app.request.post(`/${prefix}/items`).send(body);
      expect(response.status).toBe(200);
      expect(response.body.body).toEqual(body);
    }
  });

  const queries: [string, string, readonly string[]][] = [
    ["a non-number", "page=abc", ["/query/page type"]],
    ["a scalar given twice", "page=1&page=2", ["/query/page duplicateParameter"]],
    ["an undeclared parameter", "page=1&debug=true", ["/query/debug additionalProperties"]],
    ["an enum", "sort=sideways", ["/query/sort enum"]],
    ["a bound", "page=101", ["/query/page maximum"]],
  ];

  it.each(queries)("query: %s", async (_label, query, expected) => {
    for (const prefix of ["json", "zod"]) {
      const response = await app.request.get(`/${prefix}/items?${query}`);
      expect(response.status).toBe(400);
      expect(errorsOf(response).map((e) => `${e.path} ${e.code}`)).toEqual(expected);
    }
  });

  it("query: values are coerced and a lone value of a list is a list", async () => {
    for (const prefix of ["json", "zod"]) {
      const response = await app.request.get(`/${prefix}/items?page=7&tags=a&sort=asc`);
      expect(response.status).toBe(200);
      expect(response.body.query).toEqual({ page: 7, tags: ["a"], sort: "asc" });
    }
  });

  it("params: a traversal attempt fails the identifier pattern", async () => {
    for (const prefix of ["json", "zod"]) {
      const bad = await app.request.get(`/${prefix}/items/${encodeURIComponent("../../etc/passwd")}`);
      expect(errorsOf(bad).map((e) => `${e.path} ${e.code}`)).toEqual(["/params/id pattern"]);
      expect((await app.request.get(`/${prefix}/items/abc_1`)).body.params).toEqual({ id: "abc_1" });
    }
  });

  it("headers: names are matched in lower case and values coerced", async () => {
    for (const prefix of ["json", "zod"]) {
      expect(errorsOf(await app.request.get(`/${prefix}/versioned`)).map((e) => `${e.path} ${e.code}`)).toEqual(["/headers/x-api-version required"]);
      expect(errorsOf(await app.request.get(`/${prefix}/versioned`).set("X-Api-Version", "0")).map((e) => `${e.path} ${e.code}`)).toEqual(["/headers/x-api-version minimum"]);
      expect((await app.request.get(`/${prefix}/versioned`).set("X-Api-Version", "2").set("Cookie", "a".repeat(5000))).status).toBe(200);
    }
  });
});

describe("strict by default", () => {
  let app: TestApp;
  const events: SecurityEvent[] = [];
  beforeAll(async () => {
    app = await startApp({ onEvent: (event) => { events.push(event); } }, [
      { method: "post", path: "/open", policy: { public: true, body: { type: "object", properties: { note: { type: "string" }, long: { type: "string", maxLength: 5000 } } } } },
      { method: "post", path: "/open-zod", policy: { public: true, body: z.object({ note: z.string().optional() }) } },
      { method: "post", path: "/long-zod", policy: { public: true, body: z.object({ long: z.string().max(5000) }) } },
      { method: "post", path: "/map", policy: { public: true, body: { type: "object", additionalProperties: { type: "integer" } } } },
      { method: "post", path: "/ops", policy: { public: true, body: { type: "object", properties: { $set: { type: "object", properties: { n: { type: "integer" } } } } } } },
      { method: "post", path: "/ops-allowed", policy: { public: true, body: { schema: { type: "object", additionalProperties: true }, operatorKeys: "allow" } } },
      { method: "post", path: "/count", policy: { public: true, body: { type: "object", properties: { n: { type: "integer" } } } } },
      { method: "post", path: "/proto", policy: { public: true, body: { type: "object", required: ["toString", "constructor"], properties: { toString: { type: "string" }, constructor: { type: "string" } } } } },
      { method: "post", path: "/proto-zod", policy: { public: true, body: z.object({ toString: z.string(), constructor: z.string() }) } },
    ]);
  });
  afterAll(() => app.close());

  it("caps strings that declare no maxLength, and honours a declared one", async () => {
    for (const path of ["/open", "/open-zod"]) {
      const long = await app.request.post(path).send({ note: "n".repeat(1001) });
      expect(errorsOf(long)).toEqual([{ path: "/body/note", code: "maxLength", message: "must be at most 1000 characters" }]);
    }
    expect((await app.request.post("/open").send({ note: "n".repeat(1000), long: "l".repeat(4000) })).status).toBe(200);
    expect((await app.request.post("/long-zod").send({ long: "l".repeat(4000) })).status).toBe(200);
  });

  it("keeps free-form maps open but refuses operator and dotted keys in them", async () => {
    expect((await app.request.post("/map").send({ a: 1, b: 2 })).status).toBe(200);
    const response = await app.request.post("/map").send({ a: 1, $where: 2, "profile.role": 3 });
    expect(errorsOf(response).map((e) => `${e.path} ${e.code}`)).toEqual(["/body/$where operatorKey", "/body/profile.role operatorKey"]);
  });

  it("accepts operator-like names the schema declares, or when the route allows them", async () => {
    expect((await app.request.post("/ops").send({ $set: { n: 1 } })).status).toBe(200);
    expect((await app.request.post("/ops").send({ $set: { n: 1 }, $unset: {} })).status).toBe(400);
    expect((await app.request.post("/ops-allowed").send({ $gt: 1, "a.b": 2 })).status).toBe(200);
  });

  it("refuses control characters, lone surrogates and bidi overrides, but not line breaks", async () => {
    for (const value of ["abc\u0000def", "\ud800", "invoice\u202egnp.exe", "ad\u200bmin", "\ufeffadmin"]) {
      const response = await app.request.post("/open").set("content-type", "application/json").send(`{"note":${JSON.stringify(value).replace("\ud800", "\\ud800")}}`);
      expect(errorsOf(response).map((e) => `${e.path} ${e.code}`)).toEqual(["/body/note unsafeCharacters"]);
    }
    expect((await app.request.post("/open").send({ note: "line one\nline two\ttabbed, مرحبا, 👩‍👩‍👧" })).status).toBe(200);
  });

  it("keeps integers within the safe range", async () => {
    const response = await app.request.post("/count").set("content-type", "application/json").send('{"n":9007199254740993}');
    expect(errorsOf(response).map((e) => `${e.path} ${e.code}`)).toEqual(["/body/n maximum"]);
  });

  it("never lets an inherited property satisfy required", async () => {
    for (const path of ["/proto", "/proto-zod"]) {
      const response = await app.request.post(path).send({});
      expect(errorsOf(response).map((e) => `${e.path} ${e.code}`)).toEqual(["/body/constructor required", "/body/toString required"]);
    }
  });

  it("emits validation.failed with the code and no value", async () => {
    events.length = 0;
    await app.request.post("/count").send({ n: "secret-marker-value" });
    const event = events.find((e) => e.type === "validation.failed");
    expect(event).toMatchObject({ type: "validation.failed", code: "VALIDATION_FAILED", method: "POST" });
    expect(JSON.stringify(events)).not.toContain("secret-marker-value");
  });
});

describe("route and global settings", () => {
  it("strips undeclared properties when asked, globally or per route", async () => {
    const app = await startApp({ validation: { unknown: "strip" } }, [
      { method: "post", path: "/json", policy: { public: true, body: { type: "object", properties: { a: { type: "integer" }, n: { type: "object", properties: { b: { type: "string" } } } } } } },
      { method: "post", path: "/zod", policy: { public: true, body: z.object({ a: z.number().int(), n: z.object({ b: z.string() }).optional() }) } },
      { method: "post", path: "/strict-zod", policy: { public: true, body: z.strictObject({ a: z.number().int() }) } },
      { path: "/query", policy: { public: true, query: { type: "object", properties: { page: { type: "integer" } } } } },
    ]);
    try {
      for (const path of ["/json", "/zod"]) {
        const response = await app.request.post(path).send({ a: 1, isAdmin: true, n: { b: "x", role: "admin" } });
        expect(response.status).toBe(200);
        expect(response.body.body).toEqual({ a: 1, n: { b: "x" } });
        expect(errorsOf(await app.request.post(path).send({ a: "1", isAdmin: true })).map((e) => e.path)).toEqual(["/body/a"]);
      }
      expect((await app.request.post("/strict-zod").send({ a: 1, role: "admin" })).body.body).toEqual({ a: 1 });
      expect((await app.request.get("/query?page=2&utm_source=x")).body.query).toEqual({ page: 2 });
    } finally {
      await app.close();
    }
  });

  it("takes per-route settings in a { schema } wrapper, and a 422 status when configured", async () => {
    const app = await startApp({ validation: { status: 422, maxStringLength: 10 } }, [
      { method: "post", path: "/strip", policy: { public: true, body: { schema: { type: "object", properties: { a: { type: "string" } } }, unknown: "strip", maxStringLength: 20 } } },
      { method: "post", path: "/default", policy: { public: true, body: { type: "object", properties: { a: { type: "string" } } } } },
    ]);
    try {
      const stripped = await app.request.post("/strip").send({ a: "x".repeat(20), b: 1 });
      expect(stripped.body.body).toEqual({ a: "x".repeat(20) });
      // An over-long string is refused before the schema runs (no pattern ever sees it).
      const refused = await app.request.post("/default").send({ a: "x".repeat(11), b: 1 });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ status: 422, code: "VALIDATION_FAILED", title: "Unprocessable Entity" });
      expect(errorsOf(refused).map((e) => `${e.path} ${e.code}`)).toEqual(["/body/a maxLength"]);
      expect(errorsOf(await app.request.post("/default").send({ a: "x", b: 1 })).map((e) => `${e.path} ${e.code}`)).toEqual(["/body/b additionalProperties"]);
    } finally {
      await app.close();
    }
  });

  it("coerces urlencoded form fields like query values, and refuses a missing body", async () => {
    const app = await startApp({}, [
      { method: "post", path: "/form", policy: { public: true, body: { type: "object", required: ["n"], properties: { n: { type: "integer" }, ok: { type: "boolean" } } } } },
    ]);
    try {
      const response = await app.request.post("/form").type("form").send("n=5&ok=true");
      expect(response.body.body).toEqual({ n: 5, ok: true });
      expect(errorsOf(await app.request.post("/form")).map((e) => `${e.path} ${e.code}`)).toEqual(["/body required"]);
    } finally {
      await app.close();
    }
  });

  it("runs any Standard Schema validator, async ones included", async () => {
    const evenOnly = {
      "~standard": {
        version: 1 as const,
        vendor: "hand-written",
        validate: (value: unknown) => (typeof value === "object" && value !== null && (value as { n?: unknown }).n === 2
          ? { value }
          : { issues: [{ message: `got ${JSON.stringify(value)}`, path: [{ key: "n" }] }] }),
      },
    };
    const app = await startApp({}, [
      { method: "post", path: "/custom", policy: { public: true, body: evenOnly } },
      { method: "post", path: "/async", policy: { public: true, body: z.object({ n: z.number() }).refine(async (v) => v.n > 1, "too small for 'value'") } },
    ]);
    try {
      const refused = await app.request.post("/custom").send({ n: 3 });
      expect(errorsOf(refused)).toEqual([{ path: "/body/n", code: "invalid", message: "is not valid" }]);
      expect((await app.request.post("/custom").send({ n: 2 })).status).toBe(200);
      expect(errorsOf(await app.request.post("/async").send({ n: 1 }))).toEqual([{ path: "/body", code: "invalid", message: "is not valid" }]);
      expect((await app.request.post("/async").send({ n: 2 })).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("goes on with the later parts after an async validator, and reports every part's errors", async () => {
    const asyncQuery = z.object({ page: z.coerce.number().int() }).refine(async (v) => v.page < 10, "page too far");
    const app = await startApp({}, [
      { method: "post", path: "/mixed", policy: { public: true, query: asyncQuery, body: bodyJson } },
    ]);
    try {
      const both = await app.request.post("/mixed?page=20").send({ name: "", quantity: 0 });
      expect(both.status).toBe(400);
      const paths = errorsOf(both).map((e) => e.path);
      expect(paths).toContain("/query");
      expect(paths).toEqual(expect.arrayContaining(["/body/name", "/body/quantity"]));
      const accepted = await app.request.post("/mixed?page=2").send({ name: "n", quantity: 3 });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ query: { page: 2 }, body: { name: "n", quantity: 3 } });
    } finally {
      await app.close();
    }
  });

  it("compiles draft-07 schemas when $schema says so", async () => {
    const app = await startApp({}, [
      { method: "post", path: "/d7", policy: { public: true, body: { $schema: "http://json-schema.org/draft-07/schema#", type: "object", definitions: { n: { type: "integer" } }, properties: { n: { $ref: "#/definitions/n" } } } } },
    ]);
    try {
      expect((await app.request.post("/d7").send({ n: 1 })).status).toBe(200);
      expect(errorsOf(await app.request.post("/d7").send({ n: "1", x: 1 })).map((e) => `${e.path} ${e.code}`)).toEqual(["/body/n type", "/body/x additionalProperties"]);
    } finally {
      await app.close();
    }
  });

  it("never changes the schemas it is given", () => {
    const schema = { type: "object", properties: { a: { type: "string" }, n: { type: "integer" } }, allOf: [{ required: ["a"] }] };
    const before = JSON.stringify(schema);
    const guard = bulwark({});
    guard.secure({ public: true, body: schema });
    guard.secure({ public: true, query: schema });
    expect(JSON.stringify(schema)).toBe(before);
  });
});

describe("configuration problems are found at startup", () => {
  function problemsOf(config: BulwarkOptions, policies: readonly RoutePolicy[]): readonly string[] {
    try {
      const guard = bulwark(config);
      for (const policy of policies) guard.secure(policy);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    return [];
  }

  it("refuses schemas that cannot work, saying what to write", () => {
    expect(problemsOf({}, [{ public: true, body: 5 as never }])[0]).toMatch(/policy.body must be a zod/);
    expect(problemsOf({}, [{ public: true, body: { type: "object", propertiez: {} } }])[0]).toMatch(/policy.body: the JSON Schema does not compile: strict mode: unknown keyword: "propertiez"/);
    expect(problemsOf({}, [{ public: true, body: { $schema: "http://json-schema.org/draft-04/schema#", type: "object" } }])[0]).toMatch(/draft-04.*not supported/);
    expect(problemsOf({}, [{ public: true, query: { type: "object", properties: { d: { type: "string", format: "phone" } } } }])[0]).toMatch(/unknown format "phone"/);
    expect(problemsOf({}, [{ public: true, headers: z.object({ "X-Api-Key": z.string() }) }])[0]).toMatch(/write "x-api-key" instead of "X-Api-Key"/);
    expect(problemsOf({}, [{ public: true, body: { schema: { type: "object" }, unknwon: "strip" } as never }])[0]).toMatch(/unknwon is not a known option. Did you mean `unknown`/);
    const cyclic: Record<string, unknown> = { type: "object" };
    cyclic.properties = { self: cyclic };
    expect(problemsOf({}, [{ public: true, body: cyclic }])[0]).toMatch(/contains itself/);
  });

  it("warns once about a pattern that can backtrack exponentially", () => {
    const warnings: string[] = [];
    const spy = jest.spyOn(process, "emitWarning").mockImplementation(((message: string | Error) => { warnings.push(String(message)); }) as typeof process.emitWarning);
    try {
      bulwark({}).secure({ public: true, body: { type: "object", properties: { v: { type: "string", pattern: "^(a+)+$" } } } });
    } finally {
      spy.mockRestore();
    }
    expect(warnings.some((w) => w.includes("BULWARK_PATTERN_BACKTRACKING") && w.includes("policy.body"))).toBe(true);
  });

  it("refuses bad validation options, and accepts custom formats", () => {
    expect(problemsOf({ validation: { status: 500 as never, unknown: "drop" as never } }, [])).toHaveLength(2);
    expect(problemsOf({ validation: { formats: { sku: /^[A-Z]{3}-\d{4}$/ } } }, [{ public: true, query: { type: "object", properties: { s: { type: "string", format: "sku" } } } }])).toEqual([]);
  });
});
