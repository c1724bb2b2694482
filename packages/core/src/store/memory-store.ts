/**
 * The default store: in process memory, bounded. When full, the least recently used key goes, so a
 * flood of distinct keys can never grow memory past `maxKeys` entries.
 */
import { ConfigError } from "../errors/security-error.js";
import type { SecurityStore } from "./store.js";

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** Most keys held at once; the least recently used is dropped past it. Default 100,000. */
  maxKeys?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** A {@link SecurityStore} in memory, with its bound visible. */
export interface MemoryStore extends SecurityStore {
  readonly kind: "memory";
  /** The configured bound. */
  readonly maxKeys: number;
  /** Keys held now (expired keys may count until touched or evicted). */
  readonly size: number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/** The default number of keys a memory store holds. */
export const DEFAULT_MEMORY_STORE_KEYS = 100_000;

/** Creates a bounded in-memory store (the default when no store is configured). */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxKeys = options.maxKeys ?? DEFAULT_MEMORY_STORE_KEYS;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) {
    throw new ConfigError([`memoryStore maxKeys must be a whole number of at least 1, not ${String(maxKeys)}.`]);
  }
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  function live(key: string): Entry | undefined {
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
    if (entries.size >= maxKeys) evict();
    entries.set(key, { value, expiresAt: now() + Math.max(1, ttlMs) });
  }

  return {
    kind: "memory",
    maxKeys,
    get size() {
      return entries.size;
    },
    async get(key) {
      return live(key)?.value;
    },
    async set(key, value, ttlMs) {
      put(key, value, ttlMs);
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
    },
  };
}
