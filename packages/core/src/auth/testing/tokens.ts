/**
 * Test support: real keys generated with jose, signing helpers, and hand-built tokens for the
 * attacks a signing library refuses to produce (unsigned, zero signatures, odd headers).
 */
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from "jose";

/** A generated key pair in the forms the tests configure. */
export interface TestKeyPair {
  readonly alg: "RS256" | "PS256" | "ES256" | "EdDSA";
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: JWK;
  readonly spki: string;
}

/** Generates a key pair for `alg`. */
export async function testKeyPair(alg: TestKeyPair["alg"], kid?: string): Promise<TestKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === "EdDSA" ? { crv: "Ed25519" } : {}) });
  const publicJwk = { ...(await exportJWK(publicKey)), ...(kid === undefined ? {} : { kid }) };
  return { alg, privateKey, publicKey, publicJwk, spki: await exportSPKI(publicKey) };
}

/** Signs `claims` with jose (`crit` names extensions jose should let through). */
export function sign(key: CryptoKey | Uint8Array, alg: string, claims: JWTPayload, header: Record<string, unknown> = {}, crit?: Record<string, boolean>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ ...header, alg }).sign(key, crit === undefined ? undefined : { crit });
}

/** base64url of a JSON value (or of raw text). */
export function b64(value: unknown): string {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
}

/** A compact token from a header, claims and a signature segment, unsigned. */
export function handMade(header: unknown, claims: unknown, signature = ""): string {
  return `${b64(header)}.${b64(claims)}.${signature}`;
}

/** Claims valid for an hour from `nowSeconds`. */
export function claimsAt(nowSeconds: number, extra: JWTPayload = {}): JWTPayload {
  return { iss: "https://id.example.com/", aud: "orders-api", sub: "user-1", iat: nowSeconds, exp: nowSeconds + 3600, ...extra };
}

/** Seconds since the epoch, now. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
