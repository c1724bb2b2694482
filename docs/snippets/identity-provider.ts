/**
 * A stand-in identity provider for the authorization snippets: an ES256 key pair made at startup,
 * its public JWK set (what `jwt({ jwks })` verifies with) and access tokens signed with it. In
 * production the tokens come from your identity provider and Bulwark reads its keys from `jwksUri`.
 */
import { generateKeyPairSync, randomUUID, sign, type JsonWebKey } from "node:crypto";

const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const KID = "docs-1";

/** The public keys the snippets' apps verify tokens with. */
export const JWKS: { keys: JsonWebKey[] } = { keys: [{ ...publicKey.export({ format: "jwk" }), kid: KID, alg: "ES256", use: "sig" }] };

/** Claims of a token beyond the registered ones: `roles`, `scope`, `plan`, `tenantId`... */
export type TokenClaims = Record<string, unknown>;

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A signed access token for `orders-api` from `https://id.example.com/`, valid one hour from now. */
export function tokenFor(subject: string, claims: TokenClaims = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url({ alg: "ES256", kid: KID, typ: "at+jwt" });
  const payload = base64url({
    ...claims, sub: subject, iss: "https://id.example.com/", aud: "orders-api", iat: now, exp: now + 3600, jti: randomUUID(),
  });
  // JWS ES256 signatures are the raw r and s values (RFC 7518 §3.4), not DER.
  const signature = sign("sha256", Buffer.from(`${header}.${payload}`), { key: privateKey, dsaEncoding: "ieee-p1363" });
  return `${header}.${payload}.${signature.toString("base64url")}`;
}
