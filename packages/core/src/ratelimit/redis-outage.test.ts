import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { loadAll, startInstances, until, type Instance } from "./test-support/instances.js";
import { startOwnRedis, type OwnRedis } from "./test-support/redis-server.js";

const POINTS = 30;
const INSTANCES = 3;
let redis: OwnRedis;
let instances: Instance[] = [];
const statusesOf = async () => Promise.all(instances.map((i) => i.redis()));

beforeAll(async () => {
  redis = await startOwnRedis();
  instances = await startInstances(INSTANCES, {
    redisUrl: redis.url,
    prefix: "outage:",
    rateLimit: { points: POINTS, duration: 60 },
    rateLimiting: { storeTimeout: 5_000, instances: INSTANCES },
  });
  await until(async () => (await statusesOf()).every((s) => s.status === "ready"));
});

afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  await redis.stop();
});

describe("Redis stopped in the middle of a run", () => {
  it("never answers 5xx, keeps limiting per instance while Redis is down, and shares the limit again after restart", async () => {
    const before = (await loadAll(instances, 30)).flat();
    expect(before.filter((s) => s === 200)).toHaveLength(POINTS);
    expect(before.every((s) => s === 200 || s === 429)).toBe(true);

    await redis.stop();
    await until(async () => (await statusesOf()).every((s) => s.status !== "ready"));
    const during = await loadAll(instances, 20);
    for (const perInstance of during) {
      expect(perInstance.every((s) => s === 200 || s === 429)).toBe(true);
      // Each instance limits on its own: points / instances each.
      expect(perInstance.filter((s) => s === 200)).toHaveLength(Math.ceil(POINTS / INSTANCES));
    }
    for (const state of await statusesOf()) expect(state.storeFailures).toBeGreaterThanOrEqual(1);

    await redis.start();
    await until(async () => (await statusesOf()).every((s) => s.status === "ready"));
    // The restarted Redis kept nothing: a new shared window, held exactly across the instances.
    const after = (await loadAll(instances, 30)).flat();
    expect(after.filter((s) => s === 200)).toHaveLength(POINTS);
    expect(after.every((s) => s === 200 || s === 429)).toBe(true);
  });
});
