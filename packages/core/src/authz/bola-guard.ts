/**
 * Enumeration (BOLA) detection: ownership denials are counted per principal in the configured
 * store, in a fixed window. Past the threshold the principal is reported (`bola.suspected`) and,
 * unless `block` is 0, refused with 429 on ownership-checked routes for `block` seconds. The store
 * is shared, so a principal spreading its probes over several instances is counted once.
 */
import { sha256 } from "../crypto/sha256.js";
import type { Principal } from "../context/principal.js";
import { SecurityError } from "../errors/security-error.js";
import type { Emit } from "../events/emitter.js";
import type { RequestState } from "../pipeline/request-state.js";
import type { SecurityStore } from "../store/store.js";
import { DEFAULT_BOLA, type BolaOptions, type ResolvedBola } from "./authz-options.js";

/** The enumeration detector of one engine. */
export interface BolaGuard {
  /**
   * Throws 429 AUTHZ_ENUMERATION_BLOCKED while the principal is blocked (503 if the store fails,
   * unless failOpen). `undefined` when no block can be on record, so there is nothing to wait for.
   */
  assertNotBlocked(state: RequestState, principal: Principal): Promise<void> | undefined;
  /** Counts one denial; throws 429 when this denial trips the block. */
  recordDenial(state: RequestState, principal: Principal): Promise<void>;
  /** Counts one denial without waiting (for `authorize()` in a handler); never throws. */
  recordDenialLater(state: RequestState, principal: Principal): void;
}

/** Resolves `bola` (`undefined` and `true` mean the defaults). */
export function resolveBola(option: BolaOptions | boolean | undefined): ResolvedBola | undefined {
  if (option === false) return undefined;
  if (option === undefined || option === true) return DEFAULT_BOLA;
  return Object.freeze({
    threshold: option.threshold ?? DEFAULT_BOLA.threshold,
    window: option.window ?? DEFAULT_BOLA.window,
    block: option.block ?? DEFAULT_BOLA.block,
    failOpen: option.failOpen ?? DEFAULT_BOLA.failOpen,
  });
}

const NO_GUARD: BolaGuard = {
  assertNotBlocked: () => undefined,
  recordDenial: async () => undefined,
  recordDenialLater: () => undefined,
};

/**
 * Memory stores some detector has written a block to. In process memory, a store no block was
 * ever written to holds none, so the read before every ownership check can be skipped. (Blocks in
 * a shared store may come from any instance, so a Redis store is always read.)
 */
const storesWithBlocks = new WeakSet<SecurityStore>();

/** Builds the detector; a no-op when `settings` is undefined (`bola: false`). */
export function bolaGuard(settings: ResolvedBola | undefined, store: SecurityStore, emit: Emit, now: () => number): BolaGuard {
  if (settings === undefined) return NO_GUARD;
  const { threshold, failOpen, window: windowSeconds, block: blockSeconds } = settings;
  const windowMs = windowSeconds * 1000;
  const blockMs = blockSeconds * 1000;

  function blockedError(retryAfterSeconds: number): SecurityError {
    return new SecurityError("AUTHZ_ENUMERATION_BLOCKED", { headers: { "retry-after": String(retryAfterSeconds) } });
  }

  /** Counts the denial; returns the denials in the window, and blocks the principal past the threshold. */
  async function count(state: RequestState, principal: Principal): Promise<number> {
    const key = principalKey(principal);
    const denials = await store.increment(`bola:count:${key}`, windowMs);
    if (denials <= threshold) return denials;
    if (blockMs === 0) {
      if (denials === threshold + 1) emit("bola.suspected", state, "AUTHZ_ENUMERATION_SUSPECTED", { denials, windowSeconds });
      return denials;
    }
    storesWithBlocks.add(store);
    try {
      // Durable: a store flooded with other keys must not evict the block before it ends.
      await store.set(`bola:block:${key}`, String(now() + blockMs), blockMs, { durable: true });
    } catch {
      // No room for the block (a memory store's full durable table) or the store failed: the
      // count is past the threshold all the same, so this denial is still answered as blocked.
    }
    return denials;
  }

  const blocks = (denials: number) => blockMs > 0 && denials > threshold;

  /** Throws while the principal's block is on record. */
  async function readBlock(principal: Principal): Promise<void> {
    let until: string | undefined;
    try {
      until = await store.get(`bola:block:${principalKey(principal)}`);
    } catch (error) {
      if (failOpen) return;
      throw new SecurityError("SERVICE_UNAVAILABLE", { cause: error });
    }
    if (until === undefined) return;
    const seconds = Math.ceil((Number(until) - now()) / 1000);
    throw blockedError(Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, blockSeconds) : blockSeconds);
  }

  return {
    assertNotBlocked(_state, principal) {
      if (blockMs === 0 || (store.kind === "memory" && !storesWithBlocks.has(store))) return undefined;
      return readBlock(principal);
    },
    async recordDenial(state, principal) {
      let denials: number;
      try {
        denials = await count(state, principal);
      } catch {
        // The request is refused anyway; a store failure only loses one count.
        return;
      }
      if (blocks(denials)) {
        // Reported once, when the threshold trips; the refusals after it are plain denials.
        if (denials === threshold + 1) emit("bola.suspected", state, "AUTHZ_ENUMERATION_BLOCKED", { denials, windowSeconds });
        throw blockedError(blockSeconds);
      }
    },
    recordDenialLater(state, principal) {
      count(state, principal).then(
        (denials) => {
          // A route refusal reports itself; here nothing else would, so report the trip once.
          if (blocks(denials) && denials === threshold + 1) emit("bola.suspected", state, "AUTHZ_ENUMERATION_BLOCKED", { denials, windowSeconds });
        },
        () => undefined,
      );
    },
  };
}

/** The store key part naming a principal; long ids are hashed so keys stay short. */
function principalKey(principal: Principal): string {
  const raw = `${principal.kind}:${principal.id}`;
  return raw.length <= 128 ? raw : `h:${sha256(raw, "base64url")}`;
}
