import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import express from "express";
import { Redis } from "ioredis";
import request from "supertest";
import { bulwark, redisStore, type BulwarkOptions, type RoutePolicy } from "@bulwark/express";
import type { RateLimitApi } from "./rate-limit-options.js";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `bulwark-test:ratelimit:${process.pid}:`;
const clients: Redis[] = [];

function client(): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  clients.push(redis);
  return redis;
}

/** An app instance on its own, connected, Redis connection (as a separate process would have). */
async function instance(config: BulwarkOptions, policy: RoutePolicy) {
  const redis = client();
  await redis.ping();
  const security = bulwark({ ...config, store: redisStore(redis, { prefix }) });
  const app = express();
  app.use(security.secure());
  app.get("/r", security.secure(policy), (_req, res) => void res.json({ ok: true }));
  app.use(security.errors());
  return { app, api: security as unknown as RateLimitApi };
}

beforeAll(async () => {
  await client().ping();
});

afterAll(async () => {
  const admin = clients[0]!;
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  await Promise.all(clients.map((c) => c.quit()));
});

describe("rate limits on Redis", () => {
  it("two instances share one route budget exactly under concurrent load", async () => {
    const policy: RoutePolicy = { public: true, rateLimit: { points: 25, duration: 60, by: "ip", name: "shared-route" } };
    const a = await instance({}, policy);
    const b = await instance({}, policy);
    const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => request(i % 2 === 0 ? a.app : b.app).get("/r").then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(25);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
    expect(await clients[0]!.pttl(`${prefix}rl:shared-route:i:127.0.0.1`)).toBeGreaterThan(0);
  });

  it("keeps the header fields right on Redis", async () => {
    const { app } = await instance({ rateLimit: { points: 3, duration: 30, name: "redis-global" } }, { public: true });
    const first = await request(app).get("/r").expect(200);
    expect(first.headers["ratelimit-policy"]).toBe('"redis-global";q=3;w=30');
    expect(first.headers["ratelimit"]).toMatch(/^"redis-global";r=2;t=(30|29)$/);
  });

  it("locks a brute-forced pair on every instance, and a success on one resets it for all", async () => {
    const a = await instance({ bruteForce: { freeRetries: 2 } }, { public: true });
    const b = await instance({ bruteForce: { freeRetries: 2 } }, { public: true });
    const key = { account: `dave-${process.pid}`, ip: "198.51.100.77" };
    expect(await a.api.recordFailure(key)).toEqual({ locked: false, retryAfter: 0 });
    expect(await b.api.recordFailure(key)).toEqual({ locked: true, retryAfter: 60 });
    await expect(a.api.checkLockout(key)).rejects.toMatchObject({ code: "AUTH_LOCKED_OUT" });
    await b.api.recordSuccess(key);
    await expect(a.api.checkLockout(key)).resolves.toBeUndefined();
    // The account is stored hashed: no user name in Redis.
    expect((await clients[0]!.keys(`${prefix}bf:*`)).join(" ")).not.toContain("dave");
  });
});
