import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { RateLimiterRes } from "rate-limiter-flexible";
import { createEngine } from "../pipeline/engine.js";
import type { SecurityRequest } from "../request/security-request.js";
import { BoundedCounterTable, BoundedMemoryLimiter } from "./bounded-memory-limiter.js";
import { rateLimitFeature } from "./rate-limit-feature.js";

afterEach(() => {
  jest.useRealTimers();
});

async function consume(limiter: BoundedMemoryLimiter, key: string, points = 1): Promise<RateLimiterRes & { refused: boolean }> {
  try {
    return Object.assign(await limiter.consume(key, points), { refused: false });
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    return Object.assign(error, { refused: true });
  }
}

describe("bounded memory limiter", () => {
  it("counts a fixed window from the first request and refuses past the points", async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const limiter = new BoundedMemoryLimiter({ points: 3, duration: 10, keyPrefix: "t", table: new BoundedCounterTable(10) });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await consume(limiter, "k"));
    expect(answers.map((a) => [a.refused, a.remainingPoints, a.consumedPoints])).toEqual([[false, 2, 1], [false, 1, 2], [false, 0, 3], [true, 0, 4]]);
    expect(answers[3]!.msBeforeNext).toBe(10_000);
    jest.setSystemTime(1_000_000 + 9_999);
    expect((await consume(limiter, "k")).refused).toBe(true);
    jest.setSystemTime(1_000_000 + 10_000);
    expect(await consume(limiter, "k")).toMatchObject({ refused: false, consumedPoints: 1, isFirstInDuration: true });
  });

  it("answers consumes of one key in the same turn as if they came one after another", async () => {
    // The library reads the store's answer a turn later; a later consume must not change it.
    jest.useFakeTimers({ now: 2_000_000 });
    const limiter = new BoundedMemoryLimiter({ points: 2, duration: 10, blockDuration: 60, keyPrefix: "t", table: new BoundedCounterTable(10) });
    const answers = await Promise.all([1, 2, 3, 4].map(() => consume(limiter, "k")));
    expect(answers.map((a) => [a.refused, a.consumedPoints])).toEqual([[false, 1], [false, 2], [true, 3], [true, 4]]);
    // The consume that crossed the limit blocked the key for blockDuration, not just the window.
    expect(answers[2]!.msBeforeNext).toBe(60_000);
    jest.setSystemTime(2_000_000 + 30_000);
    expect((await consume(limiter, "k")).refused).toBe(true);
  });

  it("holds one counter at most with a bound of one", async () => {
    const table = new BoundedCounterTable(1);
    const limiter = new BoundedMemoryLimiter({ points: 1, duration: 60, keyPrefix: "t", table });
    for (let i = 0; i < 10; i++) {
      await limiter.consume(`k${i}`);
      expect(table.size).toBe(1);
    }
  });

  it("blocks for blockDuration, and get/delete/block/penalty work as the library defines them", async () => {
    jest.useFakeTimers({ now: 5_000_000 });
    const limiter = new BoundedMemoryLimiter({ points: 1, duration: 1, blockDuration: 60, keyPrefix: "t", table: new BoundedCounterTable(10) });
    await consume(limiter, "k");
    expect((await consume(limiter, "k")).msBeforeNext).toBe(60_000);
    jest.setSystemTime(5_000_000 + 30_000);
    expect((await consume(limiter, "k")).refused).toBe(true);
    expect(await limiter.get("k")).toMatchObject({ remainingPoints: 0 });
    expect(await limiter.delete("k")).toBe(true);
    expect(await limiter.get("k")).toBeNull();
    await limiter.block("b", 5);
    expect((await consume(limiter, "b")).refused).toBe(true);
    expect((await limiter.penalty("p", 3)).consumedPoints).toBe(3);
  });

  it("never holds more than maxKeys counters under a flood of distinct keys, and keeps limiting the key in use", async () => {
    const table = new BoundedCounterTable(1_000);
    const limiter = new BoundedMemoryLimiter({ points: 5, duration: 60, keyPrefix: "t", table });
    for (let i = 0; i < 5; i++) await consume(limiter, "attacker");
    let largest = 0;
    for (let i = 0; i < 50_000; i++) {
      await limiter.consume(`flood-${i}`);
      largest = Math.max(largest, table.size);
      // The attacker keeps hammering during the flood: its counter stays recent, so it stays limited.
      if (i % 100 === 0) expect((await consume(limiter, "attacker")).refused).toBe(true);
    }
    expect(largest).toBeLessThanOrEqual(1_000);
    expect(largest).toBeGreaterThan(500);
  });
});

describe("the memory bound inside the feature", () => {
  const sink = { setHeader() {}, removeHeader() {} };
  function request(key: string): SecurityRequest {
    return {
      method: "GET", url: "/", path: "/", route: undefined, headers: { "x-key": key }, rawHeaders: [],
      params: {}, query: {}, body: undefined, remoteAddress: "192.0.2.1", encrypted: false,
    };
  }

  it("drops the least recently used keys past rateLimiting.maxKeys (a flooded-out key starts over)", async () => {
    const engine = createEngine(
      { rateLimit: { points: 1, duration: 3600, by: (req) => String(req.headers["x-key"]) }, rateLimiting: { maxKeys: 100 }, bruteForce: false },
      [rateLimitFeature],
    );
    const run = (key: string) => engine.global(engine.start(request(key), sink), { kind: "deferred" }).then(() => 200, (error: { status?: number }) => error.status);
    expect(await run("early")).toBe(200);
    expect(await run("early")).toBe(429);
    for (let i = 0; i < 5_000; i++) expect(await run(`flood-${i}`)).toBe(200);
    // "early" was evicted by the flood: memory stayed bounded at the price of forgetting it.
    expect(await run("early")).toBe(200);
    expect(await run("flood-4999")).toBe(429);
  });
});
