/**
 * Step-up authentication (RFC 9470) through a real Express app: `stepUp: { acr, maxAge, amr }`
 * answers 401 `insufficient_user_authentication` with the `acr_values` and `max_age` to obtain.
 */
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import request from "supertest";
import { ConfigError } from "../errors/security-error.js";
import type { SecurityEvent } from "../events/security-event.js";
import type { RoutePolicy } from "../policy/route-policy.js";
import { apiKey } from "./api-key.js";
import { createApiKey } from "./create-api-key.js";
import { jwt } from "./jwt.js";
import { authApp } from "./testing/auth-app.js";
import { claimsAt, sign } from "./testing/tokens.js";

const NOW = 1_900_000_000;
const secret = randomBytes(32);
const admin = createApiKey({ prefix: "bwk", roles: ["admin"] });
const events: SecurityEvent[] = [];

function app(policy: RoutePolicy, clockTolerance?: number) {
  return authApp({
    authenticate: [
      jwt({ issuer: "https://id.example.com/", audience: "orders-api", algorithms: ["HS256"], secret, claims: { roles: "roles" }, ...(clockTolerance === undefined ? {} : { clockTolerance }) }),
      apiKey({ prefix: "bwk", lookup: (id) => (id === admin.record.id ? admin.record : undefined) }),
    ],
    onEvent: (event) => { events.push(event); },
  }, [{ path: "/admin", policy }]).app;
}

const token = (extra: Record<string, unknown>) => sign(secret, "HS256", { ...claimsAt(NOW), roles: ["admin"], ...extra });

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "hrtime", "performance"] });
  jest.setSystemTime(NOW * 1000);
  events.length = 0;
});

afterEach(() => {
  jest.useRealTimers();
});

describe("stepUp", () => {
  const policy: RoutePolicy = { roles: ["admin"], stepUp: { acr: ["urn:example:mfa", "urn:example:hwk"], maxAge: 300, amr: ["otp"] } };
  const challenge = 'Bearer error="insufficient_user_authentication", error_description="A stronger or more recent authentication is required", acr_values="urn:example:mfa urn:example:hwk", max_age="300"';

  it("lets a strong, recent authentication through", async () => {
    const response = await request(app(policy)).get("/admin").set("authorization", `Bearer ${await token({ acr: "urn:example:hwk", amr: ["pwd", "otp"], auth_time: NOW - 299 })}`);
    expect(response.status).toBe(200);
  });

  it.each([
    ["a weaker acr", { acr: "urn:example:pwd", amr: ["otp"], auth_time: NOW }],
    ["no acr", { amr: ["otp"], auth_time: NOW }],
    ["an authentication older than maxAge", { acr: "urn:example:mfa", amr: ["otp"], auth_time: NOW - 301 }],
    ["no auth_time", { acr: "urn:example:mfa", amr: ["otp"] }],
    ["a missing authentication method", { acr: "urn:example:mfa", amr: ["pwd"], auth_time: NOW }],
  ])("answers 401 insufficient_user_authentication for %s", async (_name, claims) => {
    const response = await request(app(policy)).get("/admin").set("authorization", `Bearer ${await token(claims)}`);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe("AUTH_STEP_UP_REQUIRED");
    expect(response.headers["www-authenticate"]).toBe(challenge);
    expect(events.map((e) => [e.type, e.code])).toContainEqual(["auth.failed", "AUTH_STEP_UP_REQUIRED"]);
  });

  it("holds for credentials that cannot step up (an API key) and for anonymous requests on optional routes", async () => {
    expect((await request(app(policy)).get("/admin").set("x-api-key", admin.key)).body.code).toBe("AUTH_STEP_UP_REQUIRED");
    expect((await request(app({ auth: "optional", stepUp: { maxAge: 60 } })).get("/admin")).body.code).toBe("AUTH_STEP_UP_REQUIRED");
  });

  it("a single acr and maxAge alone", async () => {
    const only = app({ stepUp: { acr: "urn:example:mfa" } });
    expect((await request(only).get("/admin").set("authorization", `Bearer ${await token({ acr: "urn:example:mfa" })}`)).status).toBe(200);
    const recent = app({ stepUp: { maxAge: 0 } });
    const stale = await request(recent).get("/admin").set("authorization", `Bearer ${await token({ auth_time: NOW - 1 })}`);
    expect(stale.headers["www-authenticate"]).toBe('Bearer error="insufficient_user_authentication", error_description="A stronger or more recent authentication is required", max_age="0"');
    expect((await request(recent).get("/admin").set("authorization", `Bearer ${await token({ auth_time: NOW })}`)).status).toBe(200);
  });

  it("a policy that cannot work fails when the route is declared", () => {
    const problemsOf = (stepUp: unknown, extra: RoutePolicy = {}) => {
      try {
        app({ ...extra, stepUp } as RoutePolicy);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems.join("\n");
      }
      throw new Error("expected a ConfigError");
    };
    expect(problemsOf({})).toContain("needs at least one of acr, maxAge or amr");
    expect(problemsOf({ maxAge: -1 })).toContain("maxAge must be a whole number of seconds");
    expect(problemsOf({ acr: 'urn:"x" y' })).toContain("policy.stepUp.acr must be an acr value");
    expect(problemsOf({ amr: [] })).toContain("policy.stepUp.amr must be a list");
    expect(problemsOf({ maxAg: 5 })).toContain("policy.stepUp.maxAg is not a known option");
    expect(problemsOf("mfa")).toContain("policy.stepUp must be an object");
    expect(problemsOf({ maxAge: 5 }, { public: true })).toContain("cannot be combined with public: true");
  });
});

describe("regression: stepUp maxAge accepted an auth_time in the future", () => {
  const bearer = async (claims: Record<string, unknown>) => `Bearer ${await token(claims)}`;

  it("refuses a bogus future auth_time, which would have satisfied maxAge for ever", async () => {
    const route = app({ stepUp: { maxAge: 300 } });
    for (const authTime of [NOW + 365 * 86_400, 1e12]) {
      const response = await request(route).get("/admin").set("authorization", await bearer({ auth_time: authTime }));
      expect(response.status).toBe(401);
    }
  });

  it("counts an auth_time ahead of the clock as now within the clock skew jwt() accepts, never beyond", async () => {
    // An identity provider whose clock runs 60 s ahead, accepted by jwt({ clockTolerance: 120 }).
    const skewed = app({ stepUp: { maxAge: 0 } }, 120);
    expect((await request(skewed).get("/admin").set("authorization", await bearer({ auth_time: NOW + 60 }))).status).toBe(200);
    // jwt() with the largest clockTolerance lets auth_time up to NOW + 300 through; no further.
    const route = app({ stepUp: { maxAge: 0 } }, 300);
    expect((await request(route).get("/admin").set("authorization", await bearer({ auth_time: NOW + 300 }))).status).toBe(200);
    const beyond = await request(route).get("/admin").set("authorization", await bearer({ auth_time: NOW + 301 }));
    expect(beyond.status).toBe(401);
  });
});
