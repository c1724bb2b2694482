/**
 * Test support: a real identity-provider stand-in on 127.0.0.1 serving a JWKS and an OpenID
 * discovery document, counting requests, and able to go down or change its keys.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { JSONWebKeySet } from "jose";

/** A running key server. */
export interface KeyServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The JWKS URL. */
  readonly jwksUri: string;
  /** Requests served on the JWKS path. */
  jwksRequests: number;
  /** Requests served on the discovery path. */
  discoveryRequests: number;
  /** The key set served. */
  keys: JSONWebKeySet;
  /** When false, every request gets a 503. */
  up: boolean;
  /** Overrides the discovery document. */
  discovery: Record<string, unknown> | undefined;
  close(): Promise<void>;
}

/** Starts a key server. */
export async function startKeyServer(keys: JSONWebKeySet): Promise<KeyServer> {
  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    if (url === "/jwks.json") state.jwksRequests++;
    if (url === "/.well-known/openid-configuration") state.discoveryRequests++;
    if (!state.up) {
      res.statusCode = 503;
      res.end();
      return;
    }
    res.setHeader("content-type", "application/json");
    if (url === "/jwks.json") return res.end(JSON.stringify(state.keys));
    if (url === "/.well-known/openid-configuration") {
      return res.end(JSON.stringify(state.discovery ?? { issuer: state.origin, jwks_uri: state.jwksUri }));
    }
    res.statusCode = 404;
    res.end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: KeyServer = {
    origin,
    jwksUri: `${origin}/jwks.json`,
    jwksRequests: 0,
    discoveryRequests: 0,
    keys,
    up: true,
    discovery: undefined,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return state;
}
