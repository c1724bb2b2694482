/**
 * A bounded cache of verified tokens, so that a hot token costs a hash and a map lookup instead of
 * a signature check. Keyed by the SHA-256 of the token (the token itself is never kept as a key);
 * an entry never outlives the token's `exp` (nor its `maxTokenAge`); when full, an entry not used
 * since it last came round goes (second-chance eviction, a close and cheap approximation of least
 * recently used: a hit sets a flag instead of reordering the map). A token is kept from its second
 * verification on: one used once (a client that signs a token per request, a flood of tokens)
 * never takes an entry, which would only make work for the garbage collector and push out tokens
 * in use. Revocation is checked by the caller on every request, cached or not.
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
  /** Where its key sits in the ring the eviction hand sweeps. */
  readonly slot: number;
  /** Used since it was inserted or last given a second chance. */
  used: boolean;
}

// At most this many used entries get a second chance per insertion, so a full cache of hot
// entries still admits a new one in bounded time (the next one goes even if used).
const SECOND_CHANCES = 8;

/** The cache. */
export interface VerifiedTokenCache<T> {
  /** The key of `token`. */
  keyOf(token: string): string;
  /** The cached value of `key` at `now`, if any. */
  get(key: string, now: number): T | undefined;
  /**
   * Keeps `value` until `min(notAfter, now + ttl)`, replacing the entry of `key` if it has one. A
   * key without an entry is only recorded the first time, and kept the next time it is set.
   */
  set(key: string, value: T, now: number, notAfter: number): void;
  /** Entries held. */
  readonly size: number;
}

/**
 * Where `key` goes in a table of `size` fingerprints, and its fingerprint (never 0, the empty
 * mark): two 32-bit multiplicative hashes of the key (FNV-1a's, and one with MurmurHash2's multiplier).
 */
function tableSpot(key: string, size: number): { index: number; fingerprint: number } {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
  }
  return { index: (a >>> 0) % size, fingerprint: b | 1 };
}

/**
 * Creates a verified-token cache. Keys sit in a ring of `maxEntries` slots swept by a clock hand
 * (no per-insertion scan: a Map used as a queue would make V8 skip the holes its deletions leave).
 */
export function verifiedTokenCache<T>(options: TokenCacheOptions): VerifiedTokenCache<T> {
  const entries = new Map<string, Entry<T>>();
  const slots: (string | undefined)[] = [];
  const freeSlots: number[] = [];
  let hand = 0;
  // Fingerprints of keys verified once and not kept yet: a fixed table, so that one-off tokens
  // allocate nothing. A collision only keeps a token one verification early or late.
  const seenOnce = new Int32Array(Math.max(1, options.maxEntries));

  /** Whether `key` was verified once before; records it when not. */
  function seenBefore(key: string): boolean {
    const { index, fingerprint } = tableSpot(key, seenOnce.length);
    if (seenOnce[index] === fingerprint) {
      seenOnce[index] = 0;
      return true;
    }
    seenOnce[index] = fingerprint;
    return false;
  }

  function forget(key: string, entry: Entry<T>): void {
    entries.delete(key);
    slots[entry.slot] = undefined;
    freeSlots.push(entry.slot);
  }

  /** A slot for a new entry: a free one, a new one, or the one of the entry the hand evicts. */
  function claimSlot(now: number): number {
    const free = freeSlots.pop();
    if (free !== undefined) return free;
    if (slots.length < options.maxEntries) return slots.length;
    let chances = SECOND_CHANCES;
    for (;;) {
      const index = hand;
      hand = (hand + 1) % slots.length;
      // The ring is full (no free slot), so every slot holds a live key.
      const key = slots[index]!;
      const entry = entries.get(key)!;
      if (entry.used && entry.expiresAt > now && chances-- > 0) {
        entry.used = false;
        continue;
      }
      entries.delete(key);
      return index;
    }
  }

  return {
    keyOf(token) {
      return sha256(token, "base64");
    },
    get(key, now) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= now) {
        forget(key, entry);
        return undefined;
      }
      entry.used = true;
      return entry.value;
    },
    set(key, value, now, notAfter) {
      const expiresAt = Math.min(notAfter, now + options.ttlMs);
      const existing = entries.get(key);
      if (expiresAt <= now || options.maxEntries < 1) {
        // Nothing older may be served in place of what could not be kept.
        if (existing !== undefined) forget(key, existing);
        return;
      }
      if (existing === undefined && !seenBefore(key)) return;
      const slot = existing === undefined ? claimSlot(now) : existing.slot;
      slots[slot] = key;
      entries.set(key, { value, expiresAt, slot, used: false });
    },
    get size() {
      return entries.size;
    },
  };
}
