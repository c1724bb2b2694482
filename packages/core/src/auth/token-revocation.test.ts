/**
 * Token revocation: `revokeToken(jti, until)` from what `bulwark()` returns, kept in the configured
 * store. Two app instances share one real Redis: a token revoked through one is refused by the
 * other, even when the other had it in its verified-token cache.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Redis } from "ioredis";
import request from "supertest";
import type { BulwarkOptions } from "../config/options.js";
import { memoryStore } from "../store/memory-store.js";
import { redisStore, type RedisClientLike } from "../store/redis-store.js";
import { jwt } from "./jwt.js";
import { MAX_CLOCK_TOLERANCE_SECONDS, revocationKey, tokenRevoker, type RevokeToken } from "./token-revocation.js";
import { authApp } from "./testing/auth-app.js";
import { claimsAt, nowSeconds, sign } from "./testing/tokens.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = `bulwark-test:auth-revocation:${process.pid}:${randomBytes(4).toString("hex")}:`;
const secret = randomBytes(32);
const options = { issuer: "https://id.example.com/", audience: "orders-api", algorithms: ["HS256"] as const, secret };

let clientA: Redis;
let clientB: Redis;

function instance(client: Redis, extra: Partial<BulwarkOptions> = {}) {
  return authApp({ authenticate: [jwt({ ...options, algorithms: ["HS256"] })], store: redisStore(client as unknown as RedisClientLike, { prefix: PREFIX }), ...extra });
}

beforeAll(() => {
  clientA = new Redis(REDIS_URL);
  clientB = new Redis(REDIS_URL);
});

afterAll(async () => {
  const keys = await clientA.keys(`${PREFIX}*`);
  if (keys.length > 0) await clientA.del(...keys);
  await Promise.all([clientA.quit(), clientB.quit()]);
});

describe("revokeToken across instances sharing Redis", () => {
  it("a jti revoked through one instance is refused by the other, cached or not", async () => {
    const a = instance(clientA);
    const b = instance(clientB);
    const exp = nowSeconds() + 3600;
    const token = await sign(secret, "HS256", { ...claimsAt(nowSeconds()), jti: "token-1", exp });
    const other = await sign(secret, "HS256", { ...claimsAt(nowSeconds()), jti: "token-2", exp });
    for (const { app } of [a, b]) expect((await request(app).get("/me").set("authorization", `Bearer ${token}`)).status).toBe(200);

    await (a.guard.revokeToken as RevokeToken)("token-1", exp);

    for (const { app } of [b, a]) {
      const response = await request(app).get("/me").set("authorization", `Bearer ${token}`);
      expect(response.status).toBe(401);
      expect(response.body.code).toBe("AUTH_TOKEN_REVOKED");
      expect(response.headers["www-authenticate"]).toBe('Bearer error="invalid_token", error_description="The access token has been revoked"');
      expect((await request(app).get("/me").set("authorization", `Bearer ${other}`)).status).toBe(200);
    }
  });

  it("keeps the revocation until the token's exp plus the largest clock tolerance, under a hashed key", async () => {
    const { guard } = instance(clientA);
    const exp = nowSeconds() + 600;
    await (guard.revokeToken as RevokeToken)("token-ttl", exp);
    const ttl = await clientA.pttl(PREFIX + revocationKey("token-ttl"));
    expect(ttl).toBeGreaterThan((600 + MAX_CLOCK_TOLERANCE_SECONDS - 60) * 1000);
    expect(ttl).toBeLessThanOrEqual((600 + MAX_CLOCK_TOLERANCE_SECONDS) * 1000);
    expect(await clientA.keys(`${PREFIX}*token-ttl*`)).toEqual([]);
  });

  it("a store that cannot be read refuses the token with 503 rather than skipping the check", async () => {
    const down = new Redis({ port: 1, host: "127.0.0.1", lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      const token = await sign(secret, "HS256", { ...claimsAt(nowSeconds()), jti: "token-3" });
      const request = {
        method: "GET", url: "/me", path: "/me", route: undefined, headers: { authorization: `Bearer ${token}` },
        rawHeaders: ["Authorization", `Bearer ${token}`], params: {}, query: {}, body: undefined, remoteAddress: "127.0.0.1", encrypted: false,
      };
      const services = { store: redisStore(down as unknown as RedisClientLike, { prefix: PREFIX }), now: Date.now };
      await expect(jwt({ ...options, algorithms: ["HS256"] }).authenticate(request, services)).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE", status: 503 });
    } finally {
      down.disconnect();
    }
  });
});

describe("revokeToken with the memory store", () => {
  it("works on one instance, accepts a Date, and refuses bad arguments", async () => {
    const { app, guard } = authApp({ authenticate: [jwt({ ...options, algorithms: ["HS256"] })], store: memoryStore() });
    const revoke = guard.revokeToken as RevokeToken;
    const token = await sign(secret, "HS256", { ...claimsAt(nowSeconds()), jti: "m-1" });
    expect((await request(app).get("/me").set("authorization", `Bearer ${token}`)).status).toBe(200);
    await revoke("m-1", new Date(Date.now() + 3_600_000));
    expect((await request(app).get("/me").set("authorization", `Bearer ${token}`)).body.code).toBe("AUTH_TOKEN_REVOKED");
    await expect(revoke("", 1)).rejects.toThrow(/needs the token's jti/);
    await expect(revoke("x".repeat(2000), 1)).rejects.toThrow(/at most 1024/);
    await expect(revoke("m-2", Number.NaN)).rejects.toThrow(/needs until/);
    await expect(revoke("m-2", undefined as unknown as number)).rejects.toThrow(/needs until/);
  });

  it("an until already past still stores the revocation for the clock tolerance", async () => {
    const store = memoryStore();
    const revoke = tokenRevoker(store, () => 1_000_000);
    await revoke("old", 1);
    expect(await store.get(revocationKey("old"))).toBe("1");
  });
});
