/**
 * The default store: in process memory, bounded. When full, the least recently used key goes, so a
 * flood of distinct keys can never grow memory past `maxKeys` entries. Durable entries (token
 * revocations, enumeration blocks) are kept apart, in a table of their own that is never evicted
 * from: an entry leaves it only when its TTL ends, and a write to a full table is refused.
 */
import { ConfigError } from "../errors/security-error.js";
import type { SecurityStore, StoreWriteOptions } from "./store.js";

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** Most evictable keys held at once; the least recently used is dropped past it. Default 100,000. */
  maxKeys?: number;
  /**
   * Most durable entries held at once (`set(..., { durable: true })`: token revocations,
   * enumeration blocks). They are never evicted; past the bound a durable write throws, so
   * `revokeToken()` fails visibly instead of leaving the token valid. Default 100,000.
   */
  maxDurableKeys?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** A {@link SecurityStore} in memory, with its bounds visible. */
export interface MemoryStore extends SecurityStore {
  readonly kind: "memory";
  /** The configured bound of evictable keys. */
  readonly maxKeys: number;
  /** The configured bound of durable entries. */
  readonly maxDurableKeys: number;
  /** Keys held now, durable ones included (expired keys may count until touched or evicted). */
  readonly size: number;
  /** Durable entries held now (expired ones may count until touched or swept). */
  readonly durableSize: number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/** The default number of evictable keys a memory store holds. */
export const DEFAULT_MEMORY_STORE_KEYS = 100_000;
/** The default number of durable entries (revocations, blocks) a memory store holds. */
export const DEFAULT_MEMORY_STORE_DURABLE_KEYS = 100_000;

function checkBound(name: string, value: number, problems: string[]): void {
  if (!Number.isInteger(value) || value < 1) problems.push(`memoryStore ${name} must be a whole number of at least 1, not ${String(value)}.`);
}

/** Creates a bounded in-memory store (the default when no store is configured). */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxKeys = options.maxKeys ?? DEFAULT_MEMORY_STORE_KEYS;
  const maxDurableKeys = options.maxDurableKeys ?? DEFAULT_MEMORY_STORE_DURABLE_KEYS;
  const problems: string[] = [];
  checkBound("maxKeys", maxKeys, problems);
  checkBound("maxDurableKeys", maxDurableKeys, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const now = options.now ?? Date.now;
  /** Evictable entries, least recently used first. */
  const entries = new Map<string, Entry>();
  /** Durable entries: never evicted. A key is in at most one of the two tables. */
  const durable = new Map<string, Entry>();
  /** No durable entry expires before this, so a sweep before it cannot free a place. */
  let durableExpiresFrom = Number.POSITIVE_INFINITY;

  function live(key: string): Entry | undefined {
    const kept = durable.size === 0 ? undefined : durable.get(key);
    if (kept !== undefined) {
      if (kept.expiresAt > now()) return kept;
      durable.delete(key);
      return undefined;
    }
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    // Re-insert so that Map order stays least-recently-used first.
    entries.delete(key);
    entries.set(key, entry);
    return entry;
  }

  // When full, the oldest sixteenth goes in one pass: evicting one key per insert would walk the
  // Map's deleted slots again on every insert, and a flood of new keys would slow each request.
  const evictionBatch = Math.max(1, maxKeys >> 4);

  function evict(): void {
    let count = 0;
    for (const oldest of entries.keys()) {
      entries.delete(oldest);
      if (++count >= evictionBatch) break;
    }
  }

  function put(key: string, value: string, ttlMs: number): void {
    entries.delete(key);
    // A key is in one table at most; rate-limit counters (the usual write) never meet a durable one.
    if (durable.size > 0) durable.delete(key);
    if (entries.size >= maxKeys) evict();
    entries.set(key, { value, expiresAt: now() + Math.max(1, ttlMs) });
  }

  /** Drops the expired durable entries; true when a place is free afterwards. */
  function sweepDurable(at: number): boolean {
    // Skipped until the earliest expiry, so a full table of live entries costs no scan per write.
    if (at < durableExpiresFrom) return false;
    let earliest = Number.POSITIVE_INFINITY;
    for (const [key, entry] of durable) {
      if (entry.expiresAt <= at) durable.delete(key);
      else if (entry.expiresAt < earliest) earliest = entry.expiresAt;
    }
    durableExpiresFrom = earliest;
    return durable.size < maxDurableKeys;
  }

  function putDurable(key: string, value: string, ttlMs: number): void {
    if (!Number.isFinite(ttlMs)) throw new RangeError(`memoryStore: a durable entry needs a finite ttlMs, not ${String(ttlMs)}.`);
    const at = now();
    if (!durable.has(key) && durable.size >= maxDurableKeys && !sweepDurable(at)) {
      throw new RangeError(
        `memoryStore: all ${maxDurableKeys} places for durable entries (token revocations, enumeration blocks) hold entries that have not expired; ` +
          "this one was not stored. Raise memoryStore({ maxDurableKeys }), or use redisStore().",
      );
    }
    entries.delete(key);
    const expiresAt = at + Math.max(1, ttlMs);
    durable.set(key, { value, expiresAt });
    if (expiresAt < durableExpiresFrom) durableExpiresFrom = expiresAt;
  }

  return {
    kind: "memory",
    maxKeys,
    maxDurableKeys,
    get size() {
      return entries.size + durable.size;
    },
    get durableSize() {
      return durable.size;
    },
    async get(key) {
      return live(key)?.value;
    },
    async set(key, value, ttlMs, writeOptions?: StoreWriteOptions) {
      if (writeOptions?.durable === true) putDurable(key, value, ttlMs);
      else put(key, value, ttlMs);
    },
    async setIfAbsent(key, value, ttlMs) {
      if (live(key) !== undefined) return false;
      put(key, value, ttlMs);
      return true;
    },
    async increment(key, ttlMs) {
      const entry = live(key);
      if (entry === undefined) {
        put(key, "1", ttlMs);
        return 1;
      }
      const next = (Number.parseInt(entry.value, 10) || 0) + 1;
      entry.value = String(next);
      return next;
    },
    async delete(key) {
      entries.delete(key);
      durable.delete(key);
    },
  };
}
