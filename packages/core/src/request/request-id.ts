/**
 * Request ids: an incoming `x-request-id` is kept when it is short and made of safe characters
 * (so it cannot inject into logs or headers); otherwise a fresh UUID is generated.
 */
import { randomUUID } from "node:crypto";
import type { HeaderMap } from "./security-request.js";

/** The header a request id travels in. */
export const REQUEST_ID_HEADER = "x-request-id";

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** True when `value` may be used as a request id. */
export function isSafeRequestId(value: unknown): value is string {
  return typeof value === "string" && SAFE_ID.test(value);
}

/** The request's id: the incoming one when well-formed, else a new UUID. */
export function resolveRequestId(headers: HeaderMap, trustIncoming: boolean): string {
  const incoming = headers[REQUEST_ID_HEADER];
  return trustIncoming && isSafeRequestId(incoming) ? incoming : randomUUID();
}
