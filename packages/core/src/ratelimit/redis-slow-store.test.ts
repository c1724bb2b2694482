import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import express from "express";
import { Redis } from "ioredis";
import request from "supertest";
import { bulwark, redisStore, type BulwarkOptions } from "@bulwark/express";
import { startOwnRedis, type OwnRedis } from "./test-support/redis-server.js";

let redis: OwnRedis;
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await startOwnRedis();
});

afterAll(async () => {
  redis.thaw();
  clients.forEach((c) => c.disconnect());
  await redis.stop();
});

function app(config: BulwarkOptions) {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  client.on("error", () => undefined);
  clients.push(client);
  const failures: unknown[] = [];
  const security = bulwark({ ...config, store: redisStore(client, { prefix: "slow:" }), onError: (error) => void failures.push(error) });
  const server = express();
  server.use(security.secure());
  server.get("/r", security.secure({ public: true }), (_req, res) => void res.json({ ok: true }));
  server.use(security.errors());
  return { server, client, failures };
}

describe("a Redis that stops answering", () => {
  it("never makes a request wait past storeTimeout: the in-memory insurance decides (closed by default)", async () => {
    const { server, client, failures } = app({ rateLimit: { points: 2, duration: 60, name: "frozen" }, rateLimiting: { storeTimeout: 50 } });
    await client.ping();
    redis.freeze();
    try {
      // The connection stays open and every command hangs: without the timeout these would never return.
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await request(server).get("/r")).status);
      expect(statuses).toEqual([200, 200, 429]);
      expect(failures).toHaveLength(1);
      expect(String(failures[0])).toMatch(/limiting per instance/);
    } finally {
      redis.thaw();
    }
  });

  it('lets requests through while the store fails with onStoreError: "open"', async () => {
    const { server, client } = app({ rateLimit: { points: 1, duration: 60, name: "open" }, rateLimiting: { storeTimeout: 50, onStoreError: "open" }, silence: ["BULWARK_RATE_LIMIT_FAIL_OPEN"] });
    await client.ping();
    redis.freeze();
    try {
      for (let i = 0; i < 3; i++) {
        const response = await request(server).get("/r").expect(200);
        expect(response.headers["ratelimit"]).toBeUndefined();
      }
    } finally {
      redis.thaw();
    }
  });
});
