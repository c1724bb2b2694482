/**
 * Properties named like Object.prototype members (the JSON-Schema-Test-Suite groups "properties /
 * required whose names are Javascript object property names"; json-schema-test-suite.json records
 * how plain ajv gets them wrong): compiled with Bulwark's own ajv settings, and through Express.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createAjvInstances } from "./ajv-factory.js";
import { startApp, type TestApp } from "./test-support/express-app.js";

const requiredNames = { type: "object", required: ["__proto__", "toString", "constructor"] };
const propertyNames = {
  type: "object",
  properties: {
    __proto__: { type: "number" },
    toString: { type: "object", properties: { length: { type: "string" } } },
    constructor: { type: "number" },
  },
};

describe.each(["2020-12", "draft-07"] as const)("prototype member names with Bulwark's ajv (%s)", (dialect) => {
  const ajv = createAjvInstances({}).forDialect(dialect);
  const required = ajv.compile(dialect === "draft-07" ? { ...requiredNames, $schema: "http://json-schema.org/draft-07/schema#" } : requiredNames);
  const properties = ajv.compile(propertyNames);

  it("never lets an inherited member satisfy required", () => {
    expect(required({})).toBe(false);
    expect(required(JSON.parse('{"__proto__": "foo"}'))).toBe(false);
    expect(required({ toString: { length: 37 } })).toBe(false);
    expect(required({ constructor: { length: 37 } })).toBe(false);
    expect(required(JSON.parse('{"__proto__": 12, "toString": {"length": "foo"}, "constructor": 37}'))).toBe(true);
  });

  it("never validates inherited members as if they were sent", () => {
    expect(properties({})).toBe(true);
    expect(properties({ toString: { length: 37 } })).toBe(false);
    expect(properties({ constructor: { length: 37 } })).toBe(false);
    expect(properties(JSON.parse('{"__proto__": 12, "toString": {"length": "foo"}, "constructor": 37}'))).toBe(true);
  });
});

describe("prototype member names through Express", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({}, [{ method: "post", path: "/p", policy: { public: true, body: propertyNames } }]);
  });
  afterAll(() => app.close());

  it("refuses a __proto__ key before any schema sees it (ajv alone would accept a string for it)", async () => {
    const response = await app.request.post("/p").set("content-type", "application/json").send('{"__proto__": "foo"}');
    expect(response.status).toBe(400);
    expect(response.body.code).toBe("FORBIDDEN_KEY");
    expect(({} as Record<string, unknown>).foo).toBeUndefined();
  });

  it("accepts an empty body and checks sent members", async () => {
    expect((await app.request.post("/p").send({})).status).toBe(200);
    expect((await app.request.post("/p").send({ constructor: "x" })).body.errors).toEqual([{ path: "/body/constructor", code: "type", message: "must be a number" }]);
  });
});
