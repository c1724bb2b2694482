/**
 * The JWS algorithms `jwt()` accepts, and which kind of key each one needs. A key is only ever
 * used with an algorithm of its own kind: this table is what the startup checks bind against.
 */

/** A JWS algorithm `jwt()` can verify. `none` is deliberately absent. */
export type JwtAlgorithm =
  | "HS256" | "HS384" | "HS512"
  | "RS256" | "RS384" | "RS512"
  | "PS256" | "PS384" | "PS512"
  | "ES256" | "ES384" | "ES512"
  | "EdDSA" | "Ed25519";

/** The kind of key an algorithm verifies with. */
export type KeyFamily = "hmac" | "rsa" | "ec" | "okp";

/** What one algorithm needs from its key. */
export interface AlgorithmInfo {
  /** Key kind. */
  readonly family: KeyFamily;
  /** HMAC: the least secret length in bytes (RFC 7518 §3.2: at least the hash size). */
  readonly minSecretBytes?: number;
  /** EC / OKP: the curve, as Node names it in `asymmetricKeyDetails.namedCurve` or the key type. */
  readonly curve?: string;
}

/** Every accepted algorithm and its key requirements. */
export const JWT_ALGORITHMS: Readonly<Record<JwtAlgorithm, AlgorithmInfo>> = Object.freeze({
  HS256: { family: "hmac", minSecretBytes: 32 },
  HS384: { family: "hmac", minSecretBytes: 48 },
  HS512: { family: "hmac", minSecretBytes: 64 },
  RS256: { family: "rsa" },
  RS384: { family: "rsa" },
  RS512: { family: "rsa" },
  PS256: { family: "rsa" },
  PS384: { family: "rsa" },
  PS512: { family: "rsa" },
  ES256: { family: "ec", curve: "prime256v1" },
  ES384: { family: "ec", curve: "secp384r1" },
  ES512: { family: "ec", curve: "secp521r1" },
  EdDSA: { family: "okp", curve: "ed25519" },
  Ed25519: { family: "okp", curve: "ed25519" },
});

/** Names of every accepted algorithm, for messages and "did you mean" hints. */
export const JWT_ALGORITHM_NAMES: readonly JwtAlgorithm[] = Object.freeze(Object.keys(JWT_ALGORITHMS) as JwtAlgorithm[]);

/** True when `name` is an accepted algorithm (exact, case-sensitive as RFC 7515 requires). */
export function isJwtAlgorithm(name: unknown): name is JwtAlgorithm {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(JWT_ALGORITHMS, name);
}

/** The algorithms of `family` among `algorithms`. */
export function algorithmsOf(algorithms: readonly JwtAlgorithm[], family: KeyFamily): JwtAlgorithm[] {
  return algorithms.filter((alg) => JWT_ALGORITHMS[alg].family === family);
}
