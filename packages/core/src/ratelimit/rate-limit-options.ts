/**
 * Rate-limit options: the global limit (before authentication), route limits (after
 * authentication), how limits run, brute-force lockout, and adaptive throttling.
 */
import type { SecurityRequest } from "../request/security-request.js";
import type { Principal } from "../context/principal.js";

/**
 * What a limit counts by: `ip` (the client IP, IPv6 grouped by prefix), `principal` (the
 * authenticated party; anonymous callers count by IP), `apiKey` (the API key a principal used;
 * otherwise as `principal`), `route` (method and route template).
 */
export type RateLimitKeyPart = "ip" | "principal" | "apiKey" | "route";

/**
 * Derives a custom limit key; return `undefined` to skip the limit for this request. `ip` is the
 * client IP as a limit key (IPv6 grouped by `rateLimiting.ipv6Prefix`). Globally (before
 * authentication) `principal` is always `undefined`.
 */
export type RateLimitKeyFunction = (request: SecurityRequest, principal: Principal | undefined, ip: string) => string | undefined;

/** A burst allowance: `points` extra requests per `duration` seconds, above the sustained rate. */
export interface RateLimitBurst {
  /** Extra requests allowed once the sustained rate is used up. */
  readonly points: number;
  /** Seconds after which the burst allowance is whole again. */
  readonly duration: number;
}

/** One limit: `points` per `duration` seconds, counted by `by`. */
export interface RateLimitRule {
  /** Requests (points) allowed per window. */
  readonly points: number;
  /** Window length in whole seconds. */
  readonly duration: number;
  /**
   * What the limit counts by; an array combines parts. Default `ip` globally, `principal` on
   * routes. Globally only `ip` or a function can work (nothing else is known before
   * authentication and routing).
   */
  readonly by?: RateLimitKeyPart | readonly RateLimitKeyPart[] | RateLimitKeyFunction;
  /**
   * A short burst above the sustained rate: a number of extra points (whole again after ten
   * windows), or `{ points, duration }`.
   */
  readonly burst?: number | RateLimitBurst;
  /** Points one request costs, for expensive routes. Default 1. */
  readonly cost?: number;
  /** Seconds to block a key once it exceeds the limit. Default 0 (until the window ends). */
  readonly blockDuration?: number;
  /**
   * Name of the limit in the `RateLimit` header fields and in the store. Rules with the same name
   * (and the same numbers) share one budget, across routes. Letters, digits, `.`, `_`, `-`.
   * Default `global` (`global-<i>` for several) and `route-<n>` (`route-<n>-<i>`).
   */
  readonly name?: string;
}

/** One limit or several that all apply (for example 10 a second and 1,000 an hour). */
export type RateLimitOption = RateLimitRule | readonly RateLimitRule[];

/** Older rate-limit header fields that can be sent besides the current draft's. */
export type LegacyRateLimitHeaders = "draft-6" | "x-ratelimit";

/** How rate limits run (`rateLimiting` in `bulwark(config)`). */
export interface RateLimitingOptions {
  /** Send the IETF `RateLimit` and `RateLimit-Policy` fields (draft 10) on limited routes. Default `true`. */
  readonly headers?: boolean;
  /**
   * Also send older fields: `"draft-6"` (`RateLimit-Limit`, `-Remaining`, `-Reset`) or
   * `"x-ratelimit"` (`X-RateLimit-Limit`, `-Remaining`, `-Reset` as epoch seconds). Default `false`.
   */
  readonly legacyHeaders?: LegacyRateLimitHeaders | false;
  /** Longest time in milliseconds a request waits for the store (Redis) before the fallback decides. Default 250. */
  readonly storeTimeout?: number;
  /**
   * While the store is down or slower than `storeTimeout`: `"closed"` keeps limiting, each
   * instance on its own (in memory, `points / instances` each); `"open"` stops limiting until the
   * store is back. Default `"closed"`.
   */
  readonly onStoreError?: "closed" | "open";
  /** How many app instances share the store; sizes the per-instance fallback. Default 1. */
  readonly instances?: number;
  /** Most limit keys held in memory at once (least recently used dropped first). Default 100,000. */
  readonly maxKeys?: number;
  /** IPv6 clients are counted by this prefix length, so one host cannot rotate addresses. Default 64. */
  readonly ipv6Prefix?: number;
}

/** A failure counter: `points` failures per `duration` seconds, then blocked `blockDuration` seconds. */
export interface FailureLimit {
  /** Failures allowed per window. */
  readonly points: number;
  /** Window length in seconds. */
  readonly duration: number;
  /** Seconds the key stays blocked once past `points`. Default `duration`. */
  readonly blockDuration?: number;
}

