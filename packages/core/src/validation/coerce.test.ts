import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { canonicalIdentifier } from "./canonical-identifier.js";
import { coerceField, coerceFields, coerceText, coercionPlan } from "./coerce.js";

describe("strict text coercion", () => {
  const integer = new Set(["integer"]);
  const number = new Set(["number"]);
  const boolean = new Set(["boolean"]);

  it("converts canonical spellings only", () => {
    expect(coerceText("42", integer)).toBe(42);
    expect(coerceText("-7", integer)).toBe(-7);
    expect(coerceText("1.5", number)).toBe(1.5);
    expect(coerceText("1e3", number)).toBe(1000);
    expect(coerceText("true", boolean)).toBe(true);
    for (const text of ["0x10", " 5 ", "5 ", "1e3", "", "05", "+5", "1.0", "9007199254740993", "Infinity", "NaN"]) expect(coerceText(text, integer)).toBe(text);
    for (const text of ["", "1.", ".5", "0x1", "1e400"]) expect(coerceText(text, number)).toBe(text);
    for (const text of ["yes", "1", "TRUE", ""]) expect(coerceText(text, boolean)).toBe(text);
    expect(coerceText("", new Set(["null"]))).toBeNull();
    expect(coerceText("5", new Set(["integer", "string"]))).toBe("5");
  });

  it("round-trips every safe integer and finite number", () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => { expect(coerceText(String(n), integer)).toBe(n); }));
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
      const text = String(n);
      if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:e[+-]?\d+)?$/.test(text)) expect(coerceText(text, number)).toBe(n === 0 ? 0 : n);
    }));
  });

  it("keeps repeated values as a list unless the schema declares one", () => {
    const plan = coercionPlan({ type: "object", properties: { page: { type: "integer" }, ids: { type: "array", items: { type: "integer" } }, tags: { $ref: "#/$defs/tags" } }, $defs: { tags: { type: "array", items: { type: "string" } } } });
    expect(coerceFields({ page: ["1", "2"], ids: ["1", "2"], tags: "a", other: "x" }, plan)).toEqual({ page: ["1", "2"], ids: [1, 2], tags: ["a"], other: "x" });
    expect(coerceField("1, 2", plan.get("ids"), ",")).toEqual([1, 2]);
  });
});

describe("canonicalIdentifier", () => {
  it("folds compatibility forms and case, not other scripts", () => {
    expect(canonicalIdentifier("ＡＤＭＩＮ")).toBe("admin");
    expect(canonicalIdentifier("ªdmin")).toBe("admin");
    expect(canonicalIdentifier("\u212aey")).toBe("key");
    expect(canonicalIdentifier("adm\u0131n")).not.toBe("admin");
    expect(canonicalIdentifier("\u0430dmin")).not.toBe("admin");
    expect(canonicalIdentifier("Zoe\u0301")).toBe(canonicalIdentifier("Zoé"));
  });

  it("is idempotent", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme" }), (s) => { expect(canonicalIdentifier(canonicalIdentifier(s))).toBe(canonicalIdentifier(s)); }));
  });
});
