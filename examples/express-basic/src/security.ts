/**
 * The app's Bulwark instance: who may call (JWTs from the identity provider), the role model,
 * limits and events. Built once per app, at startup: a mistake here stops the app from starting.
 */
import { bulwark, jwt, type BulwarkExpress, type SecurityEventListener } from "@bulwark/express";
import { AUDIENCE, ISSUER, JWKS } from "./dev-identity.js";

/** What an app may change in its Bulwark instance. */
export interface SecurityOptions {
  /** Receives the security events instead of the console log (a test, your logger). */
  readonly onEvent?: SecurityEventListener;
}

/** The default event sink: one console line per event, successful logins left out. */
export const logEvent: SecurityEventListener = (event) => {
  if (event.type !== "auth.succeeded") console.warn(`[security] ${event.type} ${event.code ?? ""} ${event.method} ${event.route} ${event.principalId ?? "-"}`);
};

/**
 * Builds the app's Bulwark instance. Each call has its own store, so rate limits and
 * enumeration counts belong to one app.
 */
export function createSecurity(options: SecurityOptions = {}): BulwarkExpress {
  return bulwark({
    authenticate: [jwt({ issuer: ISSUER, audience: AUDIENCE, algorithms: ["ES256"], jwks: JWKS })],
    rbac: {
      roles: {
        user: { can: ["notes:read", "notes:write"] },
        admin: { inherits: ["user"], can: ["notes:*"] },
      },
    },
    rateLimit: { points: 300, duration: 60 },
    onEvent: options.onEvent ?? logEvent,
  });
}
