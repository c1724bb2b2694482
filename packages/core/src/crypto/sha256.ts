/**
 * SHA-256 of a string (UTF-8), as the hot paths need it: the verified-token cache, API-key and
 * revocation lookups hash on every request.
 */
import * as crypto from "node:crypto";

type Encoding = "base64" | "base64url";

// `crypto.hash` (Node 20.12+, 21.7+) hashes in one call, about three times cheaper than a Hash
// object for a short input; older Node 20 releases fall back to createHash.
const oneShot = typeof crypto.hash === "function" ? crypto.hash : undefined;

/** The SHA-256 digest of `text` (UTF-8), in `encoding`. */
export function sha256(text: string, encoding: Encoding): string {
  if (oneShot !== undefined) return oneShot("sha256", text, encoding);
  return crypto.createHash("sha256").update(text, "utf8").digest(encoding);
}

/** The raw SHA-256 digest of `text` (UTF-8). */
export function sha256Bytes(text: string): Buffer {
  return crypto.createHash("sha256").update(text, "utf8").digest();
}
