import { describe, expect, it } from "@jest/globals";
import { extendedSchemas, hardenSchema, type HardenSettings } from "./harden-schema.js";
import { hasNestedQuantifier } from "./regex-safety.js";

const settings: HardenSettings = { close: true, closeRoot: true, stringCap: 100, safeIntegers: true, lowerCaseRootNames: false, addObjectType: true };
const harden = (schema: Record<string, unknown>, extra: Partial<HardenSettings> = {}) => hardenSchema(schema, { ...settings, ...extra }).schema;

describe("hardenSchema", () => {
  it("closes objects that declare properties, caps strings and bounds integers", () => {
    expect(harden({ type: "object", properties: { a: { type: "string" }, n: { type: "integer" }, o: { type: "object", properties: { b: { type: ["string", "null"] } } } } })).toEqual({
      type: "object",
      additionalProperties: false,
      properties: {
        a: { type: "string", maxLength: 100 },
        n: { type: "integer", maximum: Number.MAX_SAFE_INTEGER, minimum: Number.MIN_SAFE_INTEGER },
        o: { type: "object", additionalProperties: false, properties: { b: { type: ["string", "null"], maxLength: 100 } } },
      },
    });
  });

  it("keeps what the schema says: its own additionalProperties, maxLength and bounds", () => {
    const schema = { type: "object", additionalProperties: true, properties: { a: { type: "string", maxLength: 5000 }, n: { type: "integer", exclusiveMaximum: 10 } } };
    expect(harden(schema)).toEqual({ ...schema, properties: { a: schema.properties.a, n: { ...schema.properties.n, minimum: Number.MIN_SAFE_INTEGER } } });
  });

  it("leaves free-form objects open", () => {
    expect(harden({ type: "object" })).toEqual({ type: "object" });
    expect(harden({ type: "object", additionalProperties: { type: "integer" } })).toEqual({
      type: "object", additionalProperties: { type: "integer", maximum: Number.MAX_SAFE_INTEGER, minimum: Number.MIN_SAFE_INTEGER },
    });
  });

  it("closes a composition as a whole, not its branches", () => {
    const out = harden({ type: "object", allOf: [{ type: "object", properties: { a: { type: "string", maxLength: 1 } } }], properties: { b: { type: "string", maxLength: 1 } } });
    expect(out.unevaluatedProperties).toBe(false);
    expect(out.additionalProperties).toBeUndefined();
    expect((out.allOf as Record<string, unknown>[])[0]!.additionalProperties).toBeUndefined();
  });

  it("keeps extended definitions open and closes every place that uses them", () => {
    const schema = {
      $defs: { Base: { type: "object", properties: { a: { type: "string", maxLength: 1 } } }, Other: { type: "object", properties: { c: { type: "string", maxLength: 1 } } } },
      type: "object",
      allOf: [{ $ref: "#/$defs/Base" }],
      properties: { other: { $ref: "#/$defs/Other" } },
    };
    expect([...extendedSchemas(schema)]).toEqual(["#/$defs/Base"]);
    const out = harden(schema);
    const defs = out.$defs as Record<string, Record<string, unknown>>;
    expect(defs.Base!.additionalProperties).toBeUndefined();
    expect(defs.Other!.additionalProperties).toBe(false);
    expect((out.properties as Record<string, Record<string, unknown>>).other).toEqual({ $ref: "#/$defs/Other", unevaluatedProperties: false, type: "object" });
  });

  it("changes nothing under not, if, contains or propertyNames (that would change their meaning)", () => {
    const schema = { type: "array", contains: { type: "string" }, not: { type: "object", properties: { a: { type: "string" } } } };
    expect(harden(schema)).toEqual(schema);
  });

  it("drops properties flagged readOnly (requests) and lower-cases header names", () => {
    expect(harden({ type: "object", required: ["id", "A"], properties: { id: { type: "string", readOnly: true }, A: { type: "integer", maximum: 1, minimum: 0 } } }, { dropFlagged: "readOnly", lowerCaseRootNames: true, closeRoot: false })).toEqual({
      type: "object", required: ["a"], properties: { a: { type: "integer", maximum: 1, minimum: 0 } },
    });
  });

  it("reports what the schema declares", () => {
    const result = hardenSchema({ type: "object", required: ["x"], properties: { $set: { type: "string", maxLength: 300, pattern: "^a" }, x: { type: "string" } } }, settings);
    expect([...result.declaredKeys].sort()).toEqual(["$set", "x"]);
    expect(result.maxDeclaredLength).toBe(300);
    expect(result.patterns).toEqual(["^a"]);
  });

  it("never modifies its input", () => {
    const schema = { type: "object", properties: { a: { type: "string" } }, allOf: [{ required: ["a"] }] };
    const before = JSON.stringify(schema);
    hardenSchema(schema, settings);
    expect(JSON.stringify(schema)).toBe(before);
  });
});

describe("hasNestedQuantifier", () => {
  it.each(["(a+)+", "^(a+)+$", "(\\w*)*", "([a-z]+){2,}", "((ab)*c)*", "^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$"])("flags %s", (pattern) => {
    expect(hasNestedQuantifier(pattern)).toBe(true);
  });

  it.each(["^[A-Za-z0-9_-]{1,64}$", "^(ab)+$", "^\\d{3}-\\d{4}$", "^[a-z]+(\\+[a-z]+)?$", "(a)+", "^\\(a+\\)+$", "[(a+)]+"])("accepts %s", (pattern) => {
    expect(hasNestedQuantifier(pattern)).toBe(false);
  });
});
