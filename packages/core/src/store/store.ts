/**
 * The storage Bulwark keeps its shared state in: rate-limit counters, token revocations, replay
 * nonces, failure counters. Memory for one instance, Redis for several.
 */

/** How {@link SecurityStore.set} keeps one entry. */
export interface StoreWriteOptions {
  /**
   * Security state that must not be lost (a token revocation, an enumeration block): the entry is
   * never evicted to make room for others, it leaves only when its TTL ends or it is deleted. A
   * store that has no room left for it rejects the write instead (fail closed), so the caller
   * knows the state was not recorded. Default `false`: a bounded store may evict the entry when
   * it is full, as it does rate-limit counters.
   */
  durable?: boolean;
}

/** A bounded key-value store with expiry. Every method is atomic per key. */
export interface SecurityStore {
  /** `memory` or `redis`: rate limiting picks its limiter implementation from this. */
  readonly kind: "memory" | "redis";
  /** The value of `key`, or `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /**
   * Stores `value` under `key` for `ttlMs` milliseconds, replacing any entry of that key. With
   * `{ durable: true }` the entry is never evicted before its TTL, and the promise rejects when
   * the store has no room to keep it.
   */
  set(key: string, value: string, ttlMs: number, options?: StoreWriteOptions): Promise<void>;
  /** Stores `value` only if `key` is absent; true when it was stored (replay protection). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Adds one to the counter `key` (created with expiry `ttlMs`) and returns the new count. */
  increment(key: string, ttlMs: number): Promise<number>;
  /** Removes `key`. */
  delete(key: string): Promise<void>;
}
