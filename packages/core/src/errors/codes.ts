/**
 * The stable error codes Bulwark puts in every problem response, with the HTTP status and the
 * generic title that go with each. Clients may switch on `code`; it never changes meaning.
 */

/** Every code a {@link SecurityError} can carry. */
export type SecurityErrorCode =
  // transport
  | "BAD_REQUEST"
  | "MALFORMED_JSON"
  | "MALFORMED_BODY"
  | "BODY_TOO_LARGE"
  | "BODY_TOO_DEEP"
  | "TOO_MANY_KEYS"
  | "ARRAY_TOO_LONG"
  | "STRING_TOO_LONG"
  | "FORBIDDEN_KEY"
  | "QUERY_TOO_COMPLEX"
  | "URI_TOO_LONG"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "HTTPS_REQUIRED"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  // authentication
  | "AUTH_REQUIRED"
  | "AUTH_INVALID_REQUEST"
  | "AUTH_TOKEN_INVALID"
  | "AUTH_TOKEN_EXPIRED"
  | "AUTH_TOKEN_NOT_YET_VALID"
  | "AUTH_TOKEN_REVOKED"
  | "AUTH_TOKEN_TOO_LARGE"
  | "AUTH_WRONG_ISSUER"
  | "AUTH_WRONG_AUDIENCE"
  | "AUTH_CLAIM_INVALID"
  | "AUTH_ALGORITHM_NOT_ALLOWED"
  | "AUTH_KEY_NOT_FOUND"
  | "AUTH_API_KEY_INVALID"
  | "AUTH_API_KEY_EXPIRED"
  | "AUTH_API_KEY_REVOKED"
  | "AUTH_METHOD_NOT_ALLOWED"
  | "AUTH_STEP_UP_REQUIRED"
  | "AUTH_LOCKED_OUT"
  // authorization
  | "AUTHZ_FORBIDDEN"
  | "AUTHZ_INSUFFICIENT_ROLE"
  | "AUTHZ_INSUFFICIENT_SCOPE"
  | "AUTHZ_INSUFFICIENT_PERMISSION"
  | "AUTHZ_NOT_OWNER"
  | "AUTHZ_FIELD_NOT_WRITABLE"
  | "AUTHZ_ENUMERATION_BLOCKED"
  | "ROUTE_UNGUARDED"
  // validation
  | "VALIDATION_FAILED"
  // rate limiting and load
  | "RATE_LIMITED"
  | "SERVICE_OVERLOADED"
  | "SERVICE_UNAVAILABLE"
  // anything else
  | "INTERNAL";

/** Status and generic title of one code. */
export interface CodeInfo {
  /** HTTP status answered for this code unless the error overrides it. */
  readonly status: number;
  /** Short, generic, human-readable summary (RFC 9457 `title`). */
  readonly title: string;
  /** Default `detail`: safe to show to any client. */
  readonly detail: string;
}

