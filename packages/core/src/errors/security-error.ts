/**
 * The one error class hierarchy of Bulwark. Every denial, in every adapter, is a
 * {@link SecurityError}; `instanceof` works everywhere because there is only this class.
 */
import { CODES, type SecurityErrorCode } from "./codes.js";

/** One failing field of a request, as listed in a validation problem. Never holds the value. */
export interface FieldError {
  /** JSON-pointer-like location, e.g. `/body/items/0/name` or `/query/page`. */
  readonly path: string;
  /** Stable machine-readable reason, e.g. `type`, `required`, `maxLength`, `additionalProperties`. */
  readonly code: string;
  /** Human-readable message that does not echo the rejected value. */
  readonly message: string;
}

/** Options accepted by the {@link SecurityError} constructor. */
export interface SecurityErrorOptions {
  /** Safe, client-visible detail; defaults to the code's generic detail. */
  detail?: string;
  /** Overrides the code's default status. */
  status?: number;
  /** Response headers that go with the error (`WWW-Authenticate`, `Retry-After`, `RateLimit`...). */
  headers?: Readonly<Record<string, string>>;
  /** Per-field errors (validation, mass assignment). */
  errors?: readonly FieldError[];
  /** Extra members to add to the problem body; only safe, non-secret values. */
  extensions?: Readonly<Record<string, unknown>>;
  /** The underlying error, for logs only: it is never sent to a client. */
  cause?: unknown;
  /**
   * Set when the refusal's security event was already emitted with more precise detail (an
   * ownership denial answered as 404), so the error path does not report it a second time.
   */
  reported?: boolean;
}

/**
 * A request Bulwark refuses. Carries a stable `code`, the HTTP `status`, a safe `detail`, the
 * response `headers` the refusal needs, and a `cause` kept for logs and never sent.
 */
export class SecurityError extends Error {
  /** Stable machine-readable code. */
  readonly code: SecurityErrorCode;
  /** HTTP status of the response. */
  readonly status: number;
  /** Safe, client-visible detail. */
  readonly detail: string;
  /** Response headers to send with the problem. */
  readonly headers: Readonly<Record<string, string>>;
  /** Per-field errors, when the problem concerns fields. */
  readonly errors: readonly FieldError[] | undefined;
  /** Extra safe members of the problem body. */
  readonly extensions: Readonly<Record<string, unknown>> | undefined;
  /** True when the refusal's event was already emitted. */
  readonly reported: boolean;

  /** Builds an error for `code`; the defaults come from the code table. */
  constructor(code: SecurityErrorCode, options: SecurityErrorOptions = {}) {
    const info = CODES[code];
    const detail = options.detail ?? info.detail;
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SecurityError";
    this.code = code;
    this.status = options.status ?? info.status;
    this.detail = detail;
    this.headers = Object.freeze({ ...(options.headers ?? {}) });
    this.errors = options.errors ? Object.freeze([...options.errors]) : undefined;
    this.extensions = options.extensions;
    this.reported = options.reported === true;
  }
}

/** True for any {@link SecurityError}. */
export function isSecurityError(value: unknown): value is SecurityError {
  return value instanceof SecurityError;
}

/**
 * Thrown at startup when the configuration or a route policy cannot work. `problems` lists every
 * problem found, each saying what to write instead.
 */
export class ConfigError extends Error {
  /** Stable code of every configuration error. */
  readonly code = "ERR_BULWARK_CONFIG" as const;
  /** Every problem found, one sentence each. */
  readonly problems: readonly string[];

  /** Builds the error from the list of problems found. */
  constructor(problems: readonly string[], where = "Bulwark configuration") {
    super(
      `${where} is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
    this.problems = Object.freeze([...problems]);
  }
}
