/**
 * The storage Bulwark keeps its shared state in: rate-limit counters, token revocations, replay
 * nonces, failure counters. Memory for one instance, Redis for several.
 */

/** A bounded key-value store with expiry. Every method is atomic per key. */
export interface SecurityStore {
  /** `memory` or `redis`: rate limiting picks its limiter implementation from this. */
  readonly kind: "memory" | "redis";
  /** The value of `key`, or `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` under `key` for `ttlMs` milliseconds. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Stores `value` only if `key` is absent; true when it was stored (replay protection). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Adds one to the counter `key` (created with expiry `ttlMs`) and returns the new count. */
  increment(key: string, ttlMs: number): Promise<number>;
  /** Removes `key`. */
  delete(key: string): Promise<void>;
}
