/**
 * Several authenticators in order, and the route's say over them: required by default, optional,
 * or restricted to some methods; a present but invalid credential refused even where
 * authentication is optional.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import request from "supertest";
import type { SecurityEvent } from "../events/security-event.js";
import { apiKey } from "./api-key.js";
import { createApiKey } from "./create-api-key.js";
import { jwt } from "./jwt.js";
import { authApp } from "./testing/auth-app.js";
import { claimsAt, nowSeconds, sign } from "./testing/tokens.js";

const secret = randomBytes(32);
const service = createApiKey({ prefix: "bwk", principalId: "svc-reports", scopes: ["reports:read"] });
const events: SecurityEvent[] = [];
const { app } = authApp({
  authenticate: [
    jwt({ issuer: "https://id.example.com/", audience: "orders-api", algorithms: ["HS256"], secret }),
    apiKey({ prefix: "bwk", lookup: (id) => (id === service.record.id ? service.record : undefined) }),
  ],
  onEvent: (event) => { events.push(event); },
}, [
  { path: "/me", policy: {} },
  { path: "/optional", policy: { auth: "optional" } },
  { path: "/public", policy: { public: true } },
  { path: "/machines", policy: { auth: { methods: ["apiKey"] } } },
]);

const bearer = async () => `Bearer ${await sign(secret, "HS256", claimsAt(nowSeconds()))}`;

describe("several authenticators", () => {
  it("tries them in order: a JWT or an API key each authenticates", async () => {
    expect((await request(app).get("/me").set("authorization", await bearer())).body.authMethod).toBe("jwt");
    expect((await request(app).get("/me").set("x-api-key", service.key)).body).toMatchObject({ authMethod: "apiKey", id: "svc-reports" });
    expect((await request(app).get("/me").set("authorization", await bearer()).set("x-api-key", service.key)).body.authMethod).toBe("jwt");
  });

  it("a route requires authentication by default and offers every challenge", async () => {
    const response = await request(app).get("/me");
    expect(response.status).toBe(401);
    expect(response.body.code).toBe("AUTH_REQUIRED");
    expect(response.headers["www-authenticate"]).toBe('Bearer, ApiKey header="x-api-key"');
  });

  it("an optional route lets anonymous requests through but refuses invalid credentials", async () => {
    expect((await request(app).get("/optional")).body).toEqual({ anonymous: true });
    expect((await request(app).get("/optional").set("authorization", "Bearer a.b.c")).status).toBe(401);
    expect((await request(app).get("/optional").set("x-api-key", "bwk_nope")).status).toBe(401);
    expect((await request(app).get("/public").set("authorization", "Bearer a.b.c")).status).toBe(401);
    expect((await request(app).get("/public")).status).toBe(200);
  });

  it("a route may accept only some methods", async () => {
    expect((await request(app).get("/machines").set("x-api-key", service.key)).status).toBe(200);
    const response = await request(app).get("/machines").set("authorization", await bearer());
    expect(response.status).toBe(401);
    expect(response.body.code).toBe("AUTH_METHOD_NOT_ALLOWED");
  });

  it("each success and failure is an event with the method or the reason code", async () => {
    events.length = 0;
    await request(app).get("/me").set("x-api-key", service.key);
    await request(app).get("/me").set("authorization", "Bearer a.b.c");
    await request(app).get("/me").set("x-api-key", `${service.key.slice(0, -1)}0`);
    expect(events.map((e) => [e.type, e.code ?? e.detail?.method])).toEqual([
      ["auth.succeeded", "apiKey"],
      ["auth.failed", "AUTH_TOKEN_INVALID"],
      ["auth.failed", "AUTH_API_KEY_INVALID"],
    ]);
  });
});
