/**
 * Reading the bearer token: only `Authorization: Bearer`, once, short enough, shaped like a
 * compact JWS. Hostile header values (fast-check) are refused with a `SecurityError` or ignored,
 * never anything else.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { SecurityError } from "../errors/security-error.js";
import type { SecurityRequest } from "../request/security-request.js";
import { countRawHeader, readBearerToken, type BearerErrors } from "./bearer-token.js";

const errors: BearerErrors = {
  query: () => new SecurityError("AUTH_INVALID_REQUEST", { detail: "query" }),
  "duplicate-header": () => new SecurityError("AUTH_INVALID_REQUEST", { detail: "duplicate" }),
  "too-large": () => new SecurityError("AUTH_TOKEN_TOO_LARGE"),
  malformed: () => new SecurityError("AUTH_TOKEN_INVALID"),
};

function req(authorization: string | undefined, extra: Partial<SecurityRequest> = {}): SecurityRequest {
  return {
    method: "GET", url: "/", path: "/", route: undefined,
    headers: authorization === undefined ? {} : { authorization },
    rawHeaders: authorization === undefined ? [] : ["Authorization", authorization],
    params: {}, query: {}, body: undefined, remoteAddress: undefined, encrypted: false, ...extra,
  };
}

const read = (request: SecurityRequest, max = 100) => readBearerToken(request, max, errors);

describe("readBearerToken", () => {
  it("reads Bearer in any case with one or more spaces", () => {
    for (const header of ["Bearer a.b.c", "bearer a.b.c", "BEARER   a.b.c"]) expect(read(req(header))).toBe("a.b.c");
  });

  it("ignores absent credentials, other schemes and an empty Bearer", () => {
    for (const header of [undefined, "Basic dXNlcg==", "Bearer", "Bearer ", "Bearerx a.b.c", "Token a.b.c", "a.b.c"]) expect(read(req(header))).toBeUndefined();
  });

  it("refuses a token in the query, a second header, an oversized or malformed token", () => {
    expect(() => read(req(undefined, { query: { access_token: "a.b.c" } }))).toThrow("query");
    expect(() => read(req("Bearer a.b.c", { rawHeaders: ["Authorization", "Bearer a.b.c", "authorization", "Bearer x.y.z"] }))).toThrow("duplicate");
    expect(() => read(req(`Bearer ${"a".repeat(50)}.${"b".repeat(50)}.c`))).toThrow(SecurityError);
    for (const token of ["a.b", "a.b.c.d", "a.b.", "a=.b.c", "a.b.c=", "a+.b.c", "a.b.c d", "a..c"]) {
      expect(() => read(req(`Bearer ${token}`))).toThrow(SecurityError);
    }
  });

  it("counts raw header lines case-insensitively", () => {
    expect(countRawHeader(["Authorization", "x", "AUTHORIZATION", "y", "Host", "h"], "authorization")).toBe(2);
  });

  it("any header value is either ignored, read as a compact JWS within the limit, or refused with a SecurityError", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }).map((s) => `Bearer ${s}`)), (header) => {
        try {
          const token = read(req(header));
          if (token !== undefined) {
            expect(token.length).toBeLessThanOrEqual(100);
            expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(SecurityError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
