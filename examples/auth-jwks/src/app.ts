/**
 * The API: an Express app where Bulwark authenticates every request, with a JWT from the
 * identity provider (keys fetched from its JWKS) or an API key, and where the admin route needs a
 * recent multi-factor authentication (step-up, RFC 9470).
 */
import express from "express";
import { apiKey, bulwark, jwt } from "@bulwark/express";
import { API_KEY_PREFIX, type ApiKeyTable } from "./api-keys.js";

/** Where the tokens come from. */
export interface AppOptions {
  /** The identity provider's issuer URL. */
  readonly issuer: string;
  /** Its JWKS URL (https in production; http is accepted on 127.0.0.1 for development). */
  readonly jwksUri: string;
  /** This API's name in the tokens' `aud`. */
  readonly audience: string;
  /** The API key records. */
  readonly apiKeys: ApiKeyTable;
}

/** Builds the app. */
export function createApp({ issuer, jwksUri, audience, apiKeys }: AppOptions) {
  const guard = bulwark({
    authenticate: [
      jwt({ issuer, audience, algorithms: ["ES256"], jwksUri, typ: "at+jwt" }),
      apiKey({ prefix: API_KEY_PREFIX, header: "x-api-key", lookup: (id) => apiKeys.find(id) }),
    ],
  });
  const { secure, errors } = guard;
  const revokeToken = guard.revokeToken as (jti: string, until: number) => Promise<void>;
  const app = express();
  app.use(secure());

  app.get("/health", secure({ public: true }), (_req, res) => {
    res.json({ ok: true });
  });

  // A user's token with the orders:read scope.
  app.get("/orders", secure({ auth: { methods: ["jwt"] }, scopes: ["orders:read"] }), (req, res) => {
    res.json({ user: req.bulwark.principal?.id, orders: [{ id: "o-1", total: 42 }] });
  });

  // Machines call with an API key that grants reports:read.
  app.get("/reports", secure({ auth: { methods: ["apiKey"] }, scopes: ["reports:read"] }), (req, res) => {
    res.json({ caller: req.bulwark.principal?.id, reports: ["daily"] });
  });

  // Admins only, and only within 5 minutes of a multi-factor login.
  app.post("/admin/users/:id/disable", secure({ roles: ["admin"], stepUp: { acr: "urn:example:mfa", maxAge: 300 } }), (req, res) => {
    res.json({ disabled: req.params.id });
  });

  // Logging out revokes the token on every instance that shares the store.
  app.post("/logout", secure({ auth: { methods: ["jwt"] } }), async (req, res) => {
    const { jti, exp } = req.bulwark.principal!.claims as { jti: string; exp: number };
    await revokeToken(jti, exp);
    res.status(204).end();
  });

  app.use(errors());
  return app;
}
