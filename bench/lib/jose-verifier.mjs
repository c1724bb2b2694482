/**
 * Token verification with jose directly, as an expert writes it without a framework plugin: a
 * local JWK set built once, `jwtVerify` with the issuer, audience and algorithm pinned. The
 * "peer (jose)" servers use it instead of their framework's JWT package, so that the cold-token
 * comparison runs on the same signature code as Bulwark's (jose for every JOSE operation).
 */
import { createLocalJWKSet, jwtVerify } from "jose";
import { AUDIENCE, ISSUER } from "./fixtures.mjs";

/** A verifier of `Authorization` header values: resolves with the claims, or `undefined` when refused. */
export function joseVerifier(jwks) {
  const keySet = createLocalJWKSet(jwks);
  const options = { issuer: ISSUER, audience: AUDIENCE, algorithms: ["ES256"] };
  return async function verifyAuthorization(authorization) {
    if (typeof authorization !== "string" || !authorization.startsWith("Bearer ")) return undefined;
    try {
      const { payload } = await jwtVerify(authorization.slice(7), keySet, options);
      return payload;
    } catch {
      return undefined;
    }
  };
}
