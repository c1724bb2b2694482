/**
 * A bounded cache of verified tokens, so that a hot token costs a hash and a map lookup instead of
 * a signature check. Keyed by the SHA-256 of the token (the token itself is never kept as a key);
 * an entry never outlives the token's `exp` (nor its `maxTokenAge`); when full, the least recently
 * used entry goes. Revocation is checked by the caller on every request, cached or not.
 */
import { createHash } from "node:crypto";

/** Options of the verified-token cache. */
export interface TokenCacheOptions {
  /** Most tokens kept. */
  readonly maxEntries: number;
  /** Longest an entry is kept, in milliseconds. */
  readonly ttlMs: number;
}

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/** The cache. */
export interface VerifiedTokenCache<T> {
  /** The key of `token`. */
  keyOf(token: string): string;
  /** The cached value of `key` at `now`, if any. */
  get(key: string, now: number): T | undefined;
  /** Keeps `value` until `min(notAfter, now + ttl)`. */
  set(key: string, value: T, now: number, notAfter: number): void;
  /** Entries held. */
  readonly size: number;
}

/** Creates a verified-token cache. */
export function verifiedTokenCache<T>(options: TokenCacheOptions): VerifiedTokenCache<T> {
  const entries = new Map<string, Entry<T>>();
  return {
    keyOf(token) {
      return createHash("sha256").update(token, "latin1").digest("base64");
    },
    get(key, now) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= now) return undefined;
      // Re-inserted so that Map order stays least-recently-used first.
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, now, notAfter) {
      const expiresAt = Math.min(notAfter, now + options.ttlMs);
      if (expiresAt <= now) return;
      entries.delete(key);
      while (entries.size >= options.maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
      entries.set(key, { value, expiresAt });
    },
    get size() {
      return entries.size;
    },
  };
}
