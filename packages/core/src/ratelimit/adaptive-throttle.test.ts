import { afterEach, describe, expect, it } from "@jest/globals";
import express from "express";
import request from "supertest";
import { bulwark, type BulwarkOptions, type SecurityEvent } from "@bulwark/express";
import type { RateLimitApi, ThrottleLevel } from "./rate-limit-options.js";
import { CREDENTIAL_HEADER, headerAuthenticator } from "./test-support/header-authenticator.js";

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

function throttledApp(config: BulwarkOptions) {
  const events: SecurityEvent[] = [];
  const waiters: { level: ThrottleLevel; resolve: () => void }[] = [];
  const security = bulwark({
    ...config,
    onEvent(event) {
      events.push(event);
      if (event.type !== "throttle.changed") return;
      for (const waiter of waiters.splice(0)) {
        if (waiter.level === event.code) waiter.resolve();
        else waiters.push(waiter);
      }
    },
  });
  const api = security as unknown as RateLimitApi;
  closers.push(() => api.close());
  const app = express();
  app.use(security.secure());
  app.get("/work", security.secure({ public: true }), (_req, res) => void res.json({ ok: true }));
  if (config.authenticate) app.get("/private", security.secure({}), (_req, res) => void res.json({ ok: true }));
  app.use(security.errors());
  /** Resolves when the level becomes `level` (at once if it is already). */
  const reached = (level: ThrottleLevel) =>
    api.throttleLevel() === level ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ level, resolve }));
  return { app, api, events, reached };
}

function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // An induced stall: the event loop cannot turn.
  }
}

describe("adaptive throttling", () => {
  it("is off by default", () => {
    const api = bulwark({}) as unknown as RateLimitApi;
    expect(api.throttleLevel()).toBe("normal");
    api.close();
  });

  it("sheds non-priority requests under an induced event-loop stall, serves priority ones, and recovers", async () => {
    const { app, events, reached } = throttledApp({
      throttle: {
        interval: 50,
        eventLoopDelay: { tighten: 90, shed: 120 },
        heapUsed: false,
        retryAfter: 7,
        priority: { when: (req) => req.headers["x-priority"] === "internal" },
      },
    });
    await request(app).get("/work").expect(200);
    const stall = setInterval(() => busy(200), 210);
    try {
      await reached("shed");
      const shed = await request(app).get("/work").expect(503);
      expect(shed.body).toMatchObject({ code: "SERVICE_OVERLOADED", status: 503 });
      expect(shed.headers["retry-after"]).toBe("7");
      await request(app).get("/work").set("x-priority", "internal").expect(200);
    } finally {
      clearInterval(stall);
    }
    await reached("normal");
    await request(app).get("/work").expect(200);
    const changes = events.filter((e) => e.type === "throttle.changed");
    expect(changes.some((e) => e.code === "shed" && (e.detail?.eventLoopDelayMs as number) >= 120)).toBe(true);
    expect(changes.at(-1)).toMatchObject({ code: "normal", detail: { to: "normal" } });
    expect(events.some((e) => e.type === "ratelimit.exceeded" && e.code === "SERVICE_OVERLOADED")).toBe(true);
  });

  it("sheds before authentication, and serves priority client IPs", async () => {
    let level: ThrottleLevel = "shed";
    const shedding = throttledApp({
      authenticate: [headerAuthenticator({ k: "secret" })],
      throttle: { interval: 20, eventLoopDelay: false, heapUsed: false, signal: () => level },
    });
    await shedding.reached("shed");
    // A bad credential is not even looked at: the answer is 503, not 401.
    const refused = await request(shedding.app).get("/private").set(CREDENTIAL_HEADER, "k:wrong").expect(503);
    expect(refused.body.code).toBe("SERVICE_OVERLOADED");
    expect(shedding.events.some((e) => e.type === "auth.failed")).toBe(false);

    const priority = throttledApp({ throttle: { interval: 20, eventLoopDelay: false, heapUsed: false, signal: () => level, priority: { ips: ["127.0.0.0/8", "::1"] } } });
    await priority.reached("shed");
    await request(priority.app).get("/work").expect(200);
    level = "normal";
    await Promise.all([shedding.reached("normal"), priority.reached("normal")]);
    await request(shedding.app).get("/private").set(CREDENTIAL_HEADER, "k:secret").expect(200);
  });

  it("tightens limits by the factor under pressure, and restores them after", async () => {
    let level: ThrottleLevel = "normal";
    const { app, reached } = throttledApp({
      rateLimit: { points: 10, duration: 60 },
      throttle: { interval: 20, eventLoopDelay: false, heapUsed: false, signal: () => level, factor: 0.5 },
    });
    level = "tight";
    await reached("tight");
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const response = await request(app).get("/work");
      statuses.push(response.status);
      expect(response.headers["ratelimit-policy"]).toBe('"global";q=5;w=60');
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    level = "normal";
    await reached("normal");
    const after = await request(app).get("/work").expect(200);
    expect(after.headers["ratelimit-policy"]).toBe('"global";q=10;w=60');
    expect(after.headers["ratelimit"]).toMatch(/^"global";r=1;/);
  });

  it("counts heap use as pressure", async () => {
    const { reached, events } = throttledApp({ throttle: { interval: 20, eventLoopDelay: false, heapUsed: { tighten: 0.000001, shed: 1 } } });
    await reached("tight");
    expect(events.find((e) => e.type === "throttle.changed")?.detail).toMatchObject({ from: "normal", to: "tight" });
  });

  it("ignores a failing app signal instead of stopping", async () => {
    let calls = 0;
    const { api } = throttledApp({
      throttle: {
        interval: 10,
        eventLoopDelay: false,
        heapUsed: false,
        signal: () => {
          calls++;
          throw new Error("signal broke");
        },
      },
    });
    while (calls < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(api.throttleLevel()).toBe("normal");
  });
});
