import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import express from "express";
import request from "supertest";
import { bulwark, type BulwarkOptions, type SecurityEvent } from "@bulwark/express";
import { isSecurityError } from "../errors/security-error.js";
import type { RateLimitApi } from "./rate-limit-options.js";
import { CREDENTIAL_HEADER, headerAuthenticator } from "./test-support/header-authenticator.js";

beforeEach(() => {
  jest.useFakeTimers({
    now: new Date("2030-01-01T00:00:00Z"),
    doNotFake: ["nextTick", "setImmediate", "clearImmediate", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "hrtime", "performance"],
  });
});
afterEach(() => {
  jest.useRealTimers();
});

const advance = (seconds: number) => jest.setSystemTime(Date.now() + seconds * 1000);
const PASSWORDS: Record<string, string> = { alice: "correct horse", bob: "battery staple" };

/** An app with a login route written the way the docs say. */
function loginApp(config: BulwarkOptions = {}) {
  const events: SecurityEvent[] = [];
  const security = bulwark({ ...config, onEvent: (event) => void events.push(event) });
  const api = security as unknown as RateLimitApi;
  const app = express();
  app.use(security.secure());
  app.post("/login", security.secure({ public: true }), async (req, res, next) => {
    try {
      const { user, password } = req.body as { user: string; password: string };
      const key = { account: user, ip: req.bulwark.ip };
      await api.checkLockout(key);
      if (PASSWORDS[user] !== password) {
        const status = await api.recordFailure(key);
        res.status(401).json({ locked: status.locked, retryAfter: status.retryAfter });
        return;
      }
      await api.recordSuccess(key);
      res.json({ ok: true });
    } catch (error) {
      next(error);
    }
  });
  app.use(security.errors());
  return { app, api, events };
}

function login(app: express.Express, user: string, password: string, ip?: string) {
  const call = request(app).post("/login").send({ user, password });
  return ip === undefined ? call : call.set("x-forwarded-for", ip);
}

describe("brute-force lockout of login routes", () => {
  it("locks the (IP, account) pair after freeRetries failures, for longer each time, and a success resets it", async () => {
    const { app, events } = loginApp({ bruteForce: { freeRetries: 3, blockDuration: 60, maxBlockDuration: 200 } });
    for (let i = 1; i <= 2; i++) expect((await login(app, "alice", "guess").expect(401)).body).toEqual({ locked: false, retryAfter: 0 });
    expect((await login(app, "alice", "guess").expect(401)).body).toEqual({ locked: true, retryAfter: 60 });
    const locked = await login(app, "alice", "correct horse").expect(429);
    expect(locked.body).toMatchObject({ code: "AUTH_LOCKED_OUT", status: 429 });
    expect(locked.headers["retry-after"]).toBe("60");
    expect(events.some((e) => e.type === "auth.failed" && e.code === "AUTH_LOCKED_OUT")).toBe(true);
    // Another account from the same IP is not locked by this pair.
    await login(app, "bob", "battery staple").expect(200);

    advance(61);
    for (let i = 1; i <= 2; i++) await login(app, "alice", "guess").expect(401);
    expect((await login(app, "alice", "guess").expect(401)).body).toEqual({ locked: true, retryAfter: 120 });
    advance(121);
    for (let i = 1; i <= 2; i++) await login(app, "alice", "guess").expect(401);
    expect((await login(app, "alice", "guess").expect(401)).body).toEqual({ locked: true, retryAfter: 200 }); // capped
    advance(201);

    await login(app, "alice", "correct horse").expect(200);
    // The success forgot failures and lockouts: three more tries, and the first lockout again.
    for (let i = 1; i <= 2; i++) await login(app, "alice", "guess").expect(401);
    expect((await login(app, "alice", "guess").expect(401)).body).toEqual({ locked: true, retryAfter: 60 });
  });

  it("compares accounts case-insensitively", async () => {
    const { app } = loginApp({ bruteForce: { freeRetries: 2 } });
    await login(app, "Alice", "x").expect(401);
    expect((await login(app, "ALICE ", "x").expect(401)).body.locked).toBe(true);
    await login(app, "alice", "correct horse").expect(429);
  });

  it("locks an IP that fails on many accounts, and an account failed from many IPs", async () => {
    const { app } = loginApp({
      trustProxy: 1,
      bruteForce: { freeRetries: 100, perIp: { points: 5, duration: 3600, blockDuration: 600 }, perAccount: { points: 8, duration: 3600, blockDuration: 300 } },
    });
    for (let i = 0; i < 4; i++) await login(app, `user-${i}`, "x", "198.51.100.1").expect(401);
    expect((await login(app, "user-9", "x", "198.51.100.1").expect(401)).body).toEqual({ locked: true, retryAfter: 600 });
    await login(app, "bob", "battery staple", "198.51.100.1").expect(429);
    await login(app, "bob", "battery staple", "198.51.100.2").expect(200);

    for (let i = 0; i < 7; i++) await login(app, "alice", "x", `203.0.113.${i + 1}`).expect(401);
    expect((await login(app, "alice", "x", "203.0.113.99").expect(401)).body.locked).toBe(true);
    await login(app, "alice", "correct horse", "192.0.2.200").expect(429);
    advance(301);
    await login(app, "alice", "correct horse", "192.0.2.200").expect(200);
  });
});

