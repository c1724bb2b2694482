import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import express from "express";
import request from "supertest";
import { bulwark, type BulwarkOptions, type RoutePolicy, type SecurityEvent } from "@bulwark/express";
import { ConfigError } from "../errors/security-error.js";
import { CREDENTIAL_HEADER, headerAuthenticator } from "./test-support/header-authenticator.js";
import { RATE_LIMIT_SCENARIOS, type HeaderExpectation } from "./test-support/scenarios.js";

function appWith(config: BulwarkOptions, routes: Record<string, RoutePolicy>) {
  const events: SecurityEvent[] = [];
  const security = bulwark({ ...config, onEvent: (event) => void events.push(event) });
  const app = express();
  app.use(security.secure());
  for (const [path, policy] of Object.entries(routes)) {
    app.get(path, security.secure(policy), (_req, res) => void res.json({ ok: true }));
  }
  app.use(security.errors());
  return { app, events, security };
}

function expectHeader(actual: string | undefined, expected: HeaderExpectation, name: string): void {
  if (expected === false) expect({ name, value: actual }).toEqual({ name, value: undefined });
  else if (expected === true) expect({ name, present: actual !== undefined }).toEqual({ name, present: true });
  else if (expected instanceof RegExp) expect({ name, value: actual }).toEqual({ name, value: expect.stringMatching(expected) });
  else expect({ name, value: actual }).toEqual({ name, value: expected });
}

describe("rate-limit scenarios on Express", () => {
  for (const scenario of RATE_LIMIT_SCENARIOS) {
    it(scenario.name, async () => {
      const { app, events } = appWith(scenario.config, { "/limited": scenario.policy });
      for (const [i, step] of scenario.requests.entries()) {
        let call = request(app).get("/limited");
        for (const [name, value] of Object.entries(step.headers ?? {})) call = call.set(name, value);
        const response = await call;
        expect({ request: i, status: response.status }).toEqual({ request: i, status: step.status });
        if (step.code !== undefined) expect(response.body.code).toBe(step.code);
        for (const [name, expected] of Object.entries(step.headersExpected ?? {})) expectHeader(response.headers[name], expected, name);
      }
      const refusals = scenario.requests.filter((r) => r.status === 429).length;
      expect(events.filter((e) => e.type === "ratelimit.exceeded")).toHaveLength(refusals);
    });
  }
});

