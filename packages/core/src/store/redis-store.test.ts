import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Redis } from "ioredis";
import { ConfigError } from "../errors/security-error.js";
import { redisStore } from "./redis-store.js";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `bulwark-test:store:${process.pid}:`;
let client: Redis;

beforeAll(async () => {
  client = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  await client.connect();
});

afterAll(async () => {
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(...keys);
  await client.quit();
});

describe("redisStore on a real Redis", () => {
  it("stores with expiry, counts atomically and sets only when absent", async () => {
    const store = redisStore(client, { prefix });
    await store.set("a", "1", 10_000);
    expect(await store.get("a")).toBe("1");
    expect(await client.pttl(`${prefix}a`)).toBeGreaterThan(0);
    const counts = await Promise.all(Array.from({ length: 50 }, () => store.increment("c", 10_000)));
    expect([...counts].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await client.pttl(`${prefix}c`)).toBeGreaterThan(0);
    expect(await store.setIfAbsent("n", "x", 10_000)).toBe(true);
    expect(await store.setIfAbsent("n", "y", 10_000)).toBe(false);
    await store.delete("n");
    expect(await store.get("n")).toBeUndefined();
  });

  it("is shared by two stores on two connections", async () => {
    const other = new Redis(url, { maxRetriesPerRequest: 1 });
    try {
      await redisStore(client, { prefix }).set("shared", "yes", 10_000);
      expect(await redisStore(other, { prefix }).get("shared")).toBe("yes");
    } finally {
      await other.quit();
    }
  });

  it("writes a durable entry as a key with its TTL, left to Redis to expire", async () => {
    const store = redisStore(client, { prefix });
    await store.set("durable", "1", 10_000, { durable: true });
    expect(await store.get("durable")).toBe("1");
    const ttl = await client.pttl(`${prefix}durable`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
    for (let i = 0; i < 200; i++) await store.increment(`flood-${i}`, 10_000);
    expect(await store.get("durable")).toBe("1");
  });

  it("refuses something that is not an ioredis client", () => {
    expect(() => redisStore({} as never)).toThrow(ConfigError);
  });
});
