import { randomBytes } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import { SignJWT } from "jose";
import type { Authenticator } from "../auth/authenticator.js";
import { jwt } from "../auth/jwt.js";
import type { Principal } from "../context/principal.js";
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

  it("denies an unguarded success but lets errors and empty CORS preflights through", () => {
    const events: SecurityEvent[] = [];
    const engine = createEngine({ onEvent: (e) => void events.push(e) }, FEATURES);
    const state = engine.start(request(), sink());
    expect(engine.unguarded(state, 200, false)?.status).toBe(403);
    expect(engine.unguarded(state, 404, false)).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(["route.unguarded"]);
    const preflight = engine.start(request({ method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "PUT" } }), sink());
    expect(engine.unguarded(preflight, 204, false)).toBeUndefined();
    expect(engine.unguarded(preflight, 200, true)).toBeUndefined();
    const plainOptions = engine.start(request({ method: "OPTIONS" }), sink());
    expect(engine.unguarded(plainOptions, 200, true)?.status).toBe(403);
  });

  it("refuses a CORS preflight on an unguarded route when its answer carries a payload (regression: preflight headers bypassed deny by default)", () => {
    const engine = createEngine({}, FEATURES);
    const preflight = () => engine.start(request({ method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "GET" } }), sink());
    expect(engine.unguarded(preflight(), 200, false)?.status).toBe(403);
    expect(engine.unguarded(preflight(), 201, false)?.body).toMatchObject({ code: "ROUTE_UNGUARDED" });
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

describe("stacked route policies", () => {
  const user = { id: "u1", name: "Alice", email: "alice@example.com", passwordHash: "$2b$10$x", ssn: "078-05-1120" };
  const run = (engine: ReturnType<typeof createEngine>, policies: Parameters<ReturnType<typeof createEngine>["compile"]>[0][]) => {
    const state = engine.start(request(), sink());
    for (const policy of policies) expect(engine.compile(policy).run(state)).toBeUndefined();
    return { state, sent: engine.respond(state, user) };
  };

  it("keep an earlier policy's response allowlist when a later one has none (regression: the later policy erased it)", () => {
    const engine = createEngine({}, FEATURES);
    expect(run(engine, [{ public: true, response: { fields: ["id", "name", "email"] } }, { public: true }]).sent).toEqual({ id: "u1", name: "Alice", email: "alice@example.com" });
  });

  it("only narrow the output: two allowlists let out the fields both allow", () => {
    const engine = createEngine({}, FEATURES);
    expect(run(engine, [{ public: true, response: { fields: ["id", "name", "email"] } }, { public: true, response: { fields: ["id", "ssn", "email"] } }]).sent).toEqual({ id: "u1", email: "alice@example.com" });
    expect(run(engine, [{ public: true }, { public: true, response: { fields: ["id"] } }]).sent).toEqual({ id: "u1" });
  });

  it("mask after every allowlist, and add nothing for a policy that runs twice", () => {
    const engine = createEngine({ mask: { email: "email" } }, FEATURES);
    const first = engine.compile({ public: true, response: { fields: ["id", "email", "ssn"] } });
    const second = engine.compile({ public: true, response: { fields: ["id", "email"] } });
    const state = engine.start(request(), sink());
    first.run(state);
    const single = state.responseTransforms;
    first.run(state);
    expect(state.responseTransforms).toBe(single);
    second.run(state);
    expect(state.responseTransforms.map((t) => t.stage)).toEqual([...state.responseTransforms.map((t) => t.stage)].sort((a, b) => a - b));
    expect(engine.respond(state, user)).toEqual({ id: "u1", email: "a***@example.com" });
  });

  it("take masks from the global rules only: a route policy's response.mask is refused at startup", () => {
    const engine = createEngine({ mask: { email: "email" } }, FEATURES);
    expect(() => engine.compile({ public: true, response: { fields: ["id"], mask: { ssn: "redact" } } as never })).toThrow(/policy\.response\.mask is not a known option/);
  });

  it("share the compiled list on the usual single-policy path (nothing built per request)", () => {
    const engine = createEngine({}, FEATURES);
    const guard = engine.compile({ public: true, response: { fields: ["id"] } });
    const one = engine.start(request(), sink());
    const two = engine.start(request(), sink());
    guard.run(one);
    guard.run(two);
    expect(one.responseTransforms).toBe(two.responseTransforms);
    expect(engine.start(request(), sink()).responseTransforms).toHaveLength(0);
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

describe("requests that need no wait", () => {
  const secret = randomBytes(32);
  const claims = () => ({ iss: "https://id.example.com/", aud: "orders-api", sub: "user-1", iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 });
  const bearer = async () => `Bearer ${await new SignJWT(claims()).setProtectedHeader({ alg: "HS256" }).sign(secret)}`;

  it("finish at once on a memory store with a cached token, and still count every request", async () => {
    const engine = createEngine({
      authenticate: [jwt({ issuer: "https://id.example.com/", audience: "orders-api", algorithms: ["HS256"], secret })],
      rateLimit: { points: 4, duration: 60 },
    }, FEATURES);
    const guard = engine.compile({ rateLimit: { points: 10, duration: 60, by: "principal" } });
    const authorization = await bearer();
    // The first two sights of the token verify its signature (the second keeps it): that waits.
    for (let i = 0; i < 2; i++) {
      const verifying = engine.global(engine.start(request({ headers: { authorization } }), sink()), { kind: "deferred" });
      expect(verifying).toBeInstanceOf(Promise);
      await verifying;
    }
    for (let i = 0; i < 2; i++) {
      const state = engine.start(request({ headers: { authorization } }), sink());
      expect(engine.global(state, { kind: "deferred" })).toBeUndefined();
      expect(state.context.principal?.id).toBe("user-1");
      expect(guard.run(state)).toBeUndefined();
    }
    // The fifth request is past the IP limit of 4: refused, through the library's promise.
    const fifth = engine.start(request({ headers: { authorization } }), sink());
    await expect(Promise.resolve().then(() => engine.global(fifth, { kind: "deferred" }))).rejects.toMatchObject({ code: "RATE_LIMITED", status: 429 });
  });

  it("throw a refusal decided at once rather than return it", () => {
    const engine = createEngine({ limits: { urlLength: 64 } }, FEATURES);
    const long = "/x?" + "a".repeat(100);
    const state = engine.start(request({ url: long }), sink());
    expect(() => engine.global(state, { kind: "deferred" })).toThrow(expect.objectContaining({ code: "URI_TOO_LONG" }));
  });

  it("authenticate with an authenticator answering at once, by promise or by another thenable; one that throws refuses", async () => {
    const principal = (id: string): Principal => ({ id, kind: "user", roles: [], scopes: [], claims: {}, authMethod: "custom", authTime: undefined, amr: [] });
    const run = (authenticate: Authenticator["authenticate"]) => {
      const engine = createEngine({ authenticate: [{ method: "custom", authenticate }], bruteForce: false }, FEATURES);
      const state = engine.start(request(), sink());
      return Promise.resolve()
        .then(() => engine.global(state, { kind: "deferred" }))
        .then(() => state.context.principal?.id, (error: SecurityError) => error.code);
    };
    expect(await run(() => principal("at-once"))).toBe("at-once");
    expect(await run(async () => principal("promise"))).toBe("promise");
    const thenable = { then: (resolve: (value: Principal) => void) => resolve(principal("thenable")) };
    expect(await run(() => thenable as unknown as Promise<Principal>)).toBe("thenable");
    expect(await run(() => undefined)).toBeUndefined();
    expect(await run(() => {
      throw new SecurityError("AUTH_TOKEN_INVALID");
    })).toBe("AUTH_TOKEN_INVALID");
    expect(await run(() => Promise.reject(new SecurityError("AUTH_TOKEN_EXPIRED")))).toBe("AUTH_TOKEN_EXPIRED");
  });
});
