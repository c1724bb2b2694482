/**
 * A store on Redis, for apps that run on more than one instance: a revocation or a rate-limit
 * counter written by one instance holds on all of them. Every key is written with a TTL and left to
 * Redis to expire; Bulwark never evicts one, durable (`{ durable: true }`) or not. Redis itself
 * evicts keys only under `maxmemory` with an eviction policy other than `noeviction`, and then any
 * key with a TTL can go, revocations included: give Bulwark a Redis with `noeviction`, where a
 * write to a full Redis fails (and `revokeToken()` rejects) instead.
 */
import { ConfigError } from "../errors/security-error.js";
import type { SecurityStore } from "./store.js";

/**
 * The part of an ioredis client the store uses. Typed by shape so that core does not depend on
 * ioredis; pass an `ioredis` `Redis` or `Cluster` instance.
 */
export interface RedisClientLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, expiryMode: "PX", milliseconds: number): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** Prefix of every key Bulwark writes. Default `bulwark:`. */
  prefix?: string;
}

/** A {@link SecurityStore} on Redis, with its client for the rate limiters. */
export interface RedisStore extends SecurityStore {
  readonly kind: "redis";
  /** The ioredis client, shared with the rate limiters. */
  readonly client: RedisClientLike;
  /** The key prefix. */
  readonly prefix: string;
}

// INCR and set the expiry on creation in one step, so a counter can never outlive its window.
const SET_IF_ABSENT_SCRIPT = "return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX')";
const INCREMENT_SCRIPT =
  "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

/** Creates a store on an ioredis client. */
export function redisStore(client: RedisClientLike, options: RedisStoreOptions = {}): RedisStore {
  const problems: string[] = [];
  if (client === null || typeof client !== "object" || typeof client.eval !== "function" || typeof client.get !== "function") {
    problems.push("redisStore(client) needs an ioredis client: pass `new Redis(url)` from the ioredis package.");
  }
  const prefix = options.prefix ?? "bulwark:";
  if (typeof prefix !== "string") problems.push("redisStore prefix must be a string.");
  if (problems.length > 0) throw new ConfigError(problems);
  const ms = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));

  return {
    kind: "redis",
    client,
    prefix,
    async get(key) {
      const value = await client.get(prefix + key);
      return value ?? undefined;
    },
    // Durable or not, the key leaves by its TTL only (see the module comment on maxmemory policies).
    async set(key, value, ttlMs) {
      await client.set(prefix + key, value, "PX", ms(ttlMs));
    },
    async setIfAbsent(key, value, ttlMs) {
      const result = await client.eval(SET_IF_ABSENT_SCRIPT, 1, prefix + key, value, ms(ttlMs));
      return result === "OK";
    },
    async increment(key, ttlMs) {
      const result = await client.eval(INCREMENT_SCRIPT, 1, prefix + key, ms(ttlMs));
      return Number(result);
    },
    async delete(key) {
      await client.del(prefix + key);
    },
  };
}
