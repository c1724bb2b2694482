/**
 * TEST ONLY: a small authenticator that fulfils the `Authenticator` contract for tests that need
 * principals: `x-test-credential: <id>:<secret>` names a known principal (secrets compared in
 * constant time), a wrong secret is a present-but-invalid credential (401), no header is none.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Authenticator } from "../../auth/authenticator.js";
import type { PrincipalKind } from "../../context/principal.js";
import { SecurityError } from "../../errors/security-error.js";

/** Header the test authenticator reads. */
export const CREDENTIAL_HEADER = "x-test-credential";

/** An authenticator over `secrets` (principal id to secret); principals get `kind`. */
export function headerAuthenticator(secrets: Readonly<Record<string, string>>, kind: PrincipalKind = "user"): Authenticator {
  const digests = new Map(Object.entries(secrets).map(([id, secret]) => [id, digest(secret)]));
  const method = kind === "apiKey" ? "apiKey" : "test";
  return {
    method,
    authenticate(request) {
      const header = request.headers[CREDENTIAL_HEADER];
      if (typeof header !== "string") return undefined;
      const colon = header.indexOf(":");
      const id = colon === -1 ? header : header.slice(0, colon);
      const expected = digests.get(id);
      const given = digest(colon === -1 ? "" : header.slice(colon + 1));
      // Compare even for unknown ids, so timing does not tell which ids exist.
      const same = timingSafeEqual(expected ?? digest("\u0000unknown"), given);
      if (expected === undefined || !same) throw new SecurityError("AUTH_TOKEN_INVALID");
      return { id, kind, roles: [], scopes: [], claims: {}, authMethod: method, authTime: undefined, amr: [] };
    },
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
