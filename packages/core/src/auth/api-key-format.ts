/**
 * The API key format: `<prefix>_<id>_<secret><checksum>`, e.g. `bwk_4fT0...Qz_8Jd...x0f2Ka`.
 * - `prefix`: chosen by the app, so people and secret scanners recognise the key;
 * - `id`: 16 random base62 characters, public, what the app looks the record up by;
 * - `secret`: 43 random base62 characters (256 bits from the CSPRNG);
 * - `checksum`: CRC32 of everything before it, in 6 base62 characters.
 *
 * The checksum is a CRC32, not a keyed MAC, on purpose: it is there to catch typos, truncation and
 * random strings cheaply, before any lookup, and to let secret scanners confirm a leaked key offline
 * without holding a server key. It does not authenticate anything: the record's hash does.
 * The record keeps SHA-256 of the whole key. A fast hash is right here because the secret has 256
 * bits of entropy: nothing can be guessed, so a slow password hash would only make every request
 * slower.
 */
import { randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { sha256, sha256Bytes } from "../crypto/sha256.js";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Length of the id part. */
export const API_KEY_ID_LENGTH = 16;
/** Length of the secret part (43 base62 characters hold 256 bits). */
export const API_KEY_SECRET_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
/** Prefix rule: lower-case letters and digits, words joined by `_`, 2 to 32 characters. */
export const API_KEY_PREFIX = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const MAX_PREFIX_LENGTH = 32;
/** Longest string that can be a key; anything longer is refused unread. */
export const MAX_API_KEY_LENGTH = MAX_PREFIX_LENGTH + 2 + API_KEY_ID_LENGTH + API_KEY_SECRET_LENGTH + CHECKSUM_LENGTH;
const REST = new RegExp(`^[0-9A-Za-z]{${API_KEY_ID_LENGTH}}_[0-9A-Za-z]{${API_KEY_SECRET_LENGTH + CHECKSUM_LENGTH}}$`);
const ID = new RegExp(`^[0-9A-Za-z]{${API_KEY_ID_LENGTH}}$`);
const HASH_SCHEME = "sha256:";

/** The parts of a well-formed key. */
export interface ParsedApiKey {
  readonly prefix: string;
  readonly id: string;
}

/** True when `prefix` is a valid key prefix. */
export function isApiKeyPrefix(prefix: unknown): prefix is string {
  return typeof prefix === "string" && prefix.length >= 2 && prefix.length <= MAX_PREFIX_LENGTH && API_KEY_PREFIX.test(prefix);
}

/** True when `id` is a valid key id. */
export function isApiKeyId(id: unknown): id is string {
  return typeof id === "string" && ID.test(id);
}

/** `length` random base62 characters (rejection sampling, so every character is equally likely). */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= 248) continue; // 248 = 4 * 62: keeps `byte % 62` uniform
      out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

function checksumOf(body: string): string {
  let value = crc32(body);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/** Assembles a key from its parts (the checksum is computed). */
export function formatApiKey(prefix: string, id: string, secret: string): string {
  const body = `${prefix}_${id}_${secret}`;
  return body + checksumOf(body);
}

/**
 * The prefix and id of `value` when it is a well-formed key with one of `prefixes` and a correct
 * checksum; `undefined` otherwise. Reads nothing else, so it can run before any lookup.
 */
export function parseApiKey(value: string, prefixes: readonly string[]): ParsedApiKey | undefined {
  if (value.length > MAX_API_KEY_LENGTH) return undefined;
  for (const prefix of prefixes) {
    if (!value.startsWith(prefix) || value.charCodeAt(prefix.length) !== 0x5f) continue;
    const rest = value.slice(prefix.length + 1);
    if (!REST.test(rest)) continue;
    const body = value.slice(0, value.length - CHECKSUM_LENGTH);
    if (checksumOf(body) !== value.slice(value.length - CHECKSUM_LENGTH)) continue;
    return { prefix, id: rest.slice(0, API_KEY_ID_LENGTH) };
  }
  return undefined;
}

/** The hash a record keeps: `sha256:` and the base64url SHA-256 of the whole key. */
export function hashApiKey(key: string): string {
  return HASH_SCHEME + sha256(key, "base64url");
}

/** The 32 digest bytes of a record's `hash`, or `undefined` when it is not one Bulwark wrote. */
export function digestOfHash(hash: unknown): Buffer | undefined {
  if (typeof hash !== "string" || !hash.startsWith(HASH_SCHEME)) return undefined;
  const digest = Buffer.from(hash.slice(HASH_SCHEME.length), "base64url");
  return digest.length === 32 ? digest : undefined;
}

/** SHA-256 of a presented key, to compare with {@link digestOfHash} in constant time. */
export function digestOfKey(key: string): Buffer {
  return sha256Bytes(key);
}
