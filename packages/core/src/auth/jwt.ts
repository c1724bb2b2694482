/**
 * `jwt(options)`: the bearer-token authenticator. It reads the token from `Authorization: Bearer`
 * only, refuses it before parsing when it is too long, verifies it with jose against the
 * configured keys, issuer, audience and clock, builds the principal from its claims, and checks
 * revocation on every request (through the configured store and the `isRevoked` hook), cached
 * token or not. Misconfiguration is reported by `bulwark()` at startup.
 */
import { ConfigError, SecurityError } from "../errors/security-error.js";
import type { Principal } from "../context/principal.js";
import type { SecurityRequest } from "../request/security-request.js";
import type { Authenticator, AuthenticatorServices } from "./authenticator.js";
import { registerWarnings } from "./authenticator-warnings.js";
import { readBearerToken, type BearerErrors } from "./bearer-token.js";
import { resolveJwtOptions, type JwtOptions } from "./jwt-options.js";
import { createJwtVerifier, type VerifiedToken } from "./jwt-verifier.js";
import { isJtiRevoked } from "./token-revocation.js";
import { verifiedTokenCache } from "./verified-token-cache.js";
import { challenge } from "./www-authenticate.js";

/** The name `jwt()` principals carry in `principal.authMethod`. */
export const JWT_METHOD = "jwt";

/**
 * Builds a JWT bearer-token authenticator, e.g.
 * `jwt({ issuer: "https://id.example.com/", audience: "orders-api", algorithms: ["ES256"], jwksUri })`.
 */
export function jwt(options: JwtOptions): Authenticator {
  const { resolved, problems, warnings } = resolveJwtOptions(options);
  const verifier = createJwtVerifier(resolved, problems);
  const { errors } = verifier;
  const bearerErrors: BearerErrors = {
    query: () => errors.invalidRequest("query"),
    "duplicate-header": () => errors.invalidRequest("duplicate"),
    "too-large": () => errors.refuse("AUTH_TOKEN_TOO_LARGE"),
    malformed: () => errors.refuse("AUTH_TOKEN_INVALID"),
  };
  const cache = resolved.cache === undefined ? undefined : verifiedTokenCache<VerifiedToken>(resolved.cache);
  const { isRevoked, maxTokenBytes } = resolved;
  const frozenProblems = Object.freeze([...problems]);

  const authenticator: Authenticator = {
    method: JWT_METHOD,
    challenge: challenge("Bearer", { realm: resolved.realm }),
    setup() {
      return frozenProblems;
    },
    authenticate(request, services) {
      try {
        return authenticateNow(request, services);
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };

  /**
   * A cached token without a `jti` or revocation hook is answered at once: no promise on the
   * usual path. Everything else continues in {@link authenticateLater}.
   */
  function authenticateNow(request: SecurityRequest, services: AuthenticatorServices): Principal | undefined | Promise<Principal> {
    if (frozenProblems.length > 0) throw new ConfigError(frozenProblems, "jwt() options");
    const token = readBearerToken(request, maxTokenBytes, bearerErrors);
    if (token === undefined) return undefined;
    const now = services.now();
    const key = cache?.keyOf(token);
    const cached = key === undefined ? undefined : cache!.get(key, now);
    if (cached !== undefined && cached.jti === undefined && isRevoked === undefined) return cached.principal;
    return authenticateLater(token, key, cached, now, services);
  }

  async function authenticateLater(
    token: string,
    key: string | undefined,
    cached: VerifiedToken | undefined,
    now: number,
    services: AuthenticatorServices,
  ): Promise<Principal> {
    let verified = cached;
    if (verified === undefined) {
      verified = await verifier.verify(token, now);
      if (key !== undefined) cache!.set(key, verified, now, verified.notAfterMs);
    }
    if (verified.jti !== undefined) {
      let revoked: boolean;
      try {
        revoked = await isJtiRevoked(services.store, verified.jti);
      } catch (cause) {
        // Without the store the revocation list is unknown: refuse rather than guess.
        throw new SecurityError("SERVICE_UNAVAILABLE", { cause });
      }
      if (revoked) throw errors.refuse("AUTH_TOKEN_REVOKED");
    }
    // Anything but `false` refuses: a hook that forgot to return fails closed.
    if (isRevoked !== undefined && (await isRevoked(verified.principal.claims)) !== false) throw errors.refuse("AUTH_TOKEN_REVOKED");
    return verified.principal;
  }

  registerWarnings(authenticator, warnings);
  return authenticator;
}