/** The table behind every code: status, title and default detail. */
export const CODES: Readonly<Record<SecurityErrorCode, CodeInfo>> = Object.freeze({
  BAD_REQUEST: { status: 400, title: "Bad Request", detail: "The request could not be understood." },
  MALFORMED_JSON: { status: 400, title: "Bad Request", detail: "The request body is not valid JSON." },
  MALFORMED_BODY: { status: 400, title: "Bad Request", detail: "The request body could not be read." },
  BODY_TOO_LARGE: { status: 413, title: "Content Too Large", detail: "The request body is larger than this endpoint accepts." },
  BODY_TOO_DEEP: { status: 400, title: "Bad Request", detail: "The request body is nested too deeply." },
  TOO_MANY_KEYS: { status: 400, title: "Bad Request", detail: "The request has too many properties or parameters." },
  ARRAY_TOO_LONG: { status: 400, title: "Bad Request", detail: "The request body holds an array that is too long." },
  STRING_TOO_LONG: { status: 400, title: "Bad Request", detail: "The request holds a string that is too long." },
  FORBIDDEN_KEY: { status: 400, title: "Bad Request", detail: "The request holds a property name that is not allowed." },
  QUERY_TOO_COMPLEX: { status: 400, title: "Bad Request", detail: "The query string is too complex." },
  URI_TOO_LONG: { status: 414, title: "URI Too Long", detail: "The request URI is too long." },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Unsupported Media Type", detail: "The request body's content type is not accepted." },
  HTTPS_REQUIRED: { status: 403, title: "Forbidden", detail: "This API is only available over HTTPS." },
  NOT_FOUND: { status: 404, title: "Not Found", detail: "The requested resource was not found." },
  METHOD_NOT_ALLOWED: { status: 405, title: "Method Not Allowed", detail: "The method is not allowed on this resource." },
  AUTH_REQUIRED: { status: 401, title: "Unauthorized", detail: "Authentication is required." },
  AUTH_INVALID_REQUEST: { status: 400, title: "Bad Request", detail: "The credentials were sent in a way that is not accepted." },
  AUTH_TOKEN_INVALID: { status: 401, title: "Unauthorized", detail: "The access token is invalid." },
  AUTH_TOKEN_EXPIRED: { status: 401, title: "Unauthorized", detail: "The access token has expired." },
  AUTH_TOKEN_NOT_YET_VALID: { status: 401, title: "Unauthorized", detail: "The access token is not valid yet." },
  AUTH_TOKEN_REVOKED: { status: 401, title: "Unauthorized", detail: "The access token has been revoked." },
  AUTH_TOKEN_TOO_LARGE: { status: 401, title: "Unauthorized", detail: "The access token is too large." },
  AUTH_WRONG_ISSUER: { status: 401, title: "Unauthorized", detail: "The access token was issued by an untrusted issuer." },
  AUTH_WRONG_AUDIENCE: { status: 401, title: "Unauthorized", detail: "The access token is not meant for this API." },
  AUTH_CLAIM_INVALID: { status: 401, title: "Unauthorized", detail: "The access token has a missing or invalid claim." },
  AUTH_ALGORITHM_NOT_ALLOWED: { status: 401, title: "Unauthorized", detail: "The access token uses an algorithm that is not allowed." },
  AUTH_KEY_NOT_FOUND: { status: 401, title: "Unauthorized", detail: "No key is known that can verify the access token." },
  AUTH_API_KEY_INVALID: { status: 401, title: "Unauthorized", detail: "The API key is invalid." },
  AUTH_API_KEY_EXPIRED: { status: 401, title: "Unauthorized", detail: "The API key has expired." },
  AUTH_API_KEY_REVOKED: { status: 401, title: "Unauthorized", detail: "The API key has been revoked." },
  AUTH_METHOD_NOT_ALLOWED: { status: 401, title: "Unauthorized", detail: "This kind of credential is not accepted here." },
  AUTH_STEP_UP_REQUIRED: { status: 401, title: "Unauthorized", detail: "A stronger or more recent authentication is required." },
  AUTH_LOCKED_OUT: { status: 429, title: "Too Many Requests", detail: "Too many failed authentication attempts; try again later." },
  AUTHZ_FORBIDDEN: { status: 403, title: "Forbidden", detail: "You are not allowed to do this." },
  AUTHZ_INSUFFICIENT_ROLE: { status: 403, title: "Forbidden", detail: "Your role does not allow this." },
  AUTHZ_INSUFFICIENT_SCOPE: { status: 403, title: "Forbidden", detail: "The credentials lack a required scope." },
  AUTHZ_INSUFFICIENT_PERMISSION: { status: 403, title: "Forbidden", detail: "You lack the permission this needs." },
  AUTHZ_NOT_OWNER: { status: 403, title: "Forbidden", detail: "You are not allowed to access this resource." },
  AUTHZ_FIELD_NOT_WRITABLE: { status: 400, title: "Bad Request", detail: "The request sets properties you may not set." },
  AUTHZ_ENUMERATION_BLOCKED: { status: 429, title: "Too Many Requests", detail: "Too many requests for resources you cannot access; try again later." },
  ROUTE_UNGUARDED: { status: 403, title: "Forbidden", detail: "This endpoint is not available." },
  VALIDATION_FAILED: { status: 400, title: "Bad Request", detail: "The request is not valid." },
  RATE_LIMITED: { status: 429, title: "Too Many Requests", detail: "Too many requests; try again later." },
  SERVICE_OVERLOADED: { status: 503, title: "Service Unavailable", detail: "The service is overloaded; try again later." },
  SERVICE_UNAVAILABLE: { status: 503, title: "Service Unavailable", detail: "The service is temporarily unavailable; try again later." },
  INTERNAL: { status: 500, title: "Internal Server Error", detail: "Something went wrong on our side." },
});

/** True when `value` is one of the known codes. */
export function isSecurityErrorCode(value: unknown): value is SecurityErrorCode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(CODES, value);
}
