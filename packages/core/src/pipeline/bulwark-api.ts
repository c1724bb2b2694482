/**
 * The functions `bulwark(config)` returns besides the middleware, in every adapter.
 */
import type { RevokeToken } from "../auth/token-revocation.js";
import type { RateLimitApi } from "../ratelimit/rate-limit-options.js";

/** Revocation, brute-force records and lifecycle, the same in the three adapters. */
export interface BulwarkApi extends RateLimitApi {
  /** Revokes the token with this `jti` until `until` (a Date or epoch milliseconds), on every instance sharing the store. */
  readonly revokeToken: RevokeToken;
}
