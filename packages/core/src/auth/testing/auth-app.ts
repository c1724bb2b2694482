/**
 * Test support: a real Express app guarded by Bulwark, with a route per test need, answering with
 * what the principal looks like so tests can check the mapping.
 */
import http from "node:http";
import express from "express";
import { bulwark } from "@bulwark/express";
import type { BulwarkOptions } from "../../config/options.js";
import type { RoutePolicy } from "../../policy/route-policy.js";

/** A route of the test app. */
export interface TestRoute {
  readonly method?: "get" | "post";
  readonly path: string;
  readonly policy: RoutePolicy;
}

/** Builds an Express app with the given config and routes (each answers with its principal). */
export function authApp(config: BulwarkOptions, routes: readonly TestRoute[] = [{ path: "/me", policy: {} }]) {
  const app = express();
  const guard = bulwark(config);
  app.use(guard.secure());
  for (const route of routes) {
    app[route.method ?? "get"](route.path, guard.secure(route.policy), (req, res) => {
      const principal = req.bulwark.principal;
      res.json(principal === undefined ? { anonymous: true } : {
        id: principal.id,
        kind: principal.kind,
        roles: principal.roles,
        scopes: principal.scopes,
        authMethod: principal.authMethod,
        amr: principal.amr,
        acr: principal.acr ?? null,
        authTime: principal.authTime ?? null,
        isAdminClaim: (principal.claims as Record<string, unknown>).isAdmin ?? null,
        claimsPrototype: Object.getPrototypeOf(principal.claims) === null ? "null" : "object",
      });
    });
  }
  app.use(...guard.errors());
  return { app, guard };
}

/** A Node server for `app` that accepts large headers (to reach Bulwark's own token limit). */
export function largeHeaderServer(app: http.RequestListener): http.Server {
  return http.createServer({ maxHeaderSize: 2 * 1024 * 1024 }, app);
}
