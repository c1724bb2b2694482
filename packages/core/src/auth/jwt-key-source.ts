/**
 * Where `jwt()` gets its verification keys: a shared secret (or a `kid`-keyed set of them), one
 * public key (PEM or JWK), a local JWK set, a remote JWKS URL, or OpenID Connect discovery. All is
 * checked at startup: one source only, HMAC secrets at least as long as their hash, no key (PEM,
 * DER, JWK) given as a secret, and every key bound to the algorithms of its own type (no HS256 with
 * an RSA public key, ever).
 */
import { KeyObject, X509Certificate, createPrivateKey, createPublicKey, type JsonWebKey } from "node:crypto";
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWK, type KeyInput } from "jose";
import { isPlainObject } from "../config/shape.js";
import { JWT_ALGORITHMS, algorithmsOf, type JwtAlgorithm } from "./jwt-algorithms.js";
import type { KeyResolver } from "./key-resolver.js";
import { discoveredKeySet } from "./oidc-discovery.js";
import { remoteKeySet, type RemoteKeySetOptions } from "./remote-key-set.js";
import { checkRemoteUrl } from "./remote-url.js";

/** A shared secret: text (UTF-8) or bytes. */
export type JwtSecret = string | Uint8Array;

/** The key options of `jwt()`; exactly one source must be given. */
export interface JwtKeyOptions {
  /** HMAC secret, or secrets by `kid` (tokens must then name one in their `kid`). */
  readonly secret?: JwtSecret | Readonly<Record<string, JwtSecret>>;
  /** One public key: SPKI / PKCS#1 / certificate PEM text, a public JWK, or a Node `KeyObject`. */
  readonly publicKey?: string | JWK | KeyObject;
  /** A local JWK set (`{ keys: [...] }`) of public keys, selected by `kid`. */
  readonly jwks?: JSONWebKeySet;
  /** The identity provider's JWKS URL (https, or http on a loopback host). */
  readonly jwksUri?: string;
  /** Find the JWKS URL through OpenID Connect discovery from `issuer`. */
  readonly discovery?: boolean;
}

const SOURCES = ["secret", "publicKey", "jwks", "jwksUri", "discovery"] as const;
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "priv"] as const;
const MIN_RSA_BITS = 2048;
const encoder = new TextEncoder();
const DER_PUBLIC_TYPES = ["spki", "pkcs1"] as const;
const DER_PRIVATE_TYPES = ["pkcs8", "pkcs1", "sec1"] as const;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** A Uint8Array (a Buffer too) from any realm. */
function isByteArray(value: unknown): value is Uint8Array {
  return ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === "[object Uint8Array]";
}

/** A plain object from any realm (JWKs may come from WebCrypto or another VM context). */
function isJsonObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Object.prototype.toString.call(value) !== "[object Object]") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * Builds the key resolver for `options`, pushing every configuration problem into `problems`.
 * Returns `undefined` when the keys cannot be set up.
 */
