/**
 * Shared pieces of the Koa adapter's tests: real servers on 127.0.0.1, a token authenticator, the
 * shared corpora, and problem-body checks.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import type { Authenticator, Principal } from "@bulwark/core";

export { CORPORA_DIR, loadCorpus as readCorpus } from "../../../../test/support/corpora.js";

/** A running app and a supertest agent for it. */
export interface Served {
  readonly server: Server;
  readonly http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/** Serves a Koa app on an ephemeral port of 127.0.0.1. */
export async function serve(app: { callback(): (req: IncomingMessage, res: ServerResponse) => unknown }): Promise<Served> {
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    server,
    http: request(server),
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

/** The port a served app listens on. */
export function portOf(served: Served): number {
  return (served.server.address() as AddressInfo).port;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** A bearer-token authenticator over a fixed table, comparing token digests in constant time. */
export function tokenAuthenticator(table: Record<string, { id: string; roles: string[] }>): Authenticator {
  const entries = Object.entries(table).map(([token, who]) => ({ hash: digest(token), who }));
  return {
    method: "token",
    challenge: "Bearer",
    authenticate(req): Principal | undefined {
      const header = req.headers.authorization;
      if (typeof header !== "string" || !header.startsWith("Bearer ")) return undefined;
      const presented = digest(header.slice(7));
      let found: { id: string; roles: string[] } | undefined;
      for (const entry of entries) if (timingSafeEqual(entry.hash, presented)) found = entry.who;
      if (found === undefined) return undefined;
      return { id: found.id, kind: "user", roles: found.roles, scopes: [], claims: {}, authMethod: "token", authTime: undefined, amr: [] };
    },
  };
}

/** Expects `res` to be a problem+json answer with `status` and `code`, carrying the request id. */
export function expectProblem(res: request.Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, requestId: res.headers["x-request-id"] });
  expect(JSON.stringify(res.body)).not.toMatch(/stack|node_modules|\bat \w+ \(/);
}

/** Expects the API security headers on `res`. */
export function expectSecurityHeaders(res: request.Response): void {
  expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
  expect(res.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(res.headers["x-content-type-options"]).toBe("nosniff");
  expect(res.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
  expect(res.headers["x-powered-by"]).toBeUndefined();
  expect(res.headers["x-request-id"]).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
}

/** True when nothing was added to `Object.prototype`. */
export function prototypeIsClean(): boolean {
  const probe = {} as Record<string, unknown>;
  return ["admin", "x", "y", "bar", "polluted", "status", "json spaces", "parameterLimit", "exposedHeaders", "allowDots"]
    .every((name) => probe[name] === undefined);
}
