/**
 * How a refused token is reported: the `SecurityError` code that names the rule that failed, the
 * RFC 6750 `WWW-Authenticate` challenge that goes with it (built once per code at startup), and
 * the mapping from jose's errors. Nothing from the token or from jose's messages reaches a client.
 */
import { errors as jose } from "jose";
import { CODES, type SecurityErrorCode } from "../errors/codes.js";
import { SecurityError } from "../errors/security-error.js";
import { KeySetMisconfiguredError, KeySetUnavailableError } from "./key-resolver.js";
import { challenge } from "./www-authenticate.js";

/** The codes a token can be refused with, each answered 401 `invalid_token`. */
export const TOKEN_REFUSAL_CODES = Object.freeze([
  "AUTH_TOKEN_INVALID",
  "AUTH_TOKEN_EXPIRED",
  "AUTH_TOKEN_NOT_YET_VALID",
  "AUTH_TOKEN_REVOKED",
  "AUTH_TOKEN_TOO_LARGE",
  "AUTH_WRONG_ISSUER",
  "AUTH_WRONG_AUDIENCE",
  "AUTH_CLAIM_INVALID",
  "AUTH_ALGORITHM_NOT_ALLOWED",
  "AUTH_KEY_NOT_FOUND",
] as const satisfies readonly SecurityErrorCode[]);

/** One of {@link TOKEN_REFUSAL_CODES}. */
export type TokenRefusalCode = (typeof TOKEN_REFUSAL_CODES)[number];

/** A check of Bulwark's own (beyond jose's) refused the token. */
export class TokenRejection extends Error {
  /** The code to answer with. */
  readonly code: TokenRefusalCode;
  constructor(code: TokenRefusalCode) {
    super(code);
    this.name = "TokenRejection";
    this.code = code;
  }
}

const INVALID_REQUEST_DETAIL = {
  query: "Send the access token in the Authorization header only, never in the URL.",
  duplicate: "Send exactly one Authorization header.",
} as const;

/** Builds the errors of one `jwt()` authenticator. */
export interface JwtErrors {
  /** A 401 `invalid_token` for `code`, with its challenge. */
  refuse(code: TokenRefusalCode, cause?: unknown): SecurityError;
  /** A 400 `invalid_request` saying what to fix. */
  invalidRequest(reason: keyof typeof INVALID_REQUEST_DETAIL): SecurityError;
  /** Turns whatever verification threw into the error to answer with. */
  fromVerification(error: unknown): unknown;
}

/** The `error_description` of a code: its generic detail, never anything from the token. */
function describe(code: SecurityErrorCode): string {
  return CODES[code].detail.replace(/\.$/, "");
}

/** Precomputes the challenges of every code for the given realm. */
export function jwtErrors(realm: string | undefined): JwtErrors {
  const headerFor = new Map<string, Readonly<Record<string, string>>>();
  const header = (error: string, description: string): Readonly<Record<string, string>> => {
    const key = `${error}\u0000${description}`;
    let value = headerFor.get(key);
    if (value === undefined) {
      value = Object.freeze({ "www-authenticate": challenge("Bearer", { realm, error, error_description: description }) });
      headerFor.set(key, value);
    }
    return value;
  };
  // Every challenge is built here, at startup; refusals only look them up.
  for (const code of TOKEN_REFUSAL_CODES) header("invalid_token", describe(code));
  for (const detail of Object.values(INVALID_REQUEST_DETAIL)) header("invalid_request", detail);

  function refuse(code: TokenRefusalCode, cause?: unknown): SecurityError {
    return new SecurityError(code, { headers: header("invalid_token", describe(code)), ...(cause === undefined ? {} : { cause }) });
  }

  function invalidRequest(reason: keyof typeof INVALID_REQUEST_DETAIL): SecurityError {
    const detail = INVALID_REQUEST_DETAIL[reason];
    return new SecurityError("AUTH_INVALID_REQUEST", { detail, headers: header("invalid_request", detail) });
  }

  function fromVerification(error: unknown): unknown {
    if (error instanceof SecurityError) return error;
    if (error instanceof TokenRejection) return refuse(error.code);
    if (error instanceof KeySetUnavailableError) return new SecurityError("SERVICE_UNAVAILABLE", { cause: error });
    if (error instanceof KeySetMisconfiguredError) return new SecurityError("INTERNAL", { cause: error });
    if (error instanceof jose.JWTExpired) return refuse("AUTH_TOKEN_EXPIRED", error.code);
    if (error instanceof jose.JWTClaimValidationFailed) return refuse(codeForClaim(error.claim, error.reason), error.code);
    if (error instanceof jose.JOSEAlgNotAllowed) return refuse("AUTH_ALGORITHM_NOT_ALLOWED", error.code);
    if (error instanceof jose.JWKSNoMatchingKey || error instanceof jose.JWKSMultipleMatchingKeys) return refuse("AUTH_KEY_NOT_FOUND", error.code);
    // A key the identity provider published that cannot be used is its problem, not the client's.
    if (error instanceof jose.JWKSInvalid || error instanceof jose.JWKInvalid) return new SecurityError("INTERNAL", { cause: error });
    if (error instanceof jose.JOSEError) return refuse("AUTH_TOKEN_INVALID", error.code);
    return error;
  }

  return { refuse, invalidRequest, fromVerification };
}

function codeForClaim(claim: string, reason: string): TokenRefusalCode {
  switch (claim) {
    case "iss":
      return "AUTH_WRONG_ISSUER";
    case "aud":
      return "AUTH_WRONG_AUDIENCE";
    case "nbf":
      return "AUTH_TOKEN_NOT_YET_VALID";
    case "iat":
      return reason === "check_failed" ? "AUTH_TOKEN_NOT_YET_VALID" : "AUTH_CLAIM_INVALID";
    case "typ":
      return "AUTH_TOKEN_INVALID";
    default:
      return "AUTH_CLAIM_INVALID";
  }
}
