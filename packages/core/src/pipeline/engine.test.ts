import { describe, expect, it } from "@jest/globals";
import { ConfigError, SecurityError } from "../errors/security-error.js";
import type { SecurityEvent } from "../events/security-event.js";
import type { SecurityRequest } from "../request/security-request.js";
import { createEngine } from "./engine.js";
import type { Feature } from "./feature.js";
import { FEATURES } from "./features.js";

function request(overrides: Partial<SecurityRequest> = {}): SecurityRequest {
  return {
    method: "GET", url: "/x", path: "/x", route: undefined, headers: {}, rawHeaders: [], params: {}, query: {},
    body: undefined, remoteAddress: "127.0.0.1", encrypted: false, ...overrides,
  };
}

function sink() {
  const headers = new Map<string, string>();
  return { headers, setHeader: (n: string, v: string) => void headers.set(n.toLowerCase(), v), removeHeader: (n: string) => void headers.delete(n.toLowerCase()) };
}

describe("engine", () => {
  it("starts a request with an id and the security headers", () => {
    const engine = createEngine({}, FEATURES);
    const out = sink();
    const state = engine.start(request(), out);
    expect(out.headers.get("x-request-id")).toBe(state.context.requestId);
    expect(out.headers.get("content-security-policy")).toBe("default-src 'none';frame-ancestors 'none'");
  });

  it("denies an unguarded success but lets errors and CORS preflights through", () => {
    const events: SecurityEvent[] = [];
    const engine = createEngine({ onEvent: (e) => void events.push(e) }, FEATURES);
    const state = engine.start(request(), sink());
    expect(engine.unguarded(state, 200)?.status).toBe(403);
    expect(engine.unguarded(state, 404)).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(["route.unguarded"]);
    const preflight = engine.start(request({ method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "PUT" } }), sink());
    expect(engine.unguarded(preflight, 204)).toBeUndefined();
    const plainOptions = engine.start(request({ method: "OPTIONS" }), sink());
    expect(engine.unguarded(plainOptions, 200)?.status).toBe(403);
  });

  it("reports each refusal once: an already reported error emits no second event", () => {
    const events: SecurityEvent[] = [];
    const engine = createEngine({ onEvent: (e) => void events.push(e) }, FEATURES);
    const state = engine.start(request(), sink());
    engine.problem(new SecurityError("NOT_FOUND", { reported: true }), state);
    expect(events).toEqual([]);
    engine.problem(new SecurityError("NOT_FOUND"), state);
    expect(events.map((e) => e.code)).toEqual(["NOT_FOUND"]);
  });

  it("refuses at compile time a policy key no feature handles, rather than ignoring it", () => {
    const engine = createEngine({}, FEATURES.filter((f) => f.name !== "roles, scopes and permissions"));
    expect(() => engine.compile({ public: true, roles: ["admin"] })).toThrow(/policy.roles is not available/);
  });

  it("reports policy problems with hints", () => {
    const engine = createEngine({}, FEATURES);
    expect(() => engine.compile({ publik: true } as never)).toThrow(ConfigError);
    expect(() => engine.compile({})).toThrow(/no authenticator is configured/);
  });

  it("passes every configuration problem of every feature in one error", () => {
    const broken: Feature = { name: "broken", setup: (_env, problems) => { problems.push("broken needs X"); return {}; } };
    expect(() => createEngine({}, [...FEATURES, broken])).toThrow(/broken needs X/);
  });

  it("isolates a failing event listener", () => {
    const engine = createEngine({ onEvent: () => { throw new Error("listener down"); } }, FEATURES);
    const state = engine.start(request(), sink());
    expect(engine.problem(new SecurityError("RATE_LIMITED"), state).status).toBe(429);
  });
});

describe("events and masks", () => {
  it("applies the mask rules to events as well as responses", () => {
    const events: SecurityEvent[] = [];
    const engine = createEngine({ onEvent: (e) => void events.push(e), mask: { email: "email" } }, FEATURES);
    engine.emit("auth.failed", undefined, "AUTH_TOKEN_INVALID", { email: "alice@example.com" });
    expect(JSON.stringify(events)).not.toContain("alice@example.com");
    expect(events[0]?.detail).toHaveProperty("email");
  });
});
