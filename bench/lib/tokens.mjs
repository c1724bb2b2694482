/**
 * The ES256 key of a bench run and the tokens signed with it. The private key never reaches a
 * server: servers get the public JWK set only (Bulwark as a local `jwks`, the peer stacks as an
 * imported public key). Tokens are signed with node:crypto directly, which signs about three times
 * faster than a general JOSE library, so that a large cold pool is ready in seconds.
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, generateKeyPairSync, sign } from "node:crypto";
import { AUDIENCE, ISSUER, KEY_ID, USERS, userId } from "./fixtures.mjs";

/** A new P-256 key pair: the private JWK (for the load generator) and the public JWK set (for servers). */
export function createSigningKey() {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const publicJwk = { ...publicKey.export({ format: "jwk" }), kid: KEY_ID, alg: "ES256", use: "sig" };
  return { privateJwk: privateKey.export({ format: "jwk" }), jwks: { keys: [publicJwk] } };
}

const HEADER = Buffer.from(JSON.stringify({ alg: "ES256", typ: "JWT", kid: KEY_ID })).toString("base64url");

/** A signer of access tokens for the bench's issuer and audience, valid for `lifetimeSeconds`. */
export function tokenSigner(privateJwk, lifetimeSeconds = 4 * 3600) {
  const key = createPrivateKey({ key: privateJwk, format: "jwk" });
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + lifetimeSeconds;
  /** Signs a token for user number `user`; `serial` makes every token of a pool distinct. */
  return function signToken(user, serial) {
    const payload = { iss: ISSUER, aud: AUDIENCE, sub: userId(user), scope: "items:read items:write", iat, exp, n: serial };
    const input = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
    const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
    return `${input}.${signature.toString("base64url")}`;
  };
}

/**
 * `count` tokens; token i belongs to user (i mod USERS). The hot pool is 100 tokens (one per user);
 * the cold pool is large enough that no token comes round again within one measurement.
 */
export function tokenPool(signToken, count, firstSerial = 0) {
  const pool = new Array(count);
  for (let i = 0; i < count; i++) pool[i] = signToken(i % USERS, firstSerial + i);
  return pool;
}
