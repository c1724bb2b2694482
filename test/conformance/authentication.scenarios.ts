/**
 * Authentication scenarios: the same answers on every adapter for valid and invalid JWTs (RFC 6750
 * challenges), API keys, optional and method-restricted routes, scopes and step-up (RFC 9470).
 */
import { expect } from "@jest/globals";
import { SERVICE_KEY, confusedToken, token } from "./authentication-app.js";
import type { Scenario } from "./harness/scenario.js";

const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
const INVALID_TOKEN = /^Bearer error="invalid_token", error_description="[^"]+"$/;
const STEP_UP = 'Bearer error="insufficient_user_authentication", error_description="A stronger or more recent authentication is required", acr_values="urn:example:mfa", max_age="300"';
const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${token().split(".")[1]}.`;

/** The scenarios (tokens are fresh each time the list is built). */
export function authenticationScenarios(): readonly Scenario[] {
  const now = Math.floor(Date.now() / 1000);
  const valid = token({ scope: "orders:read" });
  return [
    {
      name: "a valid JWT authenticates and maps the principal",
      request: { method: "GET", path: "/orders", headers: bearer(valid) },
      expect: { status: 200, headers: { "cache-control": "no-store" }, body: (b) => expect(b).toEqual({ id: "user-1", kind: "user", authMethod: "jwt", scopes: ["orders:read"], isAdmin: null }) },
    },
    {
      name: "no credentials on a protected route: 401 with every challenge",
      request: { method: "GET", path: "/me" },
      expect: { status: 401, code: "AUTH_REQUIRED", headers: { "www-authenticate": 'Bearer, ApiKey header="x-api-key"' } },
    },
    {
      name: "an expired token: 401 invalid_token AUTH_TOKEN_EXPIRED, without the token",
      request: { method: "GET", path: "/me", headers: bearer(token({ exp: now - 3600 })) },
      expect: { status: 401, code: "AUTH_TOKEN_EXPIRED", headers: { "www-authenticate": INVALID_TOKEN }, bodyExcludes: ["eyJ"] },
    },
    {
      name: "alg none: 401 AUTH_ALGORITHM_NOT_ALLOWED",
      request: { method: "GET", path: "/me", headers: bearer(`${unsigned}c2ln`) },
      expect: { status: 401, code: "AUTH_ALGORITHM_NOT_ALLOWED", headers: { "www-authenticate": INVALID_TOKEN } },
    },
    {
      name: "HS256 signed with the public key: 401",
      request: { method: "GET", path: "/me", headers: bearer(confusedToken()) },
      expect: { status: 401, code: "AUTH_ALGORITHM_NOT_ALLOWED", headers: { "www-authenticate": INVALID_TOKEN } },
    },
    {
      name: "a wrong audience: 401 AUTH_WRONG_AUDIENCE",
      request: { method: "GET", path: "/me", headers: bearer(token({ aud: "billing-api" })) },
      expect: { status: 401, code: "AUTH_WRONG_AUDIENCE", headers: { "www-authenticate": INVALID_TOKEN } },
    },
    {
      name: "an unknown kid: 401 AUTH_KEY_NOT_FOUND",
      request: { method: "GET", path: "/me", headers: bearer(token({}, { kid: "../../dev/null" })) },
      expect: { status: 401, code: "AUTH_KEY_NOT_FOUND" },
    },
    {
      name: "a tampered payload: 401 AUTH_TOKEN_INVALID",
      request: { method: "GET", path: "/me", headers: bearer(valid.replace(/\.[^.]+\./, `.${Buffer.from('{"sub":"admin"}').toString("base64url")}.`)) },
      expect: { status: 401, code: "AUTH_TOKEN_INVALID", headers: { "www-authenticate": INVALID_TOKEN } },
    },
    {
      name: "a token in the query string: 400 invalid_request",
      request: { method: "GET", path: `/me?access_token=${valid}`, headers: bearer(valid) },
      expect: { status: 400, code: "AUTH_INVALID_REQUEST", headers: { "www-authenticate": /^Bearer error="invalid_request"/ }, bodyExcludes: [valid] },
    },
    {
      name: "a 10 KB token: 401 AUTH_TOKEN_TOO_LARGE",
      request: { method: "GET", path: "/me", headers: bearer(token({ pad: "A".repeat(10 * 1024) })) },
      expect: { status: 401, code: "AUTH_TOKEN_TOO_LARGE" },
    },
    {
      name: "a __proto__ claim is a plain value",
      request: { method: "GET", path: "/me", headers: bearer(token({ ["__proto__"]: { isAdmin: true } })) },
      expect: { status: 200, body: (b) => expect((b as { isAdmin: unknown }).isAdmin).toBeNull() },
    },
    {
      name: "a missing scope: 403 insufficient_scope naming it",
      request: { method: "GET", path: "/orders", headers: bearer(token({ scope: "profile" })) },
      expect: { status: 403, code: "AUTHZ_INSUFFICIENT_SCOPE", headers: { "www-authenticate": 'Bearer error="insufficient_scope", scope="orders:read"' } },
    },
    {
      name: "an optional route lets an anonymous request through",
      request: { method: "GET", path: "/optional" },
      expect: { status: 200, body: (b) => expect(b).toEqual({ anonymous: true }) },
    },
    {
      name: "an optional route still refuses an invalid token",
      request: { method: "GET", path: "/optional", headers: bearer("a.b.c") },
      expect: { status: 401, code: "AUTH_TOKEN_INVALID" },
    },
    {
      name: "a public route still refuses an invalid API key",
      request: { method: "GET", path: "/public", headers: { "x-api-key": "conf_nope" } },
      expect: { status: 401, code: "AUTH_API_KEY_INVALID", headers: { "www-authenticate": 'ApiKey header="x-api-key"' } },
    },
    {
      name: "an API key authenticates a service",
      request: { method: "GET", path: "/reports", headers: { "x-api-key": SERVICE_KEY.key } },
      expect: { status: 200, body: (b) => expect(b).toMatchObject({ id: "svc-reports", kind: "apiKey", authMethod: "apiKey", scopes: ["reports:read"] }) },
    },
    {
      name: "an API key in the query string: 400",
      request: { method: "GET", path: `/reports?api_key=${SERVICE_KEY.key}` },
      expect: { status: 400, code: "AUTH_INVALID_REQUEST", bodyExcludes: [SERVICE_KEY.key] },
    },
    {
      name: "a JWT on an API-key-only route: 401 AUTH_METHOD_NOT_ALLOWED",
      request: { method: "GET", path: "/reports", headers: bearer(token({ scope: "reports:read" })) },
      expect: { status: 401, code: "AUTH_METHOD_NOT_ALLOWED" },
    },
    {
      name: "an admin with a password-only login must step up",
      request: { method: "POST", path: "/admin", headers: bearer(token({ roles: ["admin"], acr: "urn:example:pwd", auth_time: now })) },
      expect: { status: 401, code: "AUTH_STEP_UP_REQUIRED", headers: { "www-authenticate": STEP_UP } },
    },
    {
      name: "an admin whose multi-factor login is too old must step up",
      request: { method: "POST", path: "/admin", headers: bearer(token({ roles: ["admin"], acr: "urn:example:mfa", auth_time: now - 3600 })) },
      expect: { status: 401, code: "AUTH_STEP_UP_REQUIRED", headers: { "www-authenticate": STEP_UP } },
    },
    {
      name: "an admin with a recent multi-factor login passes",
      request: { method: "POST", path: "/admin", headers: bearer(token({ roles: ["admin"], acr: "urn:example:mfa", auth_time: now })) },
      expect: { status: 200, body: (b) => expect(b).toEqual({ done: true }) },
    },
  ];
}
