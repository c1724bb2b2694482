/**
 * The app's Bulwark instance: who may call (JWTs from the identity provider), the role model,
 * limits and events. Built once, at startup: a mistake here stops the app from starting.
 */
import { bulwark, jwt } from "@bulwark/express";
import { AUDIENCE, ISSUER, JWKS } from "./dev-identity.js";

export const { secure, errors } = bulwark({
  authenticate: [jwt({ issuer: ISSUER, audience: AUDIENCE, algorithms: ["ES256"], jwks: JWKS })],
  rbac: {
    roles: {
      user: { can: ["notes:read", "notes:write"] },
      admin: { inherits: ["user"], can: ["notes:*"] },
    },
  },
  rateLimit: { points: 300, duration: 60 },
  onEvent: (event) => {
    if (event.type !== "auth.succeeded") console.warn(`[security] ${event.type} ${event.code ?? ""} ${event.method} ${event.route} ${event.principalId ?? "-"}`);
  },
});
