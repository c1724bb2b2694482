/**
 * Test support: a real Express app guarded by Bulwark, served on 127.0.0.1, whose routes answer
 * with what the handler received (so tests see the validated, coerced values) and remember it.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Request, type Response } from "express";
import supertest from "supertest";
import { bulwark } from "@bulwark/express";
import type { BulwarkOptions } from "../../config/options.js";
import type { RoutePolicy } from "../../policy/route-policy.js";

/** A route of the test app. */
export interface TestRoute {
  readonly method?: "get" | "post" | "put" | "patch" | "delete";
  readonly path: string;
  readonly policy: RoutePolicy;
  /** What the route answers; by default what the handler received. */
  readonly handler?: (req: Request, res: Response) => void;
}

/** What the last handler call received. */
export interface Received {
  params: unknown;
  query: unknown;
  body: unknown;
}

/** A started app. */
export interface TestApp {
  readonly server: http.Server;
  readonly request: supertest.Agent;
  /** What each handler call received, in order. */
  readonly received: Received[];
  close(): Promise<void>;
}

/** Starts an Express app with `config` and `routes` on 127.0.0.1. */
export async function startApp(config: BulwarkOptions, routes: readonly TestRoute[]): Promise<TestApp> {
  const app = express();
  const guard = bulwark(config);
  const received: Received[] = [];
  app.use(guard.secure());
  for (const route of routes) {
    app[route.method ?? "get"](route.path, guard.secure(route.policy), (req: Request, res: Response) => {
      const seen = { params: { ...req.params }, query: req.query, body: req.body };
      received.push(seen);
      if (route.handler) route.handler(req, res);
      else res.json(seen);
    });
  }
  app.use(...guard.errors());
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    request: supertest.agent(`http://127.0.0.1:${port}`),
    received,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
