import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Redis } from "ioredis";
import { loadAll, startInstances, until, type Instance } from "./test-support/instances.js";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `bulwark-test:multi:${process.pid}:`;
const POINTS = 40;
let admin: Redis;
let instances: Instance[] = [];

beforeAll(async () => {
  admin = new Redis(url, { maxRetriesPerRequest: 1 });
  await admin.ping();
  // A fixed window of 60 s holds for the whole test; a long store timeout keeps the fallback out of it.
  instances = await startInstances(3, { redisUrl: url, prefix, rateLimit: { points: POINTS, duration: 60 }, rateLimiting: { storeTimeout: 5_000, instances: 3 } });
  await until(async () => (await Promise.all(instances.map((i) => i.redis()))).every((s) => s.status === "ready"));
});

afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

describe("three app processes sharing Redis", () => {
  it("together admit exactly the configured number of requests under concurrent load (tolerance: zero)", async () => {
    const statuses = await loadAll(instances, 50);
    const all = statuses.flat();
    expect(all).toHaveLength(150);
    expect(all.filter((s) => s === 200)).toHaveLength(POINTS);
    expect(all.filter((s) => s === 429)).toHaveLength(150 - POINTS);
    // Every process took part in the admissions and refusals (the budget really is shared).
    for (const perInstance of statuses) expect(perInstance.some((s) => s === 429)).toBe(true);
    for (const instance of instances) expect((await instance.redis()).storeFailures).toBe(0);
  });
});
