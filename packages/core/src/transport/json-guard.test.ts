import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { SecurityError } from "../errors/security-error.js";
import { DEFAULT_LIMITS } from "./limits.js";
import { assertJsonDepth, assertSafeValue, isPollutingKey, parseJsonText } from "./json-guard.js";

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(SecurityError);
    return (error as SecurityError).code;
  }
}

describe("JSON guard", () => {
  it("refuses nesting past the limit before parsing, 10,000 deep included", () => {
    expect(codeOf(() => parseJsonText("[".repeat(10_000) + "]".repeat(10_000), DEFAULT_LIMITS))).toBe("BODY_TOO_DEEP");
    expect(codeOf(() => parseJsonText('{"a":'.repeat(10_000) + "1" + "}".repeat(10_000), DEFAULT_LIMITS))).toBe("BODY_TOO_DEEP");
    expect(codeOf(() => assertJsonDepth("[".repeat(32) + "]".repeat(32), 32))).toBeUndefined();
    expect(codeOf(() => assertJsonDepth("[".repeat(33) + "]".repeat(33), 32))).toBe("BODY_TOO_DEEP");
  });

  it("does not count brackets inside strings", () => {
    expect(codeOf(() => parseJsonText(JSON.stringify({ a: "[[[[[[[[[[{{{{{{{{\\\"" }), { ...DEFAULT_LIMITS, jsonDepth: 2 }))).toBeUndefined();
  });

  it("refuses __proto__ in every spelling, and constructor.prototype", () => {
    for (const raw of [
      '{"__proto__": {"x": 7}}',
      '{"a": {"__proto__": {"y": 8}}}',
      '{"\\u005f_proto__": {"x": 7}}',
      '{"\\u005F\\u005F\\u0070\\u0072\\u006F\\u0074\\u006F\\u005F\\u005F": {}}',
      '[{"__proto__": {"polluted": 1}}]',
      '{"__proto__.name": "test"}',
      '{"constructor": {"prototype": {"bar": "baz"}}}',
      '{"a.constructor.prototype.x": 1}',
    ]) {
      expect(codeOf(() => parseJsonText(raw, DEFAULT_LIMITS))).toBe("FORBIDDEN_KEY");
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(({} as Record<string, unknown>).bar).toBeUndefined();
  });

  it("accepts the word constructor or __proto__ as ordinary data", () => {
    expect(parseJsonText('{"constructor": {"bar": "baz"}}', DEFAULT_LIMITS)).toEqual({ constructor: { bar: "baz" } });
    expect(parseJsonText('{"constructor": null}', DEFAULT_LIMITS)).toEqual({ constructor: null });
    expect(parseJsonText('{"b": "__proto__"}', DEFAULT_LIMITS)).toEqual({ b: "__proto__" });
    expect(isPollutingKey("prototype", {})).toBe(false);
  });

  it("enforces array length, key count and string length", () => {
    const limits = { ...DEFAULT_LIMITS, arrayLength: 3, objectKeys: 2, stringLength: 5 };
    expect(codeOf(() => assertSafeValue([1, 2, 3, 4], limits))).toBe("ARRAY_TOO_LONG");
    expect(codeOf(() => assertSafeValue({ a: 1, b: 2, c: 3 }, limits))).toBe("TOO_MANY_KEYS");
    expect(codeOf(() => assertSafeValue({ a: "123456" }, limits))).toBe("STRING_TOO_LONG");
    expect(codeOf(() => assertSafeValue({ "123456": 1 }, limits))).toBe("STRING_TOO_LONG");
    expect(codeOf(() => assertSafeValue("123456", limits))).toBe("STRING_TOO_LONG");
    expect(codeOf(() => assertSafeValue({ a: [1, 2], b: "12345" }, limits))).toBeUndefined();
  });

  it("walks deep parsed values without recursion", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(codeOf(() => assertSafeValue(deep, DEFAULT_LIMITS))).toBe("BODY_TOO_DEEP");
  });

  it("malformed JSON is a 400 without parser detail", () => {
    for (const raw of ['{"a":1,}', "{'a':1}", '{"a":NaN}', "", '{"a"/*c*/:1}']) {
      const error = (() => {
        try {
          parseJsonText(raw, DEFAULT_LIMITS);
        } catch (e) {
          return e as SecurityError;
        }
        return undefined;
      })();
      expect(error?.code).toBe("MALFORMED_JSON");
      expect(error?.detail).toBe("The request body is not valid JSON.");
    }
  });

  it("never throws anything but a SecurityError on arbitrary text, and parses what JSON.parse does within limits", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          const value = parseJsonText(text, DEFAULT_LIMITS);
          expect(value).toEqual(JSON.parse(text));
        } catch (error) {
          expect(error).toBeInstanceOf(SecurityError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