/** Brute-force lockout (`bruteForce` in `bulwark(config)`); on by default, `false` turns it off. */
export interface BruteForceOptions {
  /** Failures a (client IP, account) pair may make before it is locked out. Default 5. */
  readonly freeRetries?: number;
  /** Seconds over which a pair's failures count. Default 900. */
  readonly window?: number;
  /** First lockout in seconds; each further lockout of the pair doubles it. Default 60. */
  readonly blockDuration?: number;
  /** Longest lockout in seconds. Default 3,600. */
  readonly maxBlockDuration?: number;
  /** Seconds a pair's lockouts are remembered for doubling. Default 86,400. */
  readonly escalationWindow?: number;
  /** Failures per client IP over all accounts. Default `{ points: 100, duration: 3600 }`. */
  readonly perIp?: FailureLimit | false;
  /**
   * Failures per account from all IPs (distributed guessing). Locks the account for everyone,
   * so keep it well above `freeRetries`. Default `{ points: 50, duration: 3600, blockDuration: 900 }`.
   */
  readonly perAccount?: FailureLimit | false;
  /** Count failed authentications of the configured authenticators (per client IP). Default `true`. */
  readonly authenticators?: boolean;
}

/** Who `recordFailure` / `recordSuccess` / `checkLockout` are about. */
export interface BruteForceKey {
  /** The account tried (user name, e-mail); compared case-insensitively. */
  readonly account?: string;
  /** The client IP (`req.bulwark.ip`). */
  readonly ip?: string;
}

/** Whether a key is locked out, and for how long. */
export interface LockoutStatus {
  /** True while the key is locked out. */
  readonly locked: boolean;
  /** Seconds until the lockout ends (0 when not locked). */
  readonly retryAfter: number;
}

/** Pressure levels of adaptive throttling. */
export type ThrottleLevel = "normal" | "tight" | "shed";

/** Two thresholds of one pressure measure. */
export interface PressureThresholds {
  /** From this value, limits tighten by `factor`. */
  readonly tighten: number;
  /** From this value, non-priority requests are refused with 503. */
  readonly shed: number;
}

/**
 * Which requests are still served while shedding. Decided before authentication, so only what is
 * known then counts: the client IP (as resolved with `trustProxy`) or an app function.
 */
export interface ThrottlePriority {
  /** Client addresses or CIDR ranges served while shedding (internal callers, health checks). */
  readonly ips?: readonly string[];
  /**
   * Marks a request as priority. It runs before authentication: anything it reads from the
   * request can be forged, so use it only for what authentication will verify afterwards.
   */
  readonly when?: (request: SecurityRequest, ip: string) => boolean;
}

/** Adaptive throttling (`throttle` in `bulwark(config)`); off by default. */
export interface ThrottleOptions {
  /** Event-loop delay in milliseconds (99th percentile over a sampling interval). Default `{ tighten: 100, shed: 300 }`. */
  readonly eventLoopDelay?: PressureThresholds | false;
  /** Used heap as a fraction of the heap limit. Default `{ tighten: 0.85, shed: 0.95 }`. */
  readonly heapUsed?: PressureThresholds | false;
  /** An app-supplied pressure signal, read at every sample. */
  readonly signal?: () => ThrottleLevel;
  /** Limits are multiplied by this under pressure (0 < factor < 1). Default 0.5. */
  readonly factor?: number;
  /** Milliseconds between samples. Default 500. */
  readonly interval?: number;
  /** `Retry-After` seconds of a shed request. Default 5. */
  readonly retryAfter?: number;
  /** Requests served while shedding. */
  readonly priority?: ThrottlePriority;
}

/** Functions rate limiting adds to what `bulwark()` returns. */
export interface RateLimitApi {
  /** Records a failed login for `key` (`{ account, ip: req.bulwark.ip }`); says whether it is now locked out. */
  recordFailure(key: BruteForceKey): Promise<LockoutStatus>;
  /** Records a successful login: the pair's failures and lockouts are forgotten. */
  recordSuccess(key: BruteForceKey): Promise<void>;
  /** Throws a 429 `AUTH_LOCKED_OUT` `SecurityError` (with `Retry-After`) while `key` is locked out. */
  checkLockout(key: BruteForceKey): Promise<void>;
  /** The current adaptive-throttling level (`normal` when throttling is off). */
  throttleLevel(): ThrottleLevel;
  /** Stops the throttling sampler; call when the app shuts down (and in tests). */
  close(): void;
}