export function buildKeySource(
  options: JwtKeyOptions,
  issuer: string | readonly string[] | false | undefined,
  algorithms: readonly JwtAlgorithm[],
  remote: RemoteKeySetOptions,
  problems: string[],
): KeyResolver | undefined {
  const given = SOURCES.filter((name) => name === "discovery" ? options.discovery === true : options[name] !== undefined);
  if (given.length === 0) {
    problems.push("no key source: give one of secret, publicKey, jwks, jwksUri or discovery: true (with issuer).");
    return undefined;
  }
  if (given.length > 1) {
    problems.push(`give exactly one key source, not ${given.join(" and ")}: the keys must come from one place.`);
    return undefined;
  }
  const asymmetric = algorithms.filter((alg) => JWT_ALGORITHMS[alg].family !== "hmac");
  const hmac = algorithmsOf(algorithms, "hmac");
  switch (given[0]!) {
    case "secret":
      if (asymmetric.length > 0) {
        problems.push(`algorithms lists ${asymmetric.join(", ")}, which a shared secret cannot verify: a key is only used with algorithms of its own type. Remove them, or use publicKey, jwks or jwksUri for them.`);
      }
      return secretSource(options.secret!, hmac, problems);
    case "publicKey":
      refuseHmac(hmac, "publicKey", problems);
      return publicKeySource(options.publicKey!, asymmetric, problems);
    case "jwks":
      refuseHmac(hmac, "jwks", problems);
      return localSetSource(options.jwks!, asymmetric, problems);
    case "jwksUri": {
      refuseHmac(hmac, "jwksUri", problems);
      const checked = checkRemoteUrl(options.jwksUri, "jwksUri");
      if (checked.problem !== undefined) {
        problems.push(checked.problem);
        return undefined;
      }
      return remoteKeySet(checked.url, remote);
    }
    case "discovery": {
      refuseHmac(hmac, "discovery", problems);
      if (typeof issuer !== "string") {
        problems.push("discovery: true needs issuer to be the issuer URL (one string), e.g. issuer: \"https://id.example.com/\".");
        return undefined;
      }
      const checked = checkRemoteUrl(issuer, "issuer (used for discovery)");
      if (checked.problem !== undefined) {
        problems.push(checked.problem);
        return undefined;
      }
      return discoveredKeySet(issuer, remote);
    }
  }
}

function refuseHmac(hmac: readonly JwtAlgorithm[], source: string, problems: string[]): void {
  if (hmac.length > 0) {
    problems.push(`algorithms lists ${hmac.join(", ")}, but ${source} holds public keys: HMAC algorithms verify with a shared secret only. Remove ${hmac.join(", ")}, or use secret.`);
  }
}

function secretSource(secret: NonNullable<JwtKeyOptions["secret"]>, hmac: readonly JwtAlgorithm[], problems: string[]): KeyResolver | undefined {
  const minBytes = Math.max(0, ...hmac.map((alg) => JWT_ALGORITHMS[alg].minSecretBytes ?? 0));
  const strongest = hmac.find((alg) => JWT_ALGORITHMS[alg].minSecretBytes === minBytes);
  const toBytes = (value: unknown, name: string): Uint8Array | undefined => {
    if (value instanceof KeyObject) {
      problems.push(value.type === "secret"
        ? `${name} is a secret KeyObject; give its bytes instead: ${name}: key.export().`
        : `${name} is a ${value.type} KeyObject, not a shared secret. ${ASYMMETRIC_HINT}`);
      return undefined;
    }
    // Copied into this realm's Uint8Array: jose recognises secrets with `instanceof Uint8Array`.
    const bytes = typeof value === "string" ? new Uint8Array(encoder.encode(value)) : isByteArray(value) ? new Uint8Array(value) : undefined;
    if (bytes === undefined) {
      problems.push(`${name} must be a string or a Uint8Array (or an object of them by kid).`);
      return undefined;
    }
    // HMAC with a public key as the secret is the algorithm-confusion attack: anyone could sign.
    const material = keyMaterialIn(bytes, typeof value === "string" ? value : undefined);
    if (material !== undefined) {
      problems.push(`${name} is ${material}, not a shared secret: with it as an HMAC secret, anyone who has the public key could sign tokens. ${ASYMMETRIC_HINT}`);
      return undefined;
    }
    if (bytes.byteLength < minBytes) {
      problems.push(`${name} is ${bytes.byteLength} bytes long; ${strongest} needs a secret of at least ${minBytes} bytes (RFC 7518 §3.2). Use a random secret, e.g. the output of \`openssl rand -base64 ${minBytes}\`.`);
      return undefined;
    }
    return bytes;
  };
  if (typeof secret === "string" || isByteArray(secret) || secret instanceof KeyObject) {
    const bytes = toBytes(secret, "secret");
    return bytes === undefined ? undefined : () => bytes;
  }
  if (!isPlainObject(secret)) {
    problems.push("secret must be a string, a Uint8Array, or an object of them by kid, e.g. secret: { \"2024-06\": process.env.JWT_SECRET }.");
    return undefined;
  }
  const ring = new Map<string, Uint8Array>();
  for (const kid of Object.keys(secret)) {
    const bytes = toBytes(secret[kid], `secret[${JSON.stringify(kid)}]`);
    if (bytes !== undefined) ring.set(kid, bytes);
  }
  if (Object.keys(secret).length === 0) problems.push("secret lists no key; give at least one secret by kid.");
  // Own entries only (a Map): a kid such as "__proto__" or "constructor" finds nothing.
  return function keyringSecret(header) {
    const bytes = typeof header.kid === "string" ? ring.get(header.kid) : undefined;
    if (bytes === undefined) throw new errors.JWKSNoMatchingKey();
    return bytes;
  };
}

