/**
 * The checks Bulwark adds to jose's, each for a case where `jwtVerify` alone lets a bad token
 * through (the `joseGap` cases of the JWT attack corpus):
 * - before the signature: no `zip` (JWE only, RFC 7516 §4.1.3), no `cty` (nested tokens are not
 *   supported), a `kid` that is a short string;
 * - after it: `exp`, `nbf`, `iat` and `auth_time` finite NumericDates (`exp: 1e400` parses as
 *   Infinity, a token that never expires), `iat` and `auth_time` not in the future beyond the clock
 *   tolerance (a future `auth_time` would satisfy a step-up `maxAge` for ever), `sub` and `jti`
 *   strings.
 * Keys are never looked up from `jku`, `x5u`, `jwk` or `x5c`: no key source reads them.
 */
import type { CompactJWSHeaderParameters } from "jose";
import { TokenRejection } from "./jwt-errors.js";

const MAX_KID_LENGTH = 256;

/** Refuses headers no accepted token has; runs before any key lookup or signature check. */
export function checkHeader(header: CompactJWSHeaderParameters): void {
  if (Object.hasOwn(header, "zip") || Object.hasOwn(header, "cty")) throw new TokenRejection("AUTH_TOKEN_INVALID");
  if (Object.hasOwn(header, "kid")) {
    const kid: unknown = header.kid;
    if (typeof kid !== "string" || kid === "") throw new TokenRejection("AUTH_TOKEN_INVALID");
    if (kid.length > MAX_KID_LENGTH) throw new TokenRejection("AUTH_KEY_NOT_FOUND");
  }
}

/** Checks a verified claims set at `nowSeconds`, allowing `toleranceSeconds` of clock skew. */
export function checkClaims(claims: Readonly<Record<string, unknown>>, nowSeconds: number, toleranceSeconds: number): void {
  for (const name of ["exp", "nbf", "iat", "auth_time"] as const) {
    if (!Object.hasOwn(claims, name)) continue;
    const value = claims[name];
    if (typeof value !== "number" || !Number.isFinite(value)) throw new TokenRejection("AUTH_CLAIM_INVALID");
  }
  if (Object.hasOwn(claims, "iat") && (claims.iat as number) > nowSeconds + toleranceSeconds) {
    throw new TokenRejection("AUTH_TOKEN_NOT_YET_VALID");
  }
  // An authentication that has not happened yet is a bogus claim, not a token valid later.
  if (Object.hasOwn(claims, "auth_time") && (claims.auth_time as number) > nowSeconds + toleranceSeconds) {
    throw new TokenRejection("AUTH_CLAIM_INVALID");
  }
  for (const name of ["sub", "jti"] as const) {
    if (Object.hasOwn(claims, name) && typeof claims[name] !== "string") throw new TokenRejection("AUTH_CLAIM_INVALID");
  }
}
