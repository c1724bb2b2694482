import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { ConfigError, type SecurityEvent } from "@bulwark/core";
import { bulwark as expressBulwark } from "@bulwark/express";
import { bulwark as koaBulwark } from "@bulwark/koa";
import { bulwark as fastifyBulwark } from "@bulwark/fastify";
import Fastify from "fastify";
import { ADAPTERS } from "./harness/adapters.js";
import type { RunningApp } from "./harness/neutral-app.js";
import { runScenario, send } from "./harness/run-scenario.js";
import { foundationApp } from "./foundation-app.js";
import { FOUNDATION_SCENARIOS } from "./foundation.scenarios.js";
import { transportCorpusScenarios } from "./transport-corpus.scenarios.js";

const PROTOTYPE_PROBES = ["x", "y", "bar", "polluted", "status", "json spaces", "parameterLimit", "exposedHeaders", "allowDots", "admin", "test", "hidden", "bad"];

function expectCleanPrototype(): void {
  const probe = {} as Record<string, unknown>;
  for (const name of PROTOTYPE_PROBES) expect(probe[name]).toBeUndefined();
}

describe.each(ADAPTERS)("foundation on %s", (_name, build) => {
  const events: SecurityEvent[] = [];
  let app: RunningApp;

  beforeAll(async () => {
    app = await build(foundationApp(events));
  });
  afterAll(async () => {
    await app.close();
  });

  it.each(FOUNDATION_SCENARIOS.map((s) => [s.name, s] as const))("%s", async (_title, scenario) => {
    await runScenario(app, scenario);
    expectCleanPrototype();
  });

  it.each(transportCorpusScenarios().map((s) => [s.name, s] as const))("%s", async (_title, scenario) => {
    const res = await runScenario(app, scenario);
    if (res.status >= 400 && res.status !== 431) expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expectCleanPrototype();
    // A clean request right after still behaves normally.
    const follow = await send(app, { method: "GET", path: "/public" });
    expect(follow.status).toBe(200);
    expect(follow.text).toBe('{"ok":true}');
  });

  it("emits security events without secrets", async () => {
    events.length = 0;
    await send(app, { method: "GET", path: "/unguarded" });
    await send(app, { method: "GET", path: "/boom" });
    await send(app, { method: "POST", path: "/echo", headers: { "content-type": "text/xml" }, body: "<a/>" });
    const types = events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["route.unguarded", "error.internal", "request.rejected"]));
    const unguarded = events.find((e) => e.type === "route.unguarded")!;
    expect(unguarded).toMatchObject({ method: "GET", code: "ROUTE_UNGUARDED", ip: "127.0.0.1" });
    expect(unguarded.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(events)).not.toContain("sk_live");
  });

  it("never answers 5xx or crashes on random bodies, paths and headers", async () => {
    const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((n) => !["content-length", "transfer-encoding", "host", "connection", "expect", "upgrade"].includes(n));
    const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
        fc.oneof(fc.constantFrom("/echo", "/public", "/query", "/small", "/unguarded"), fc.webPath()),
        fc.webQueryParameters(),
        fc.constantFrom("application/json", "application/x-www-form-urlencoded", "text/plain", "application/merge-patch+json", "application/json; charset=latin1"),
        fc.oneof(fc.json(), fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b))),
        fc.dictionary(headerName, headerValue, { maxKeys: 5 }),
        async (method, path, query, contentType, body, headers) => {
          const safePath = (path.startsWith("/") ? path : `/${path}`) + (query ? `?${query}` : "");
          const res = await send(app, { method, path: safePath, headers: { ...headers, "content-type": contentType }, body });
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
    expectCleanPrototype();
  });
});

describe("configuration errors at startup, on every adapter", () => {
  const bad = { authenticat: [], limits: { bodyBytes: "1mb" } } as never;
  const expectProblems = (error: unknown) => {
    expect(error).toBeInstanceOf(ConfigError);
    const { problems } = error as ConfigError;
    expect(problems.join("\n")).toContain("Did you mean `authenticate`?");
    expect(problems.join("\n")).toContain("limits.bodyBytes must be a number");
  };

  it("express", () => {
    expect.assertions(3);
    try { expressBulwark(bad); } catch (error) { expectProblems(error); }
  });
  it("koa", () => {
    expect.assertions(3);
    try { koaBulwark(bad); } catch (error) { expectProblems(error); }
  });
  it("fastify", async () => {
    expect.assertions(3);
    const app = Fastify();
    try {
      await app.register(fastifyBulwark, bad);
      await app.ready();
    } catch (error) {
      expectProblems(error);
    } finally {
      await app.close();
    }
  });
  it("a route policy with an unknown key fails when the route is declared", () => {
    const { secure } = expressBulwark({});
    expect(() => secure({ publc: true } as never)).toThrow(/policy.publc is not a known option. Did you mean `public`\?/);
  });
});
