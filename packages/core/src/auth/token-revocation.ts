/**
 * Token revocation by `jti`, kept in the configured store: memory for one instance, Redis so that
 * a revocation made on one instance holds on every instance sharing it. An entry lives until the
 * token would have expired anyway, plus the largest clock tolerance `jwt()` accepts. It is written
 * durable: a full store never evicts it to make room (a memory store refuses the write instead, so
 * `revokeToken()` rejects rather than leave the token valid).
 */
import { sha256 } from "../crypto/sha256.js";
import type { SecurityStore } from "../store/store.js";

/**
 * Revokes the token with this `jti` until `until` (a `Date`, or a NumericDate in seconds such as the
 * token's `exp`). Any string `jti` a token can carry is accepted, the empty string included. Rejects
 * when the store cannot record the revocation (Redis down, memory store's durable table full).
 */
export type RevokeToken = (jti: string, until: Date | number) => Promise<void>;

/** The largest `clockTolerance` `jwt()` accepts, in seconds; revocations outlive `until` by it. */
export const MAX_CLOCK_TOLERANCE_SECONDS = 300;
const KEY_PREFIX = "auth:revoked:";

/** The store key of a revoked `jti` (hashed, so a long, empty or odd `jti` makes a short, safe key). */
export function revocationKey(jti: string): string {
  return KEY_PREFIX + sha256(jti, "base64url");
}

/** Builds `revokeToken` over `store`. */
export function tokenRevoker(store: SecurityStore, now: () => number): RevokeToken {
  return async function revokeToken(jti, until) {
    // Every string: `jwt()` accepts a token with any string jti (bounded by maxTokenBytes), so each
    // one must be revocable; the key is a hash, whatever the length.
    if (typeof jti !== "string") {
      throw new TypeError(`revokeToken(jti, until) needs the token's jti claim, a string, not ${jti === null ? "null" : typeof jti}.`);
    }
    const untilMs = until instanceof Date ? until.getTime() : typeof until === "number" ? until * 1000 : Number.NaN;
    if (!Number.isFinite(untilMs)) {
      throw new TypeError("revokeToken(jti, until) needs until: the token's exp (seconds since the epoch) or a Date.");
    }
    const ttlMs = Math.max(0, untilMs - now()) + MAX_CLOCK_TOLERANCE_SECONDS * 1000;
    await store.set(revocationKey(jti), "1", ttlMs, { durable: true });
  };
}

/** True when `jti` (any string, as {@link tokenRevoker} accepts) has been revoked. */
export async function isJtiRevoked(store: SecurityStore, jti: string): Promise<boolean> {
  return (await store.get(revocationKey(jti))) !== undefined;
}
