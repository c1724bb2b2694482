/**
 * The example, end to end: a real identity provider on 127.0.0.1 publishing its JWKS, the API
 * verifying its tokens, API keys, step-up on the admin route, and logout by revocation.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import request from "supertest";
import { ApiKeyTable } from "./api-keys.js";
import { createApp } from "./app.js";
import { startIdentityProvider, type IdentityProvider } from "./identity-provider.js";

const audience = "orders-api";
let idp: IdentityProvider;
let app: ReturnType<typeof createApp>;
const apiKeys = new ApiKeyTable();
let reportsKey: string;

beforeAll(async () => {
  idp = await startIdentityProvider({ audience });
  reportsKey = apiKeys.issue("reporting-service", ["reports:read"]);
  app = createApp({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience, apiKeys });
});

afterAll(async () => {
  await idp.close();
});

describe("the auth-jwks example", () => {
  it("serves /health to anyone", async () => {
    expect((await request(app).get("/health")).body).toEqual({ ok: true });
  });

  it("asks for credentials, offering both schemes", async () => {
    const response = await request(app).get("/orders");
    expect(response.status).toBe(401);
    expect(response.headers["www-authenticate"]).toBe('Bearer, ApiKey header="x-api-key"');
    expect(response.headers["content-type"]).toContain("application/problem+json");
  });

  it("accepts a token from the identity provider, verified with its published key", async () => {
    const token = await idp.issue({ sub: "alice", scope: "orders:read" });
    const response = await request(app).get("/orders").set("authorization", `Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(response.body.user).toBe("alice");
  });

  it("answers 403 insufficient_scope to a token without orders:read", async () => {
    const token = await idp.issue({ sub: "bob", scope: "profile" });
    const response = await request(app).get("/orders").set("authorization", `Bearer ${token}`);
    expect(response.status).toBe(403);
    expect(response.headers["www-authenticate"]).toBe('Bearer error="insufficient_scope", scope="orders:read"');
  });

  it("accepts the reporting service's API key on /reports only, and refuses it once revoked", async () => {
    expect((await request(app).get("/reports").set("x-api-key", reportsKey)).body.caller).toBe("reporting-service");
    expect((await request(app).get("/orders").set("x-api-key", reportsKey)).body.code).toBe("AUTH_METHOD_NOT_ALLOWED");
    const token = await idp.issue({ sub: "alice", scope: "reports:read" });
    expect((await request(app).get("/reports").set("authorization", `Bearer ${token}`)).body.code).toBe("AUTH_METHOD_NOT_ALLOWED");
    const spare = apiKeys.issue("old-service", ["reports:read"]);
    apiKeys.revoke(spare.split("_")[1]!);
    expect((await request(app).get("/reports").set("x-api-key", spare)).body.code).toBe("AUTH_API_KEY_REVOKED");
  });

  it("asks an admin with a password-only login to step up, then lets the multi-factor login through", async () => {
    const weak = await idp.issue({ sub: "root", roles: ["admin"], acr: "urn:example:pwd", amr: ["pwd"] });
    const refused = await request(app).post("/admin/users/42/disable").set("authorization", `Bearer ${weak}`);
    expect(refused.status).toBe(401);
    expect(refused.headers["www-authenticate"]).toBe('Bearer error="insufficient_user_authentication", error_description="A stronger or more recent authentication is required", acr_values="urn:example:mfa", max_age="300"');
    const stale = await idp.issue({ sub: "root", roles: ["admin"], acr: "urn:example:mfa", authTime: Math.floor(Date.now() / 1000) - 3600 });
    expect((await request(app).post("/admin/users/42/disable").set("authorization", `Bearer ${stale}`)).status).toBe(401);
    const strong = await idp.issue({ sub: "root", roles: ["admin"], acr: "urn:example:mfa", amr: ["pwd", "otp"] });
    const allowed = await request(app).post("/admin/users/42/disable").set("authorization", `Bearer ${strong}`);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toEqual({ disabled: "42" });
    const notAdmin = await idp.issue({ sub: "alice", acr: "urn:example:mfa" });
    expect((await request(app).post("/admin/users/42/disable").set("authorization", `Bearer ${notAdmin}`)).status).toBe(403);
  });

  it("logout revokes the token", async () => {
    const token = await idp.issue({ sub: "alice", scope: "orders:read" });
    expect((await request(app).post("/logout").set("authorization", `Bearer ${token}`)).status).toBe(204);
    const response = await request(app).get("/orders").set("authorization", `Bearer ${token}`);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe("AUTH_TOKEN_REVOKED");
  });

  it("refuses a token in the URL, and a forged one, without echoing it", async () => {
    const token = await idp.issue({ sub: "alice", scope: "orders:read" });
    const inUrl = await request(app).get(`/orders?access_token=${token}`);
    expect(inUrl.status).toBe(400);
    expect(inUrl.text).not.toContain(token);
    const [header, , signature] = token.split(".");
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: "root", roles: ["admin"] })).toString("base64url")}.${signature}`;
    const response = await request(app).get("/orders").set("authorization", `Bearer ${forged}`);
    expect(response.status).toBe(401);
    expect(response.headers["www-authenticate"]).toContain('error="invalid_token"');
  });
});