describe("rate-limit answers", () => {
  it("refuses with a problem naming the violated policy, and an event without secrets", async () => {
    const { app, events } = appWith(
      { rateLimit: { points: 1, duration: 60, name: "per-minute" }, authenticate: [headerAuthenticator({ alice: "s3cret" })] },
      { "/limited": { public: true } },
    );
    await request(app).get("/limited").set(CREDENTIAL_HEADER, "alice:s3cret").expect(200);
    const refused = await request(app).get("/limited").set(CREDENTIAL_HEADER, "alice:s3cret").expect(429);
    expect(refused.body).toMatchObject({ status: 429, code: "RATE_LIMITED", title: "Too Many Requests", "violated-policies": ["per-minute"] });
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    const event = events.find((e) => e.type === "ratelimit.exceeded");
    expect(event).toMatchObject({ code: "RATE_LIMITED", route: "/limited", ip: "127.0.0.1" });
    expect(JSON.stringify(events)).not.toContain("s3cret");
  });

  it("counts route limits by API key, route, a combination, or a function", async () => {
    const { app } = appWith(
      { authenticate: [headerAuthenticator({ k1: "one", k2: "two" }, "apiKey")] },
      {
        "/by-key": { rateLimit: { points: 1, duration: 60, by: "apiKey" } },
        "/by-route/:id": { rateLimit: { points: 2, duration: 60, by: "route" } },
        "/by-both": { rateLimit: { points: 1, duration: 60, by: ["apiKey", "route"] } },
        "/by-tenant": { rateLimit: { points: 1, duration: 60, by: (req) => String(req.headers["x-tenant"] ?? "none") } },
        "/skip": { rateLimit: { points: 1, duration: 60, by: () => undefined } },
      },
    );
    const as = (id: string, secret: string, path: string) => request(app).get(path).set(CREDENTIAL_HEADER, `${id}:${secret}`);
    await as("k1", "one", "/by-key").expect(200);
    await as("k1", "one", "/by-key").expect(429);
    await as("k2", "two", "/by-key").expect(200);
    // by route: one budget for every caller and every id of the route template
    await as("k1", "one", "/by-route/1").expect(200);
    await as("k2", "two", "/by-route/2").expect(200);
    await as("k1", "one", "/by-route/3").expect(429);
    await as("k1", "one", "/by-both").expect(200);
    await as("k1", "one", "/by-both").expect(429);
    await as("k2", "two", "/by-both").expect(200);
    await as("k1", "one", "/by-tenant").set("x-tenant", "a").expect(200);
    await as("k2", "two", "/by-tenant").set("x-tenant", "a").expect(429);
    await as("k2", "two", "/by-tenant").set("x-tenant", "b").expect(200);
    for (let i = 0; i < 3; i++) {
      const skipped = await as("k1", "one", "/skip").expect(200);
      expect(skipped.headers["ratelimit"]).toBeUndefined();
    }
  });

  it("counts anonymous callers of a by-principal route by IP", async () => {
    const { app } = appWith(
      { authenticate: [headerAuthenticator({ alice: "a" })] },
      { "/open": { auth: "optional", rateLimit: { points: 1, duration: 60, by: "principal" } } },
    );
    await request(app).get("/open").expect(200);
    await request(app).get("/open").expect(429);
    await request(app).get("/open").set(CREDENTIAL_HEADER, "alice:a").expect(200);
  });

  it("shares one budget between routes whose limits have the same name", async () => {
    const shared = { points: 2, duration: 60, name: "writes" } as const;
    const { app } = appWith({}, { "/a": { public: true, rateLimit: shared }, "/b": { public: true, rateLimit: shared } });
    await request(app).get("/a").expect(200);
    await request(app).get("/b").expect(200);
    await request(app).get("/a").expect(429);
  });

  it("blocks a key for blockDuration once it exceeds the limit", async () => {
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "hrtime", "performance"] });
    try {
      const { app } = appWith({ rateLimit: { points: 1, duration: 1, blockDuration: 30 } }, { "/limited": { public: true } });
      await request(app).get("/limited").expect(200);
      const blocked = await request(app).get("/limited").expect(429);
      expect(blocked.headers["retry-after"]).toBe("30");
      jest.setSystemTime(Date.now() + 2_000);
      await request(app).get("/limited").expect(429);
      jest.setSystemTime(Date.now() + 29_000);
      await request(app).get("/limited").expect(200);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe("proxy settings", () => {
  // Observes the warnings Bulwark emits (they still print).
  let emitted: { mock: { calls: unknown[][] }; mockRestore(): void };
  const warnings = (): (string | undefined)[] => emitted.mock.calls.map((args) => (args[1] as { code?: string } | undefined)?.code);
  beforeEach(() => {
    emitted = jest.spyOn(process, "emitWarning");
  });
  afterEach(() => {
    emitted.mockRestore();
  });

  it("warns once when forwarding headers arrive while trustProxy is off", async () => {
    const { app } = appWith({}, { "/x": { public: true } });
    await request(app).get("/x").expect(200);
    expect(warnings()).not.toContain("BULWARK_PROXY_WITHOUT_TRUST");
    await request(app).get("/x").set("x-forwarded-for", "198.51.100.7").expect(200);
    await request(app).get("/x").set("forwarded", "for=198.51.100.8").expect(200);
    expect(warnings().filter((w) => w === "BULWARK_PROXY_WITHOUT_TRUST")).toHaveLength(1);
  });

  it("warns at startup about risky rate-limit settings", () => {
    bulwark({ trustProxy: ["0.0.0.0/0"], rateLimiting: { onStoreError: "open", instances: 3 } });
    expect(warnings()).toEqual(expect.arrayContaining(["BULWARK_TRUST_ALL_PROXIES", "BULWARK_RATE_LIMIT_FAIL_OPEN", "BULWARK_RATE_LIMIT_MEMORY_STORE"]));
  });
});

describe("rate-limit configuration", () => {
  function problemsOf(config: BulwarkOptions, policy?: RoutePolicy): readonly string[] {
    try {
      const security = bulwark(config);
      if (policy !== undefined) security.secure(policy);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  }

  it("lists every problem of the global limit at once, with what to write instead", () => {
    const problems = problemsOf({ rateLimit: [{ points: 0, duraton: 60 } as never, { points: 5, duration: 1, by: "principal", cost: 9 }] });
    expect(problems.join("\n")).toMatch(/rateLimit\[0\]\.points must be at least 1/);
    expect(problems.join("\n")).toMatch(/duraton is not a known option\. Did you mean `duration`\?/);
    expect(problems.join("\n")).toMatch(/rateLimit\[0\]\.duration is required/);
    expect(problems.join("\n")).toMatch(/can count only by "ip".*route policy/);
    expect(problems.join("\n")).toMatch(/cost \(9\) is more than the limit allows/);
  });

  it("refuses settings of rateLimiting, bruteForce and throttle of the wrong shape", () => {
    const problems = problemsOf({
      rateLimiting: { onStoreError: "opne" as never, ipv6Prefix: 129, maxKeys: 0, legacyHeaders: true as never },
      bruteForce: { freeRetries: 0, perIp: { points: 1 } as never },
      throttle: { eventLoopDelay: true as never, intreval: 5 } as never,
    }).join("\n");
    expect(problems).toMatch(/onStoreError must be one of "closed", "open".*Did you mean "open"\?/);
    expect(problems).toMatch(/ipv6Prefix must be at most 128/);
    expect(problems).toMatch(/maxKeys must be at least 1/);
    expect(problems).toMatch(/legacyHeaders must be "draft-6" or "x-ratelimit", or false/);
    expect(problems).toMatch(/freeRetries must be at least 1/);
    expect(problems).toMatch(/throttle\.eventLoopDelay must be \{ tighten, shed \} in milliseconds, or false/);
    expect(problems).toMatch(/intreval is not a known option\. Did you mean `interval`\?/);
  });

  it("refuses settings of rateLimiting, bruteForce and throttle that cannot work", () => {
    const problems = problemsOf({
      bruteForce: { blockDuration: 600, maxBlockDuration: 60 },
      throttle: { factor: 2, eventLoopDelay: { tighten: 200, shed: 100 }, heapUsed: { tighten: 80, shed: 90 }, priority: { ips: ["nope"] } },
    }).join("\n");
    expect(problems).toMatch(/maxBlockDuration \(60\) is shorter/);
    expect(problems).toMatch(/throttle\.factor must be between 0 and 1/);
    expect(problems).toMatch(/eventLoopDelay\.shed must not be below/);
    expect(problems).toMatch(/heapUsed thresholds are fractions/);
    expect(problems).toMatch(/throttle\.priority\.ips entry "nope"/);
  });

  it("checks route limits when the route is declared", () => {
    expect(problemsOf({}, { public: true, rateLimit: { points: 1, duration: 1, by: "nobody" as never } }).join("\n")).toMatch(/policy\.rateLimit\.by must be one of/);
    expect(problemsOf({}, { public: true, rateLimit: { points: 1, duration: 1, name: "has space" } }).join("\n")).toMatch(/name may hold only/);
    expect(problemsOf({}, { public: true, rateLimit: [] }).join("\n")).toMatch(/at least one limit/);
    const security = bulwark({});
    security.secure({ public: true, rateLimit: { points: 1, duration: 1, name: "x" } });
    expect(() => security.secure({ public: true, rateLimit: { points: 2, duration: 1, name: "x" } })).toThrow(/named "x" with different numbers/);
  });

  it("never mutates the caller's options", () => {
    const options = { rateLimit: [{ points: 2, duration: 60 }], rateLimiting: { maxKeys: 10 }, throttle: false as const };
    const copy = JSON.parse(JSON.stringify(options));
    bulwark(Object.freeze(options) as BulwarkOptions);
    expect(options).toEqual(copy);
  });
});
