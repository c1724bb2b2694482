/**
 * The principal built from verified claims: the claims copy keeps every own claim, names such as
 * `__proto__` and `constructor` included, as plain values on a frozen object with no prototype.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { TokenRejection } from "./jwt-errors.js";
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

  it("freezes nested claim values, which a cached token shares between requests", () => {
    fc.assert(
      fc.property(claimsSet, (claims) => {
        const copy = copyClaims(claims);
        const pending: unknown[] = Object.values(copy);
        while (pending.length > 0) {
          const value = pending.pop();
          if (typeof value !== "object" || value === null) continue;
          expect(Object.isFrozen(value)).toBe(true);
          pending.push(...Object.values(value));
        }
      }),
    );
    const copy = copyClaims({ realm_access: { roles: ["user"] } }) as { realm_access: { roles: string[] } };
    expect(() => copy.realm_access.roles.push("admin")).toThrow(TypeError);
    expect(copy.realm_access.roles).toEqual(["user"]);
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

/** The client and kind claims a token may carry, each present or not, of any JSON type. */
const clientClaims = fc.record({
  sub: fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })),
  azp: fc.oneof(fc.constantFrom("web-spa", "mobile"), fc.jsonValue({ maxDepth: 1 })),
  client_id: fc.oneof(fc.constantFrom("web-spa", "svc-1"), fc.jsonValue({ maxDepth: 1 })),
  gty: fc.constantFrom("client-credentials", "password"),
  idtyp: fc.constantFrom("app", "user"),
  roles: fc.constant(["admin"]),
}, { requiredKeys: [] });

/** Calls principalFromClaims; a refusal comes back as its code. */
function principalOrCode(claims: Record<string, unknown>, mapping: ReturnType<typeof compileClaimsMapping>) {
  try {
    return principalFromClaims(claims, mapping);
  } catch (error) {
    expect(error).toBeInstanceOf(TokenRejection);
    return (error as TokenRejection).code;
  }
}

describe("regression: users without the configured subject claim all got the client's id", () => {
  it("refuses every token without the configured claims.subject, whatever client or kind claims it has", () => {
    const subject = fc.constantFrom("email", "oid", "preferred_username", "user.id", "https://example.com/uid");
    fc.assert(
      fc.property(subject, clientClaims, claimsSet, (path, client, extra) => {
        const claims: Record<string, unknown> = { ...extra, ...client };
        delete claims[path];
        if (path.includes(".")) delete claims[path.split(".")[0]!];
        expect(principalOrCode(claims, compileClaimsMapping({ subject: path }, []))).toBe("AUTH_CLAIM_INVALID");
      }),
    );
  });

  it("with the default sub, a token without sub is its client's service principal, or refused; never a user", () => {
    const mapping = compileClaimsMapping(undefined, []);
    const alwaysUser = compileClaimsMapping({ kind: () => "user" }, []);
    fc.assert(
      fc.property(clientClaims, (client) => {
        const claims: Record<string, unknown> = { ...client };
        delete claims.sub;
        const named = claims.client_id ?? claims.azp;
        const principal = principalOrCode(claims, mapping);
        if (typeof named === "string" && named !== "") {
          expect(principal).toMatchObject({ id: named, kind: "service" });
        } else {
          expect(principal).toBe("AUTH_CLAIM_INVALID");
        }
        // A kind rule that calls such a token a user does not make the client's id a user's id.
        expect(principalOrCode(claims, alwaysUser)).toBe("AUTH_CLAIM_INVALID");
      }),
    );
  });

  it("keeps the configured subject when the token has it, azp or not", () => {
    const principal = principalFromClaims({ sub: "bob", email: "bob@example.com", azp: "web-spa" }, compileClaimsMapping({ subject: "email" }, []));
    expect(principal).toMatchObject({ id: "bob@example.com", kind: "user" });
    expect(principalOrCode({ sub: "bob", azp: "web-spa" }, compileClaimsMapping({ subject: "sub" }, []))).toMatchObject({ id: "bob", kind: "user" });
  });
});