describe("brute-force lockout under concurrent failures", () => {
  it("locks for blockDuration when the failures that cross the limit arrive together", async () => {
    const { api } = loginApp({ bruteForce: { freeRetries: 100, perIp: { points: 5, duration: 10, blockDuration: 600 }, perAccount: false } });
    const ip = "198.51.100.7";
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => api.recordFailure({ account: `user-${i}`, ip })));
    expect(answers.filter((status) => status.locked).length).toBeGreaterThan(0);
    // Past the counting window, the block (not the window) still holds the IP.
    advance(11);
    await expect(api.checkLockout({ account: "bob", ip })).rejects.toMatchObject({ code: "AUTH_LOCKED_OUT" });
    advance(600);
    await expect(api.checkLockout({ account: "bob", ip })).resolves.toBeUndefined();
  });
});

describe("brute-force counting of failed authentications", () => {
  function apiApp(config: BulwarkOptions = {}) {
    const security = bulwark({ authenticate: [headerAuthenticator({ k1: "one" }, "apiKey")], ...config });
    const app = express();
    app.use(security.secure());
    app.get("/data", security.secure({}), (_req, res) => void res.json({ ok: true }));
    app.use(security.errors());
    return app;
  }

  it("locks out an IP that keeps presenting bad credentials; while locked, even a right one gets 429", async () => {
    const app = apiApp({ bruteForce: { perIp: { points: 3, duration: 3600, blockDuration: 120 } } });
    await request(app).get("/data").set(CREDENTIAL_HEADER, "k1:one").expect(200);
    await request(app).get("/data").set(CREDENTIAL_HEADER, "k1:wrong").expect(401);
    await request(app).get("/data").set(CREDENTIAL_HEADER, "k1:wrong").expect(401);
    const third = await request(app).get("/data").set(CREDENTIAL_HEADER, "k1:wrong").expect(429);
    expect(third.body.code).toBe("AUTH_LOCKED_OUT");
    expect(third.headers["retry-after"]).toBe("120");
    // No oracle: a right guess while locked looks the same as a wrong one.
    const right = await request(app).get("/data").set(CREDENTIAL_HEADER, "k1:one").expect(429);
    expect(right.body.code).toBe("AUTH_LOCKED_OUT");
    // Requests without credentials are not slowed by the lockout check.
    await request(app).get("/data").expect(401);
    advance(121);
    await request(app).get("/data").set(CREDENTIAL_HEADER, "k1:one").expect(200);
  });

  it("can leave authenticators out, or be turned off (then the API says so instead of doing nothing)", async () => {
    const app = apiApp({ bruteForce: { authenticators: false, perIp: { points: 1, duration: 60 } } });
    for (let i = 0; i < 3; i++) await request(app).get("/data").set(CREDENTIAL_HEADER, "k1:wrong").expect(401);
    const off = bulwark({ bruteForce: false }) as unknown as RateLimitApi;
    await expect(off.recordFailure({ account: "a", ip: "192.0.2.1" })).rejects.toThrow(/bruteForce is off/);
  });

  it("checkLockout throws a SecurityError the app's error handler formats", async () => {
    const api = bulwark({ bruteForce: { freeRetries: 1 } }) as unknown as RateLimitApi;
    expect(await api.recordFailure({ account: "carol", ip: "2001:db8:1:2::1" })).toEqual({ locked: true, retryAfter: 60 });
    // Same /64, same pair.
    const thrown = await api.checkLockout({ account: "carol", ip: "2001:db8:1:2::99" }).then(() => undefined, (error: unknown) => error);
    expect(isSecurityError(thrown) && thrown.code).toBe("AUTH_LOCKED_OUT");
    await expect(api.checkLockout({ account: "carol", ip: "2001:db8:1:3::1" })).resolves.toBeUndefined();
  });
});
