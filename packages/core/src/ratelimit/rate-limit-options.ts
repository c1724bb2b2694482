/**
 * Rate-limit options, global (before authentication) and per route (after authentication).
 */
import type { SecurityRequest } from "../request/security-request.js";
import type { Principal } from "../context/principal.js";

/** What a limit counts by. */
export type RateLimitKeyPart = "ip" | "principal" | "apiKey" | "route";

/** Derives a custom limit key; return `undefined` to skip the limit for this request. */
export type RateLimitKeyFunction = (request: SecurityRequest, principal: Principal | undefined, ip: string) => string | undefined;

/** One limit: `points` per `duration` seconds. */
export interface RateLimitRule {
  /** Requests (points) allowed per window. */
  readonly points: number;
  /** Window length in seconds. */
  readonly duration: number;
  /** What the limit counts by; several parts combine. Default `ip` globally, `principal` on routes. */
  readonly by?: RateLimitKeyPart | readonly RateLimitKeyPart[] | RateLimitKeyFunction;
  /** Extra points allowed in a short burst above the sustained rate. */
  readonly burst?: number;
  /** Points one request costs. Default 1. */
  readonly cost?: number;
  /** Seconds to block a key once it exceeds the limit. Default 0 (until the window ends). */
  readonly blockDuration?: number;
}

/** One limit or several that all apply (for example 10 a second and 1,000 an hour). */
export type RateLimitOption = RateLimitRule | readonly RateLimitRule[];
