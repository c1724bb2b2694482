/**
 * Where a bearer token may come from: the `Authorization: Bearer` header, once, and nowhere else
 * (RFC 6750 §2.1; RFC 9700 forbids tokens in the URL). The length is checked before any parsing.
 */
import type { SecurityError } from "../errors/security-error.js";
import type { SecurityRequest } from "../request/security-request.js";

/** Why a bearer credential was refused before verification. */
export type BearerRefusal = "query" | "duplicate-header" | "too-large" | "malformed";

/** Builds the error thrown for each refusal (with the right challenge headers). */
export type BearerErrors = Readonly<Record<BearerRefusal, () => SecurityError>>;

// Three base64url segments, no padding, non-empty signature (RFC 7515 §7.1, §2).
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const SCHEME = "bearer";
/** Query parameters that carry a token in the URL (RFC 6750 §2.3), refused outright. */
export const QUERY_TOKEN_PARAMETERS: readonly string[] = Object.freeze(["access_token"]);

/**
 * The bearer token of `request`, or `undefined` when it carries none (no `Authorization` header,
 * another scheme, or `Bearer` with nothing after it). Throws the matching error when the token is
 * sent in the query string, in a second `Authorization` header, is longer than `maxLength`, or is
 * not a compact JWS.
 */
export function readBearerToken(request: SecurityRequest, maxLength: number, errors: BearerErrors): string | undefined {
  for (const name of QUERY_TOKEN_PARAMETERS) {
    if (Object.hasOwn(request.query, name)) throw errors.query();
  }
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  // Node keeps only the first Authorization header; the raw lines show a second one.
  if (typeof header !== "string" || countRawHeader(request.rawHeaders, "authorization") > 1) throw errors["duplicate-header"]();
  if (header.length < SCHEME.length || header.slice(0, SCHEME.length).toLowerCase() !== SCHEME) return undefined;
  if (header.length === SCHEME.length) return undefined;
  if (header.charCodeAt(SCHEME.length) !== 0x20) return undefined;
  let start = SCHEME.length;
  while (start < header.length && header.charCodeAt(start) === 0x20) start++;
  if (start === header.length) return undefined;
  if (header.length - start > maxLength) throw errors["too-large"]();
  const token = header.slice(start);
  if (!COMPACT_JWS.test(token)) throw errors.malformed();
  return token;
}

/** How many raw header lines are named `name` (lower-case). */
export function countRawHeader(rawHeaders: readonly string[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const candidate = rawHeaders[i]!;
    if (candidate.length === name.length && candidate.toLowerCase() === name) count++;
  }
  return count;
}

/** True when `token` has the shape of a compact JWS (three unpadded base64url segments). */
export function isCompactJws(token: string): boolean {
  return COMPACT_JWS.test(token);
}