const ASYMMETRIC_HINT = "Give an RSA, EC or Ed25519 public key as publicKey (or use jwks or jwksUri), with its algorithm (e.g. RS256, ES256) in algorithms; secret takes only a random shared secret, e.g. the output of `openssl rand -base64 32`.";
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * What key `bytes` (and `text`, when the secret was given as a string) hold, or `undefined` for a
 * plain secret: a PEM block, a JWK or JWK set as JSON, or a key or certificate that Node reads as
 * DER, raw or base64-encoded. A random secret is none of these.
 */
function keyMaterialIn(bytes: Uint8Array, text: string | undefined): string | undefined {
  let decoded = text;
  if (decoded === undefined) {
    try {
      decoded = utf8.decode(bytes);
    } catch {
      // Not UTF-8 text: only the DER check below applies.
    }
  }
  if (decoded !== undefined) {
    if (decoded.includes("-----BEGIN")) return "a PEM key or certificate";
    const json = parseJson(decoded);
    if (isJsonObject(json) && Object.hasOwn(json, "kty")) return "a JWK";
    if (isJsonObject(json) && Array.isArray(json.keys)) return "a JWK set";
    if (readsAsKey(() => createPublicKey(decoded!))) return "a key";
    const compact = decoded.replace(/\s+/g, "");
    if (BASE64.test(compact) && readsAsDer(Buffer.from(compact, "base64"))) return "a base64-encoded DER key or certificate";
  }
  return readsAsDer(bytes) ? "a DER key or certificate" : undefined;
}

