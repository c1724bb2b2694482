/**
 * The principal built from verified claims: the claims copy keeps every own claim, names such as
 * `__proto__` and `constructor` included, as plain values on a frozen object with no prototype.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { compileClaimsMapping, copyClaims, principalFromClaims } from "./jwt-principal.js";

/** Claim names an attacker would try, mixed with arbitrary ones. */
const claimName = fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "sub", "roles"), fc.string({ maxLength: 12 }));

/** A claims set as `JSON.parse` gives it: a `__proto__` member becomes an own property. */
const claimsSet = fc.dictionary(claimName, fc.jsonValue({ maxDepth: 2 })).map((claims) => JSON.parse(JSON.stringify(claims)) as Record<string, unknown>);

describe("copyClaims", () => {
  it("keeps exactly the own claims, on a frozen object without a prototype", () => {
    fc.assert(
      fc.property(claimsSet, (claims) => {
        const copy = copyClaims(claims);
        expect(Object.getPrototypeOf(copy)).toBeNull();
        expect(Object.isFrozen(copy)).toBe(true);
        expect(Object.keys(copy)).toEqual(Object.keys(claims));
        for (const name of Object.keys(claims)) expect(Object.getOwnPropertyDescriptor(copy, name)?.value).toBe(claims[name]);
      }),
    );
  });

  it("stores a __proto__ claim as an own value, never as the copy's prototype", () => {
    const claims = JSON.parse('{"sub":"u","__proto__":{"isAdmin":true}}') as Record<string, unknown>;
    const copy = copyClaims(claims) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBeNull();
    expect(Object.hasOwn(copy, "__proto__")).toBe(true);
    expect(copy.isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

describe("principalFromClaims", () => {
  const mapping = compileClaimsMapping(undefined, []);

  it("reads roles and scopes from own claims only, whatever else the claims hold", () => {
    fc.assert(
      fc.property(claimsSet, fc.string({ minLength: 1, maxLength: 20 }), (extra, sub) => {
        const claims: Record<string, unknown> = { ...extra, sub, scope: "items:read items:write" };
        // Claims the principal reads and checks (malformed ones refuse the token: see jwt.test.ts).
        for (const name of ["roles", "scp", "gty", "idtyp", "client_id", "amr", "acr", "auth_time"]) delete claims[name];
        const principal = principalFromClaims(claims, mapping);
        expect(principal.id).toBe(sub);
        expect(principal.roles).toEqual([]);
        expect(principal.scopes).toEqual(["items:read", "items:write"]);
        expect(principal.kind).toBe("user");
        expect(Object.getPrototypeOf(principal.claims)).toBeNull();
      }),
    );
  });
});
