/**
 * Token revocation by `jti`, kept in the configured store: memory for one instance, Redis so that
 * a revocation made on one instance holds on every instance sharing it. An entry lives until the
 * token would have expired anyway, plus the largest clock tolerance `jwt()` accepts.
 */
import { sha256 } from "../crypto/sha256.js";
import type { SecurityStore } from "../store/store.js";

/** Revokes the token with this `jti` until `until` (a `Date`, or a NumericDate in seconds such as the token's `exp`). */
export type RevokeToken = (jti: string, until: Date | number) => Promise<void>;

/** The largest `clockTolerance` `jwt()` accepts, in seconds; revocations outlive `until` by it. */
export const MAX_CLOCK_TOLERANCE_SECONDS = 300;
const MAX_JTI_LENGTH = 1024;
const KEY_PREFIX = "auth:revoked:";

/** The store key of a revoked `jti` (hashed, so a long or odd `jti` makes a short, safe key). */
export function revocationKey(jti: string): string {
  return KEY_PREFIX + sha256(jti, "base64url");
}

/** Builds `revokeToken` over `store`. */
export function tokenRevoker(store: SecurityStore, now: () => number): RevokeToken {
  return async function revokeToken(jti, until) {
    if (typeof jti !== "string" || jti === "" || jti.length > MAX_JTI_LENGTH) {
      throw new TypeError(`revokeToken(jti, until) needs the token's jti: a non-empty string of at most ${MAX_JTI_LENGTH} characters.`);
    }
    const untilMs = until instanceof Date ? until.getTime() : typeof until === "number" ? until * 1000 : Number.NaN;
    if (!Number.isFinite(untilMs)) {
      throw new TypeError("revokeToken(jti, until) needs until: the token's exp (seconds since the epoch) or a Date.");
    }
    const ttlMs = Math.max(0, untilMs - now()) + MAX_CLOCK_TOLERANCE_SECONDS * 1000;
    await store.set(revocationKey(jti), "1", ttlMs);
  };
}

/** True when `jti` has been revoked. */
export async function isJtiRevoked(store: SecurityStore, jti: string): Promise<boolean> {
  return (await store.get(revocationKey(jti))) !== undefined;
}
