/**
 * A Redis store for express-rate-limit over ioredis (express-rate-limit ships only a memory store;
 * its Redis store is a separate package the bench does not depend on). One atomic script per
 * hit: a fixed window, as the memory store counts.
 */

const INCREMENT = `
local hits = redis.call("INCR", KEYS[1])
if hits == 1 then redis.call("PEXPIRE", KEYS[1], ARGV[1]) end
return { hits, redis.call("PTTL", KEYS[1]) }
`;

/** An express-rate-limit `Store` keeping counters in Redis under `prefix`. */
export class ExpressRateLimitRedisStore {
  /** Uses `client` (ioredis) and `prefix`. */
  constructor(client, prefix) {
    this.client = client;
    this.prefix = prefix;
    this.localKeys = false;
    this.windowMs = 60_000;
    client.defineCommand("benchRateLimitHit", { numberOfKeys: 1, lua: INCREMENT });
  }

  /** Receives the limiter's options. */
  init(options) {
    this.windowMs = options.windowMs;
  }

  /** Counts one hit of `key`. */
  async increment(key) {
    const [totalHits, ttl] = await this.client.benchRateLimitHit(this.prefix + key, this.windowMs);
    return { totalHits, resetTime: new Date(Date.now() + Math.max(0, ttl)) };
  }

  /** Takes one hit back. */
  async decrement(key) {
    await this.client.decr(this.prefix + key);
  }

  /** Forgets `key`. */
  async resetKey(key) {
    await this.client.del(this.prefix + key);
  }
}
