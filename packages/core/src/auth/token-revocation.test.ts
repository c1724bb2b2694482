/**
 * Token revocation: `revokeToken(jti, until)` from what `bulwark()` returns, kept in the configured
 * store. Two app instances share one real Redis: a token revoked through one is refused by the
 * other, even when the other had it in its verified-token cache.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import express from "express";
import fc from "fast-check";
import { Redis } from "ioredis";
import request from "supertest";
import { bulwark } from "@bulwark/express";
import type { BulwarkOptions } from "../config/options.js";
import { memoryStore } from "../store/memory-store.js";
import { redisStore, type RedisClientLike } from "../store/redis-store.js";
import { jwt } from "./jwt.js";
import { isJtiRevoked, MAX_CLOCK_TOLERANCE_SECONDS, revocationKey, tokenRevoker, type RevokeToken } from "./token-revocation.js";
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
    await expect(revoke(undefined as unknown as string, 1)).rejects.toThrow(/needs the token's jti claim, a string, not undefined/);
    await expect(revoke(42 as unknown as string, 1)).rejects.toThrow(/needs the token's jti claim/);
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

/** Serves `app` on a free port of 127.0.0.1; the base URL and a close function. */
async function serveOnLoopback(app: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe("revocations in a full memory store", () => {
  it("a revoked token stays refused after the store holds more than maxKeys other entries (regression: revocations were evicted)", async () => {
    const store = memoryStore({ maxKeys: 1_000 });
    const { app, guard } = authApp({ authenticate: [jwt({ ...options, algorithms: ["HS256"] })], store });
    const revoke = guard.revokeToken as RevokeToken;
    const server = await serveOnLoopback(app);
    try {
      const exp = nowSeconds() + 3600;
      const stolen = await sign(secret, "HS256", { ...claimsAt(nowSeconds()), jti: "stolen-token", exp });
      expect((await request(server.url).get("/me").set("authorization", `Bearer ${stolen}`)).status).toBe(200);
      await revoke("stolen-token", exp);
      // Ordinary traffic: rate-limit-style counters for many clients, and other logouts.
      for (let i = 0; i < 1_500; i++) {
        await store.increment(`rl:global:i:10.0.${i >> 8}.${i & 255}`, 60_000);
        await revoke(`logout-${i}`, exp);
      }
      expect(store.size).toBeGreaterThan(store.maxKeys);
      expect(await store.get("rl:global:i:10.0.0.0")).toBeUndefined(); // the flood did evict
      const response = await request(server.url).get("/me").set("authorization", `Bearer ${stolen}`);
      expect(response.status).toBe(401);
      expect(response.body.code).toBe("AUTH_TOKEN_REVOKED");
      expect(await isJtiRevoked(store, "logout-0")).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("a logout that cannot be recorded fails visibly, and earlier revocations still hold", async () => {
    const store = memoryStore({ maxDurableKeys: 2 });
    const failures: unknown[] = [];
    const { secure, errors, revokeToken } = bulwark({ authenticate: [jwt({ ...options, algorithms: ["HS256"] })], store, onError: (error) => void failures.push(error) });
    const app = express();
    app.use(secure());
    app.get("/me", secure({}), (req, res) => void res.json({ id: req.bulwark.principal?.id }));
    app.post("/logout", secure({ auth: { methods: ["jwt"] } }), async (req, res) => {
      const { jti, exp } = req.bulwark.principal!.claims as { jti: string; exp: number };
      await revokeToken(jti, exp);
      res.status(204).end();
    });
    app.use(...errors());
    const server = await serveOnLoopback(app);
    try {
      const tokens = await Promise.all(["t1", "t2", "t3"].map((jti) => sign(secret, "HS256", { ...claimsAt(nowSeconds()), jti })));
      for (const token of tokens.slice(0, 2)) await request(server.url).post("/logout").set("authorization", `Bearer ${token}`).expect(204);
      const refused = await request(server.url).post("/logout").set("authorization", `Bearer ${tokens[2]}`);
      expect(refused.status).toBe(500);
      expect(refused.text).not.toMatch(/maxDurableKeys/);
      expect(failures).toHaveLength(1);
      expect(String(failures[0])).toMatch(/RangeError: memoryStore: all 2 places for durable entries/);
      for (const token of tokens.slice(0, 2)) {
        expect((await request(server.url).get("/me").set("authorization", `Bearer ${token}`)).body.code).toBe("AUTH_TOKEN_REVOKED");
      }
    } finally {
      await server.close();
    }
  });
});

describe("revokeToken accepts every jti a token can carry (regression: an empty or long jti could not be revoked)", () => {
  it("revokes tokens whose jti is empty or 5,000 characters long", async () => {
    const { app, guard } = authApp({ authenticate: [jwt({ ...options, algorithms: ["HS256"] })], store: memoryStore() });
    const server = await serveOnLoopback(app);
    try {
      const exp = nowSeconds() + 3600;
      for (const jti of ["", "j".repeat(5_000)]) {
        const token = await sign(secret, "HS256", { ...claimsAt(nowSeconds()), jti, exp });
        expect((await request(server.url).get("/me").set("authorization", `Bearer ${token}`)).status).toBe(200);
        await (guard.revokeToken as RevokeToken)(jti, exp);
        const response = await request(server.url).get("/me").set("authorization", `Bearer ${token}`);
        expect([jti.length, response.status, response.body.code]).toEqual([jti.length, 401, "AUTH_TOKEN_REVOKED"]);
      }
    } finally {
      await server.close();
    }
  });

  it("any string jti, once revoked, is revoked; other jtis are not", async () => {
    const jtis = fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.string({ minLength: 1_000, maxLength: 3_000 }));
    await fc.assert(
      fc.asyncProperty(jtis, fc.string({ unit: "binary", maxLength: 40 }), async (jti, other) => {
        fc.pre(revocationKey(jti) !== revocationKey(other));
        const store = memoryStore();
        await tokenRevoker(store, Date.now)(jti, nowSeconds() + 60);
        expect(await isJtiRevoked(store, jti)).toBe(true);
        expect(await isJtiRevoked(store, other)).toBe(false);
      }),
    );
  });
});
