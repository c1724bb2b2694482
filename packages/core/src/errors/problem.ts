/**
 * The one formatter for everything a client sees when a request fails: RFC 9457 problem details.
 * Any thrown value goes in; a status, headers and a body that reveal nothing internal come out.
 */
import { STATUS_CODES } from "node:http";
import { CODES, type SecurityErrorCode } from "./codes.js";
import { SecurityError, type FieldError } from "./security-error.js";

/** The JSON body of a problem response (RFC 9457 plus Bulwark's `code` and `requestId`). */
export interface ProblemBody {
  /** URI reference naming the problem type; `about:blank` unless a base is configured. */
  readonly type: string;
  /** Short generic summary. */
  readonly title: string;
  /** HTTP status, repeated for convenience. */
  readonly status: number;
  /** Safe explanation of this occurrence. */
  readonly detail: string;
  /** Stable machine-readable code. */
  readonly code: SecurityErrorCode;
  /** The request id, to quote when reporting the problem. */
  readonly requestId: string;
  /** Per-field errors, for validation and mass-assignment problems. */
  readonly errors?: readonly FieldError[];
  /** Any further safe members. */
  readonly [extension: string]: unknown;
}

/** A complete problem response, ready for an adapter to write. */
export interface ProblemResponse {
  /** HTTP status. */
  readonly status: number;
  /** Headers to set, including `content-type: application/problem+json`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body, serialised by the adapter as JSON. */
  readonly body: ProblemBody;
}

/** How the formatter renders problems. */
export interface ProblemOptions {
  /** Adds internal detail (message, stack) of unexpected errors to the body. Development only. */
  readonly expose: boolean;
  /** Base URI for `type` (code appended, lower-case, dashes); `about:blank` when undefined. */
  readonly typeBase: string | undefined;
}

/** The media type of every problem response. */
export const PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8";

const STATUS_TO_CODE: Readonly<Record<number, SecurityErrorCode>> = {
  400: "BAD_REQUEST",
  401: "AUTH_REQUIRED",
  403: "AUTHZ_FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "BODY_TOO_LARGE",
  414: "URI_TOO_LONG",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RATE_LIMITED",
  503: "SERVICE_UNAVAILABLE",
};

/**
 * Turns what a framework or handler threw into a {@link SecurityError}. Client errors raised by
 * frameworks and body parsers (they carry a 4xx `status`/`statusCode`) keep their status but get
 * Bulwark's generic text, as do a 503 and a 501 (a method nothing implements); anything else
 * becomes `INTERNAL` (500), with the original kept as `cause`.
 */
export function toSecurityError(error: unknown): SecurityError {
  if (error instanceof SecurityError) return error;
  const status = statusOf(error);
  if (status !== undefined && status >= 400 && status < 500) {
    const fieldErrors = fastifyValidationErrors(error);
    if (fieldErrors) return new SecurityError("VALIDATION_FAILED", { errors: fieldErrors, cause: error });
    if (status === 400 && looksLikeJsonSyntaxError(error)) return new SecurityError("MALFORMED_JSON", { cause: error });
    const code = STATUS_TO_CODE[status] ?? "BAD_REQUEST";
    return new SecurityError(code, {
      status,
      cause: error,
      ...(STATUS_TO_CODE[status] ? {} : { detail: CODES.BAD_REQUEST.detail }),
    });
  }
  if (status === 503) return new SecurityError("SERVICE_UNAVAILABLE", { cause: error });
  // A framework's answer to a method it has no handler for (Koa's router): the client's doing.
  if (status === 501) return new SecurityError("METHOD_NOT_ALLOWED", { status, cause: error });
  return new SecurityError("INTERNAL", { cause: error });
}

/** Formats any thrown value as a problem response for the request `requestId`. */
export function formatProblem(error: unknown, requestId: string, options: ProblemOptions): ProblemResponse {
  const securityError = toSecurityError(error);
  const status = securityError.status;
  const title = securityError.status === CODES[securityError.code].status
    ? CODES[securityError.code].title
    : (STATUS_CODES[status] ?? CODES[securityError.code].title);
  const body: Record<string, unknown> = {
    ...(securityError.extensions ?? {}),
    type: options.typeBase === undefined ? "about:blank" : options.typeBase + typeSlug(securityError.code),
    title,
    status,
    detail: securityError.detail,
    code: securityError.code,
    requestId,
  };
  if (securityError.errors && securityError.errors.length > 0) body.errors = securityError.errors;
  if (options.expose) body.debug = debugInfo(securityError);
  return {
    status,
    headers: { ...securityError.headers, "content-type": PROBLEM_CONTENT_TYPE },
    body: body as unknown as ProblemBody,
  };
}

function typeSlug(code: SecurityErrorCode): string {
  return code.toLowerCase().replace(/_/g, "-");
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const candidate = (error as { status?: unknown; statusCode?: unknown }).status
    ?? (error as { statusCode?: unknown }).statusCode;
  return typeof candidate === "number" && Number.isInteger(candidate) ? candidate : undefined;
}

function looksLikeJsonSyntaxError(error: unknown): boolean {
  const e = error as { type?: unknown; code?: unknown; name?: unknown };
  return e.type === "entity.parse.failed" || e.code === "FST_ERR_CTP_INVALID_JSON_BODY" || e.name === "SyntaxError";
}

/** Fastify attaches ajv errors as `validation`; keep where and which rule, never the value. */
function fastifyValidationErrors(error: unknown): FieldError[] | undefined {
  const validation = (error as { validation?: unknown }).validation;
  if (!Array.isArray(validation)) return undefined;
  const context = (error as { validationContext?: unknown }).validationContext;
  const prefix = typeof context === "string" ? `/${context}` : "";
  return validation.slice(0, 100).map((item: { instancePath?: unknown; keyword?: unknown }) => ({
    path: prefix + (typeof item.instancePath === "string" ? item.instancePath : ""),
    code: typeof item.keyword === "string" ? item.keyword : "invalid",
    message: "is not valid",
  }));
}

function debugInfo(error: SecurityError): Record<string, unknown> {
  const cause = error.cause;
  if (cause instanceof Error) return { name: cause.name, message: cause.message, stack: cause.stack };
  if (cause !== undefined) return { cause: String(cause) };
  return { name: error.name, message: error.message };
}