function parseJson(text: string): unknown {
  if (!text.trimStart().startsWith("{")) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function readsAsDer(der: Uint8Array): boolean {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  return DER_PUBLIC_TYPES.some((type) => readsAsKey(() => createPublicKey({ key, format: "der", type })))
    || DER_PRIVATE_TYPES.some((type) => readsAsKey(() => createPrivateKey({ key, format: "der", type })))
    || readsAsKey(() => new X509Certificate(key));
}

function readsAsKey(read: () => unknown): boolean {
  try {
    read();
    return true;
  } catch {
    return false;
  }
}

function publicKeySource(input: NonNullable<JwtKeyOptions["publicKey"]>, algorithms: readonly JwtAlgorithm[], problems: string[]): KeyResolver | undefined {
  let key: KeyObject;
  let declaredAlg: unknown;
  if (typeof input === "string") {
    if (/PRIVATE KEY/.test(input)) {
      problems.push("publicKey holds a private key; give only the public key (\"-----BEGIN PUBLIC KEY-----\"), the private key must stay with the issuer.");
      return undefined;
    }
    try {
      key = createPublicKey(input);
    } catch {
      problems.push("publicKey could not be read: give a PEM public key (\"-----BEGIN PUBLIC KEY-----\"), a certificate, or a public JWK object.");
      return undefined;
    }
  } else if (input instanceof KeyObject) {
    if (input.type !== "public") {
      problems.push(`publicKey is a ${input.type} KeyObject; give the public key (crypto.createPublicKey(...)).`);
      return undefined;
    }
    key = input;
  } else {
    const parsed = parseJwk(input, "publicKey", problems);
    if (parsed === undefined) return undefined;
    key = parsed;
    declaredAlg = (input as { alg?: unknown }).alg;
  }
  if (!checkKeyObject(key, "publicKey", problems)) return undefined;
  for (const alg of algorithms) {
    if (!keySupports(key, alg)) {
      problems.push(`algorithms lists ${alg}, but publicKey is ${describeKey(key)}, which cannot verify it: a key is only used with algorithms of its own type. Remove ${alg}.`);
    } else if (declaredAlg !== undefined && declaredAlg !== alg) {
      problems.push(`algorithms lists ${alg}, but the publicKey JWK is for "${String(declaredAlg)}" only. Remove ${alg}.`);
    }
  }
  return () => key as unknown as KeyInput;
}

function localSetSource(jwks: JSONWebKeySet, algorithms: readonly JwtAlgorithm[], problems: string[]): KeyResolver | undefined {
  if (!isJsonObject(jwks) || !Array.isArray(jwks.keys) || jwks.keys.length === 0) {
    problems.push("jwks must be a JWK set with at least one key: { keys: [{ kty, kid, ... }] }.");
    return undefined;
  }
  const parsed: { key: KeyObject; alg: unknown }[] = [];
  jwks.keys.forEach((jwk, i) => {
    const key = parseJwk(jwk, `jwks.keys[${i}]`, problems);
    if (key !== undefined && checkKeyObject(key, `jwks.keys[${i}]`, problems)) parsed.push({ key, alg: (jwk as { alg?: unknown }).alg });
  });
  for (const alg of algorithms) {
    if (!parsed.some(({ key, alg: declared }) => keySupports(key, alg) && (declared === undefined || declared === alg))) {
      problems.push(`algorithms lists ${alg}, but no key in jwks can verify it. Remove ${alg}, or add its key.`);
    }
  }
  try {
    return createLocalJWKSet(jwks);
  } catch {
    problems.push("jwks is not a valid JWK set: give { keys: [...] } with public JWKs.");
    return undefined;
  }
}

function parseJwk(input: unknown, name: string, problems: string[]): KeyObject | undefined {
  if (!isJsonObject(input)) {
    problems.push(`${name} must be a PEM string, a public JWK object or a KeyObject.`);
    return undefined;
  }
  if (input.kty === "oct") {
    problems.push(`${name} is a symmetric ("oct") JWK; give shared secrets with the secret option instead.`);
    return undefined;
  }
  const privateMembers = PRIVATE_MEMBERS.filter((member) => Object.hasOwn(input, member));
  if (privateMembers.length > 0) {
    problems.push(`${name} holds private key material (${privateMembers.join(", ")}); give only the public JWK, the private key must stay with the issuer.`);
    return undefined;
  }
  try {
    return createPublicKey({ key: input as JsonWebKey, format: "jwk" });
  } catch {
    problems.push(`${name} is not a valid public JWK (check kty, and n/e, x/y or x and crv).`);
    return undefined;
  }
}

function checkKeyObject(key: KeyObject, name: string, problems: string[]): boolean {
  const type = key.asymmetricKeyType;
  if (type === "rsa" || type === "rsa-pss") {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      problems.push(`${name} is a ${bits}-bit RSA key; RSA keys must have at least ${MIN_RSA_BITS} bits.`);
      return false;
    }
    return true;
  }
  if (type === "ec" || type === "ed25519") return true;
  problems.push(`${name} is a ${type ?? "unknown"} key, which no accepted algorithm verifies; use RSA, EC (P-256, P-384, P-521) or Ed25519.`);
  return false;
}

/** True when `key` is of the type `alg` verifies with. */
export function keySupports(key: KeyObject, alg: JwtAlgorithm): boolean {
  const info = JWT_ALGORITHMS[alg];
  const type = key.asymmetricKeyType;
  switch (info.family) {
    case "hmac":
      return false;
    case "rsa":
      return type === "rsa" || (type === "rsa-pss" && alg.startsWith("PS"));
    case "ec":
      return type === "ec" && key.asymmetricKeyDetails?.namedCurve === info.curve;
    case "okp":
      return type === info.curve;
  }
}

function describeKey(key: KeyObject): string {
  const type = key.asymmetricKeyType;
  if (type === "ec") return `an EC key on curve ${key.asymmetricKeyDetails?.namedCurve ?? "unknown"}`;
  if (type === "ed25519") return "an Ed25519 key";
  return `an ${String(type).toUpperCase()} key`;
}
