/**
 * TEST ONLY: never exported from the package, never for use in an app.
 *
 * An authenticator for the authorization tests: the header `x-test-user: <name>` selects one of
 * the principals the test defines. A name the test did not define is an invalid credential (401);
 * no header means no credential of this kind.
 */
import type { Authenticator } from "../../auth/authenticator.js";
import type { Principal, PrincipalKind } from "../../context/principal.js";
import { SecurityError } from "../../errors/security-error.js";

/** The request header naming the test principal. */
export const TEST_USER_HEADER = "x-test-user";

/** A principal as a test describes it; everything not given gets a neutral default. */
export interface TestUser {
  readonly id?: string;
  readonly kind?: PrincipalKind;
  readonly roles?: readonly string[];
  readonly scopes?: readonly string[];
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** TEST ONLY: an authenticator that trusts the `x-test-user` header. */
export function testOnlyAuthenticator(users: Readonly<Record<string, TestUser>>): Authenticator {
  const principals = new Map<string, Principal>();
  for (const [name, user] of Object.entries(users)) {
    principals.set(name, Object.freeze({
      id: user.id ?? name,
      kind: user.kind ?? "user",
      roles: Object.freeze([...(user.roles ?? [])]),
      scopes: Object.freeze([...(user.scopes ?? [])]),
      claims: Object.freeze({ ...(user.claims ?? {}) }),
      authMethod: "test",
      authTime: undefined,
      amr: Object.freeze([]),
    }));
  }
  return {
    method: "test",
    challenge: "Test",
    authenticate(request) {
      const name = request.headers[TEST_USER_HEADER];
      if (name === undefined) return undefined;
      const principal = typeof name === "string" ? principals.get(name) : undefined;
      if (principal === undefined) throw new SecurityError("AUTH_TOKEN_INVALID");
      return principal;
    },
  };
}
