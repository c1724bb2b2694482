/**
 * Security events: one for every denial and every notable success, for logs and alerting.
 * Built so that no secret or token can appear in one.
 */

/** Every event type Bulwark emits. */
export type SecurityEventType =
  | "auth.failed"
  | "auth.succeeded"
  | "authz.denied"
  | "ownership.denied"
  | "bola.suspected"
  | "validation.failed"
  | "ratelimit.exceeded"
  | "throttle.changed"
  | "route.unguarded"
  | "request.rejected"
  | "error.internal";

/** One security event. */
export interface SecurityEvent {
  /** What happened. */
  readonly type: SecurityEventType;
  /** When, as an ISO 8601 timestamp. */
  readonly at: string;
  /** The request id (empty for events outside a request). */
  readonly requestId: string;
  /** HTTP method. */
  readonly method: string;
  /** The route template when known, else the path without its query string. */
  readonly route: string;
  /** Client IP as resolved with `trustProxy`. */
  readonly ip: string;
  /** The principal's id, when one was authenticated. */
  readonly principalId?: string;
  /** The error or reason code. */
  readonly code?: string;
  /** Further non-secret detail (secret-looking names are redacted). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** Receives security events; it may be async, but a failure in it never fails a request. */
export type SecurityEventListener = (event: SecurityEvent) => void | Promise<void>;
