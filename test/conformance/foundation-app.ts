/**
 * The app the foundation scenarios run against: public routes, an echo, a route that fails with
 * an error carrying a file path and a fake secret, and a route someone forgot to guard.
 */
import type { SecurityEvent } from "@bulwark/core";
import type { NeutralApp } from "./harness/neutral-app.js";

/** A fake secret that must never reach a client. */
export const FAKE_SECRET = "sk_live_51Hq3x9SuperSecretValue";
/** A file path that must never reach a client. */
export const FAKE_PATH = "/srv/app/config/database.yml";

/** Builds the foundation app; events are pushed into `events`. */
export function foundationApp(events: SecurityEvent[]): NeutralApp {
  return {
    options: { onEvent: (event) => { events.push(event); }, onError: () => undefined },
    routes: [
      { method: "GET", path: "/public", policy: { public: true }, handler: () => ({ body: { ok: true } }) },
      { method: "POST", path: "/echo", policy: { public: true }, handler: ({ body }) => ({ body: { received: body ?? null } }) },
      { method: "GET", path: "/query", policy: { public: true }, handler: ({ query }) => ({ body: { query } }) },
      {
        method: "GET",
        path: "/boom",
        policy: { public: true },
        handler: () => {
          throw new Error(`ENOENT: could not open ${FAKE_PATH} (password=${FAKE_SECRET})`);
        },
      },
      { method: "GET", path: "/unguarded", handler: () => ({ body: { secret: "internal data" } }) },
      { method: "POST", path: "/small", policy: { public: true, limits: { bodyBytes: 64 } }, handler: ({ body }) => ({ body: { received: body ?? null } }) },
      {
        method: "GET",
        path: "/tight",
        policy: { public: true, limits: { urlLength: 40, queryParams: 2, queryKeyDepth: 1, stringLength: 8 } },
        handler: ({ query }) => ({ body: { query } }),
      },
    ],
  };
}
