/**
 * A bounded cache of verified tokens, so that a hot token costs a hash and a map lookup instead of
 * a signature check. Keyed by the SHA-256 of the token (the token itself is never kept as a key);
 * an entry never outlives the token's `exp` (nor its `maxTokenAge`); when full, an entry not used
 * since it last came round goes (second-chance eviction, a close and cheap approximation of least
 * recently used: a hit sets a flag instead of reordering the map). Revocation is checked by the
 * caller on every request, cached or not.
 */
import { sha256 } from "../crypto/sha256.js";

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
  /** Used since it was inserted or last given a second chance. */
  used: boolean;
}

// At most this many used entries are moved to the back per insertion, so a full cache of hot
// entries still admits a new one in bounded time (the oldest goes even if used).
const SECOND_CHANCES = 8;

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
      return sha256(token, "base64");
    },
    get(key, now) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= now) {
        entries.delete(key);
        return undefined;
      }
      entry.used = true;
      return entry.value;
    },
    set(key, value, now, notAfter) {
      const expiresAt = Math.min(notAfter, now + options.ttlMs);
      if (expiresAt <= now) return;
      entries.delete(key);
      let chances = SECOND_CHANCES;
      while (entries.size >= options.maxEntries) {
        const oldest = entries.entries().next();
        if (oldest.done) break;
        const [oldestKey, entry] = oldest.value;
        entries.delete(oldestKey);
        if (entry.used && entry.expiresAt > now && chances-- > 0) {
          entry.used = false;
          entries.set(oldestKey, entry);
        }
      }
      entries.set(key, { value, expiresAt, used: false });
    },
    get size() {
      return entries.size;
    },
  };
}
