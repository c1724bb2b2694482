import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { SecurityError } from "../errors/security-error.js";
import { DEFAULT_LIMITS } from "./limits.js";
import { parseQuery } from "./query.js";

function codeOf(raw: string): string | undefined {
  try {
    parseQuery(raw, DEFAULT_LIMITS);
    return undefined;
  } catch (error) {
    return (error as SecurityError).code;
  }
}

describe("parseQuery", () => {
  it("parses flat, keeping repeated names as arrays", () => {
    expect(parseQuery("a=1&b=x%20y&a=2", DEFAULT_LIMITS)).toEqual({ a: ["1", "2"], b: "x y" });
    expect(parseQuery("", DEFAULT_LIMITS)).toEqual({});
    expect(parseQuery("=x&q=1", DEFAULT_LIMITS)).toEqual({ q: "1" });
    expect(parseQuery("a[b]=c", DEFAULT_LIMITS)).toEqual({ "a[b]": "c" });
  });

  it("refuses names that would reach Object.prototype in a nesting parser", () => {
    for (const raw of [
      "__proto__[admin]=true", "__proto__.polluted=1", "x.__proto__.e=e", "constructor[prototype][bad]=bad",
      "bad[constructor][prototype][bad]=bad", "a[hasOwnProperty]=b", "hasOwnProperty=b", "toString", "__proto__=x",
      "categories[__proto__]=login&categories[length]=42",
    ]) {
      expect(codeOf(raw)).toBe("FORBIDDEN_KEY");
    }
  });

  it("refuses too many parameters and over-deep names", () => {
    expect(codeOf(Array.from({ length: 5000 }, (_, i) => `p${i}=1`).join("&"))).toBe("TOO_MANY_KEYS");
    expect(codeOf(Array.from({ length: 10_000 }, () => "a[]=x").join("&"))).toBe("TOO_MANY_KEYS");
    expect(codeOf("a[b][c][d][e][f][g][h][i]=j")).toBe("QUERY_TOO_COMPLEX");
    expect(codeOf("a[b][c]=1")).toBeUndefined();
  });

  it("produces only own string or string-array values for any input, or a SecurityError", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (raw) => {
        try {
          const query = parseQuery(raw, DEFAULT_LIMITS);
          for (const value of Object.values(query)) {
            expect(typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string"))).toBe(true);
          }
          expect(Object.getPrototypeOf(query)).toBe(Object.prototype);
        } catch (error) {
          expect(error).toBeInstanceOf(SecurityError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
