/**
 * Verifying one compact JWS access token: jose's `jwtVerify` for the signature and the registered
 * claims, Bulwark's header and claim rules around it, and the principal built from the result.
 * Any failure comes out as a `SecurityError` that names the rule, never the token.
 */
import { jwtVerify, type JWTVerifyOptions } from "jose";
import type { Principal } from "../context/principal.js";
import type { SecurityError } from "../errors/security-error.js";
import { isCompactJws } from "./bearer-token.js";
import { jwtErrors, type JwtErrors } from "./jwt-errors.js";
import { buildKeySource } from "./jwt-key-source.js";
import type { ResolvedJwtOptions } from "./jwt-options.js";
import { principalFromClaims } from "./jwt-principal.js";
import { checkClaims, checkHeader } from "./jwt-token-rules.js";
import type { KeyResolver } from "./key-resolver.js";

/** A verified token. */
export interface VerifiedToken {
  /** The principal it stands for. */
  readonly principal: Principal;
  /** Its `jti`, for revocation. */
  readonly jti: string | undefined;
  /** When it stops being acceptable (its `exp`, or `iat + maxTokenAge`), in milliseconds. */
  readonly notAfterMs: number;
}

/** Verifies tokens with one resolved configuration. */
export interface JwtVerifier {
  /** The errors (and challenges) of this configuration. */
  readonly errors: JwtErrors;
  /** Verifies `token` at `nowMs`; throws a `SecurityError` (or an internal error) when it is refused. */
  verify(token: string, nowMs: number): Promise<VerifiedToken>;
}

/** Builds a verifier; configuration problems are pushed into `problems`. */
export function createJwtVerifier(resolved: ResolvedJwtOptions, problems: string[]): JwtVerifier {
  const errors = jwtErrors(resolved.realm);
  const keys: KeyResolver | undefined = resolved.algorithms.length > 0
    ? buildKeySource(resolved.keyOptions, resolved.issuer ?? false, resolved.algorithms, resolved.remote, problems)
    : undefined;
  const baseOptions: JWTVerifyOptions = Object.freeze({
    algorithms: [...resolved.algorithms],
    requiredClaims: [...resolved.requiredClaims],
    clockTolerance: resolved.clockTolerance,
    ...(resolved.issuer === undefined ? {} : { issuer: resolved.issuer as string | string[] }),
    ...(resolved.audience === undefined ? {} : { audience: resolved.audience as string | string[] }),
    ...(resolved.maxTokenAge === undefined ? {} : { maxTokenAge: resolved.maxTokenAge }),
    ...(resolved.typ === undefined ? {} : { typ: resolved.typ }),
  });

  async function keyFor(...args: Parameters<KeyResolver>) {
    checkHeader(args[0]);
    return keys!(...args);
  }

  async function verify(token: string, nowMs: number): Promise<VerifiedToken> {
    if (keys === undefined) throw new Error("jwt() is misconfigured; bulwark() reports why at startup.");
    // The bearer reader checks these too; checked again so the verifier is safe on its own.
    if (token.length > resolved.maxTokenBytes) throw errors.refuse("AUTH_TOKEN_TOO_LARGE");
    if (!isCompactJws(token)) throw errors.refuse("AUTH_TOKEN_INVALID");
    try {
      const { payload } = await jwtVerify(token, keyFor, { ...baseOptions, currentDate: new Date(nowMs) });
      const claims = payload as Readonly<Record<string, unknown>>;
      checkClaims(claims, Math.floor(nowMs / 1000), resolved.clockTolerance);
      const principal = principalFromClaims(claims, resolved.mapping);
      const exp = Object.hasOwn(claims, "exp") ? (claims.exp as number) * 1000 : Number.POSITIVE_INFINITY;
      const maxAge = resolved.maxTokenAge === undefined ? Number.POSITIVE_INFINITY : ((claims.iat as number) + resolved.maxTokenAge) * 1000;
      return { principal, jti: Object.hasOwn(claims, "jti") ? (claims.jti as string) : undefined, notAfterMs: Math.min(exp, maxAge) };
    } catch (error) {
      throw errors.fromVerification(error) as SecurityError;
    }
  }

  return { errors, verify };
}
