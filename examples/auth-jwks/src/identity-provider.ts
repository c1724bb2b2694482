/**
 * A stand-in identity provider, so the example runs on its own: it holds an ES256 key pair,
 * publishes the public key as a JWKS (and an OpenID Connect discovery document) on 127.0.0.1, and
 * issues RFC 9068 access tokens. In production this is your identity provider (Auth0, Keycloak,
 * Entra ID, Okta...): the API only needs its URL.
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from "jose";

/** What a token says about the user's authentication and grants. */
export interface TokenRequest {
  readonly sub: string;
  readonly scope?: string;
  readonly roles?: readonly string[];
  /** Authentication context class, e.g. `urn:example:mfa` after a second factor. */
  readonly acr?: string;
  /** Authentication methods, e.g. `["pwd", "otp"]`. */
  readonly amr?: readonly string[];
  /** When the user authenticated (seconds since the epoch); now when absent. */
  readonly authTime?: number;
  /** Lifetime, e.g. `"10m"`. */
  readonly expiresIn?: string;
}

/** A running identity provider. */
export interface IdentityProvider {
  /** Its issuer URL (the `iss` of its tokens). */
  readonly issuer: string;
  /** Where it publishes its public keys. */
  readonly jwksUri: string;
  /** Issues an access token for `audience`. */
  issue(request: TokenRequest): Promise<string>;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts the identity provider on 127.0.0.1 (`port` 0 picks a free port). */
export async function startIdentityProvider(options: { audience: string; port?: number }): Promise<IdentityProvider> {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const kid = randomUUID();
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" }] });
  let issuer = "";

  const server = http.createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/jwks.json") return res.end(jwks);
    if (req.url === "/.well-known/openid-configuration") {
      return res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/.well-known/jwks.json` }));
    }
    res.statusCode = 404;
    res.end("{}");
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    issue: (request) => sign(privateKey, kid, issuer, options.audience, request),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function sign(key: CryptoKey, kid: string, issuer: string, audience: string, request: TokenRequest): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    ...(request.scope === undefined ? {} : { scope: request.scope }),
    ...(request.roles === undefined ? {} : { roles: request.roles }),
    ...(request.acr === undefined ? {} : { acr: request.acr }),
    ...(request.amr === undefined ? {} : { amr: request.amr }),
    auth_time: request.authTime ?? now,
  })
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(request.sub)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(request.expiresIn ?? "10m")
    .sign(key);
}
