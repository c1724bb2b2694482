/**
 * The app the authentication scenarios run against: `jwt()` over a local JWK set and `apiKey()`,
 * with routes that require, make optional or restrict authentication, check a scope, and demand a
 * step-up. Tokens are built here synchronously so that the scenario list exists when tests are
 * declared; Bulwark verifies them with jose like any other.
 */
import { createHmac, generateKeyPairSync, sign } from "node:crypto";
import { apiKey, createApiKey, jwt, type SecurityEvent } from "@bulwark/core";
import type { NeutralApp } from "./harness/neutral-app.js";

const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const KID = "conformance-1";
/** The issuer and audience the app expects. */
export const ISSUER = "https://id.example.com/";
export const AUDIENCE = "orders-api";
/** An API key the app knows, granting reports:read. */
export const SERVICE_KEY = createApiKey({ prefix: "conf", principalId: "svc-reports", scopes: ["reports:read"] });

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

/** An ES256 token signed with the app's key; `claims` override the valid defaults. */
export function token(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): string {
  const body = { iss: ISSUER, aud: AUDIENCE, sub: "user-1", iat: now(), exp: now() + 3600, jti: `t-${Math.random()}`, ...claims };
  const signingInput = `${b64({ alg: "ES256", kid: KID, ...header })}.${b64(body)}`;
  return `${signingInput}.${sign("sha256", Buffer.from(signingInput), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
}

/** An HS256 token "signed" with the public key's PEM: the algorithm-confusion attack. */
export function confusedToken(): string {
  const signingInput = `${b64({ alg: "HS256", kid: KID })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: "admin", exp: now() + 3600 })}`;
  const pem = publicKey.export({ format: "pem", type: "spki" });
  return `${signingInput}.${createHmac("sha256", pem).update(signingInput).digest("base64url")}`;
}

/** Builds the app; events are pushed into `events`. */
export function authenticationApp(events: SecurityEvent[]): NeutralApp {
  const principal = ({ bulwark }: { bulwark: { principal?: { id: string; kind: string; authMethod: string; scopes: readonly string[]; claims: Readonly<Record<string, unknown>> } | undefined } }) => ({
    body: bulwark.principal === undefined
      ? { anonymous: true }
      : { id: bulwark.principal.id, kind: bulwark.principal.kind, authMethod: bulwark.principal.authMethod, scopes: bulwark.principal.scopes, isAdmin: bulwark.principal.claims.isAdmin ?? null },
  });
  return {
    options: {
      authenticate: [
        jwt({ issuer: ISSUER, audience: AUDIENCE, algorithms: ["ES256"], jwks: { keys: [{ ...publicKey.export({ format: "jwk" }), kid: KID, alg: "ES256" }] }, claims: { roles: "roles" } }),
        apiKey({ prefix: "conf", lookup: (id) => (id === SERVICE_KEY.record.id ? SERVICE_KEY.record : undefined) }),
      ],
      onEvent: (event) => { events.push(event); },
    },
    routes: [
      { method: "GET", path: "/me", policy: {}, handler: principal },
      { method: "GET", path: "/orders", policy: { scopes: ["orders:read"] }, handler: principal },
      { method: "GET", path: "/optional", policy: { auth: "optional" }, handler: principal },
      { method: "GET", path: "/public", policy: { public: true }, handler: principal },
      { method: "GET", path: "/reports", policy: { auth: { methods: ["apiKey"] }, scopes: ["reports:read"] }, handler: principal },
      { method: "POST", path: "/admin", policy: { roles: ["admin"], stepUp: { acr: "urn:example:mfa", maxAge: 300 } }, handler: () => ({ body: { done: true } }) },
    ],
  };
}
