/**
 * The app's Bulwark configuration: who may call (JWTs from the identity provider), the role
 * model, limits and events. The plugin checks it once, at registration: a mistake here stops the
 * app from starting.
 */
import { jwt, type BulwarkFastifyOptions, type SecurityEventListener } from "@bulwark/fastify";
import { AUDIENCE, ISSUER, JWKS } from "./dev-identity.js";

/** What an app may change in its Bulwark configuration. */
export interface SecurityOptions {
  /** Receives the security events instead of the console log (a test, your logger). */
  readonly onEvent?: SecurityEventListener;
}

/** The default event sink: one console line per event, successful logins left out. */
export const logEvent: SecurityEventListener = (event) => {
  if (event.type !== "auth.succeeded") console.warn(`[security] ${event.type} ${event.code ?? ""} ${event.method} ${event.route} ${event.principalId ?? "-"}`);
};

/**
 * The options of `app.register(bulwark, ...)`. Each registration has its own store, so rate
 * limits and enumeration counts belong to one app.
 */
export function securityConfig(options: SecurityOptions = {}): BulwarkFastifyOptions {
  return {
    authenticate: [jwt({ issuer: ISSUER, audience: AUDIENCE, algorithms: ["ES256"], jwks: JWKS })],
    rbac: {
      roles: {
        user: { can: ["notes:read", "notes:write"] },
        admin: { inherits: ["user"], can: ["notes:*"] },
      },
    },
    rateLimit: { points: 300, duration: 60 },
    // A route registered without a policy stops the app at startup instead of answering 403.
    strict: true,
    onEvent: options.onEvent ?? logEvent,
  };
}
