import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import express from "express";
import request from "supertest";
import { bulwark, type RoutePolicy } from "@bulwark/express";

// Only the clock is fake: sockets and timers stay real, so supertest works while time jumps.
beforeEach(() => {
  jest.useFakeTimers({
    now: new Date("2030-01-01T00:00:00Z"),
    doNotFake: ["nextTick", "setImmediate", "clearImmediate", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "hrtime", "performance"],
  });
});
afterEach(() => {
  jest.useRealTimers();
});

function app(policy: RoutePolicy) {
  const security = bulwark({});
  const server = express();
  server.use(security.secure());
  server.get("/b", security.secure(policy), (_req, res) => void res.json({ ok: true }));
  server.use(security.errors());
  return server;
}

async function admitted(server: express.Express, count: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < count; i++) {
    const response = await request(server).get("/b");
    expect([200, 429]).toContain(response.status);
    if (response.status === 200) ok++;
  }
  return ok;
}

const advance = (ms: number) => jest.setSystemTime(Date.now() + ms);

describe("burst above a sustained rate (fake time)", () => {
  it("admits the burst once, then the sustained rate, and the burst again after its window", async () => {
    const server = app({ public: true, rateLimit: { points: 5, duration: 1, by: "ip", burst: { points: 10, duration: 10 } } });
    expect(await admitted(server, 20)).toBe(15); // 5 sustained + 10 burst
    advance(1_000);
    expect(await admitted(server, 10)).toBe(5); // burst spent: the sustained rate only
    advance(1_000);
    expect(await admitted(server, 10)).toBe(5);
    advance(8_000); // the burst window (10 s from its first use) is over
    expect(await admitted(server, 20)).toBe(15);
  });

  it("a burst given as a number is whole again after ten windows", async () => {
    const server = app({ public: true, rateLimit: { points: 2, duration: 1, burst: 3 } });
    expect(await admitted(server, 10)).toBe(5);
    advance(1_000);
    expect(await admitted(server, 10)).toBe(2);
    advance(9_000);
    expect(await admitted(server, 10)).toBe(5);
  });

  it("without a burst, the sustained rate is all there is", async () => {
    const server = app({ public: true, rateLimit: { points: 3, duration: 1 } });
    expect(await admitted(server, 6)).toBe(3);
    advance(1_000);
    expect(await admitted(server, 6)).toBe(3);
  });

  it("a costly route spends the budget faster, burst included", async () => {
    const server = app({ public: true, rateLimit: { points: 4, duration: 1, burst: { points: 4, duration: 10 }, cost: 2 } });
    expect(await admitted(server, 10)).toBe(4);
    advance(1_000);
    expect(await admitted(server, 10)).toBe(2);
  });
});
