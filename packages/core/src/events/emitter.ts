/**
 * Sends security events to the app's listener: built from the request state, redacted, and
 * isolated so that a failing listener never fails a request.
 */
import type { SecurityErrorCode } from "../errors/codes.js";
import type { RequestState } from "../pipeline/request-state.js";
import { redact } from "./redact.js";
import type { SecurityEvent, SecurityEventListener, SecurityEventType } from "./security-event.js";

/** Emits one event about a request. */
export type Emit = (type: SecurityEventType, state: RequestState | undefined, code?: string, detail?: Record<string, unknown>) => void;

/** Builds the emitter for a listener (a no-op without one). */
export function createEmitter(listener: SecurityEventListener | undefined): Emit {
  if (listener === undefined) return () => undefined;
  return (type, state, code, detail) => {
    const request = state?.request;
    const event: SecurityEvent = {
      type,
      at: new Date().toISOString(),
      requestId: state?.context.requestId ?? "",
      method: request?.method ?? "",
      route: request?.route ?? request?.path ?? "",
      ip: state?.context.ip ?? "",
      ...(state?.context.principal ? { principalId: state.context.principal.id } : {}),
      ...(code !== undefined ? { code } : {}),
      ...(detail !== undefined ? { detail: redact(detail) } : {}),
    };
    try {
      const result = listener(event);
      if (result && typeof (result as Promise<void>).catch === "function") (result as Promise<void>).catch(() => undefined);
    } catch {
      // A broken listener must not turn a denial into a 500 or an allow.
    }
  };
}

/** The event type that reports a refusal with `code`. */
export function eventTypeFor(code: SecurityErrorCode): SecurityEventType {
  if (code === "INTERNAL") return "error.internal";
  if (code === "ROUTE_UNGUARDED") return "route.unguarded";
  if (code === "VALIDATION_FAILED") return "validation.failed";
  if (code === "RATE_LIMITED" || code === "SERVICE_OVERLOADED") return "ratelimit.exceeded";
  if (code === "AUTHZ_NOT_OWNER") return "ownership.denied";
  // `bola.suspected` is emitted once, when the threshold trips; later blocked requests are denials.
  if (code.startsWith("AUTHZ_")) return "authz.denied";
  if (code.startsWith("AUTH_")) return "auth.failed";
  return "request.rejected";
}
