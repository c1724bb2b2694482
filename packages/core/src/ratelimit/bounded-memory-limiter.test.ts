import { afterEach, describe, expect, it, jest } from "@jest/globals";
import fc from "fast-check";
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

/** `consumeNow`'s answer as `[refused, remaining, consumed, msBeforeNext]`, and whether it came without a promise. */
async function consumeNowAnswer(limiter: BoundedMemoryLimiter, key: string, points: number): Promise<{ answer: number[]; atOnce: boolean }> {
  const given = limiter.consumeNow(key, points);
  if (given instanceof RateLimiterRes) return { answer: [0, given.remainingPoints, given.consumedPoints, given.msBeforeNext], atOnce: true };
  try {
    const res = await given;
    return { answer: [0, res.remainingPoints, res.consumedPoints, res.msBeforeNext], atOnce: false };
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    return { answer: [1, error.remainingPoints, error.consumedPoints, error.msBeforeNext], atOnce: false };
  }
}

describe("consumeNow (the answer without a promise)", () => {
  it("answers an allowance at once and a refusal through a rejected promise", async () => {
    const limiter = new BoundedMemoryLimiter({ points: 2, duration: 60, keyPrefix: "t", table: new BoundedCounterTable(10) });
    const first = limiter.consumeNow("k", 1);
    expect(first).toBeInstanceOf(RateLimiterRes);
    expect(first).toMatchObject({ remainingPoints: 1, consumedPoints: 1 });
    expect(limiter.consumeNow("k", 1)).toMatchObject({ remainingPoints: 0, consumedPoints: 2 });
    const third = limiter.consumeNow("k", 1);
    expect(third).toBeInstanceOf(Promise);
    await expect(third).rejects.toMatchObject({ remainingPoints: 0, consumedPoints: 3 });
  });

  it("gives exactly the library's own consume answers, call for call (property)", async () => {
    const step = fc.record({ key: fc.constantFrom("a", "b", "c"), points: fc.integer({ min: 1, max: 3 }), advanceMs: fc.integer({ min: 0, max: 4_000 }) });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 10 }), fc.array(step, { maxLength: 40 }), async (points, duration, steps) => {
        jest.useFakeTimers({ now: 7_000_000 });
        try {
          const options = { points, duration, keyPrefix: "t" };
          const fast = new BoundedMemoryLimiter({ ...options, table: new BoundedCounterTable(100) });
          const library = new BoundedMemoryLimiter({ ...options, table: new BoundedCounterTable(100) });
          for (const { key, points: cost, advanceMs } of steps) {
            jest.setSystemTime(Date.now() + advanceMs);
            const expected = await consume(library, key, cost);
            const { answer, atOnce } = await consumeNowAnswer(fast, key, cost);
            expect(answer).toEqual([expected.refused ? 1 : 0, expected.remainingPoints, expected.consumedPoints, expected.msBeforeNext]);
            // Allowed at once, refused through a promise: never the other way round.
            expect(atOnce).toBe(!expected.refused);
          }
        } finally {
          jest.useRealTimers();
        }
      }),
      { numRuns: 150 },
    );
  });

  it("leaves blocking limiters and subclasses with their own store step to the library's promise path", async () => {
    jest.useFakeTimers({ now: 9_000_000 });
    const blocking = new BoundedMemoryLimiter({ points: 1, duration: 1, blockDuration: 60, keyPrefix: "t", table: new BoundedCounterTable(10) });
    const first = blocking.consumeNow("k", 1);
    expect(first).toBeInstanceOf(Promise);
    await expect(first).resolves.toMatchObject({ consumedPoints: 1 });
    await expect(blocking.consumeNow("k", 1)).rejects.toMatchObject({ msBeforeNext: 60_000 });
    // The window is long over, but the block holds, as the library's blockDuration defines.
    jest.setSystemTime(9_000_000 + 30_000);
    await expect(blocking.consumeNow("k", 1)).rejects.toBeInstanceOf(RateLimiterRes);

    const seen: string[] = [];
    class Watched extends BoundedMemoryLimiter {
      override _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false) {
        seen.push(rlKey);
        return super._upsert(rlKey, points, msDuration, forceExpire);
      }
    }
    const watched = new Watched({ points: 5, duration: 60, keyPrefix: "w", table: new BoundedCounterTable(10) });
    await watched.consumeNow("k", 1);
    expect(seen).toEqual(["w:k"]);
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
    // global() throws a refusal it decides at once; the promise turns both ways into a status.
    const run = (key: string) => Promise.resolve().then(() => engine.global(engine.start(request(key), sink), { kind: "deferred" })).then(() => 200, (error: { status?: number }) => error.status);
    expect(await run("early")).toBe(200);
    expect(await run("early")).toBe(429);
    for (let i = 0; i < 5_000; i++) expect(await run(`flood-${i}`)).toBe(200);
    // "early" was evicted by the flood: memory stayed bounded at the price of forgetting it.
    expect(await run("early")).toBe(200);
    expect(await run("flood-4999")).toBe(429);
  });
});
