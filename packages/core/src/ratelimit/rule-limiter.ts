/**
 * One limit, compiled at startup: its key builder, its rate-limiter-flexible limiters (a
 * `BurstyRateLimiter` when it has a burst) and its header items. Per request it builds a key and
 * consumes points; the library decides.
 */
import { BurstyRateLimiter, RateLimiterRes } from "rate-limiter-flexible";
import { SecurityError } from "../errors/security-error.js";
import type { RequestState } from "../pipeline/request-state.js";
import { BoundedMemoryLimiter } from "./bounded-memory-limiter.js";
import type { Limiter, LimiterFactory, StoreFailureReport } from "./limiter-factory.js";
import { keyBuilder, type ClientKey, type KeyBuilder } from "./limit-key.js";
import type { LimitStage } from "./check-rate-limit-option.js";
import { policyItem, type LimitOutcome } from "./rate-limit-headers.js";
import type { RateLimitRule } from "./rate-limit-options.js";

/** How long a burst allowance takes to be whole again, in windows, when only its points are given. */
export const BURST_WINDOWS = 10;

/** What compiling rules needs, shared by every rule of one engine. */
export interface RuleContext {
  readonly factory: LimiterFactory;
  readonly clientKey: ClientKey;
  /** True when a store failure lets requests through (`onStoreError: "open"`). */
  readonly failOpen: boolean;
  readonly onStoreFailure: StoreFailureReport;
  /** Factor limits are multiplied by under pressure. */
  readonly tightFactor: number;
  /** Limiters by name, so that rules with one name share one budget. */
  readonly byName: Map<string, SharedLimiters>;
}

/** The limiters behind one name. */
export interface SharedLimiters {
  readonly signature: string;
  readonly main: Limiter;
  readonly burst: Limiter | undefined;
}

interface Consumer {
  /** The library's answer: at once when it allows at once (memory store), else a promise. */
  consume(key: string, points: number): RateLimiterRes | Promise<RateLimiterRes>;
}

/** A compiled limit. */
export class RuleLimiter {
  /** Policy name (header fields, store keys). */
  readonly name: string;
  private readonly key: KeyBuilder;
  private readonly cost: number;
  private readonly consumer: Consumer;
  private readonly limiters: SharedLimiters;
  private readonly items: readonly [normal: string, tight: string];
  private readonly quotas: readonly [normal: number, tight: number];
  private tight = 0;

  /** Compiles `rule` (already checked) under `name`. */
  constructor(rule: RateLimitRule, name: string, stage: LimitStage, private readonly context: RuleContext) {
    this.name = name;
    this.key = keyBuilder(rule.by ?? (stage === "global" ? "ip" : "principal"), context.clientKey);
    this.cost = rule.cost ?? 1;
    this.limiters = sharedLimiters(rule, name, context);
    const { main, burst } = this.limiters;
    this.consumer = burst !== undefined
      ? new BurstyRateLimiter(main.limiter, burst.limiter)
      : main.limiter instanceof BoundedMemoryLimiter
        ? { consume: (key, points) => (main.limiter as BoundedMemoryLimiter).consumeNow(key, points) }
        : main.limiter;
    const tightQuota = Math.max(this.cost, Math.floor(rule.points * context.tightFactor));
    this.quotas = [rule.points, tightQuota];
    this.items = [policyItem(name, rule.points, rule.duration), policyItem(name, tightQuota, rule.duration)];
  }

  /** Tightens (or restores) the limit. */
  setTight(tight: boolean): void {
    this.tight = tight ? 1 : 0;
    this.limiters.main.setPoints(this.quotas[this.tight]!);
    const burst = this.limiters.burst;
    if (burst) burst.setPoints(tight ? Math.max(1, Math.floor(burst.basePoints * this.context.tightFactor)) : burst.basePoints);
  }

  /**
   * Consumes the request's points. Gives how the limit stands (`limited` when it refused), at once
   * when the store answered at once, or `undefined` when the store failed with
   * `onStoreError: "open"`; `undefined` at once when the rule does not apply.
   */
  consume(state: RequestState): LimitOutcome | Promise<LimitOutcome | undefined> | undefined {
    const key = this.key(state);
    if (key === undefined) return undefined;
    const answer = this.consumer.consume(key, this.cost);
    return answer instanceof RateLimiterRes ? this.outcome(answer, false) : answer.then(this.allowed, this.refused);
  }

  // Bound once: a closure per request would be garbage per request.
  private readonly allowed = (result: RateLimiterRes): LimitOutcome => this.outcome(result, false);

  private readonly refused = (error: unknown): LimitOutcome | undefined =>
    error instanceof RateLimiterRes ? this.outcome(error, true) : this.storeFailed(error);

  private outcome(result: RateLimiterRes, limited: boolean): LimitOutcome {
    return {
      name: this.name,
      policyItem: this.items[this.tight]!,
      quota: this.quotas[this.tight]!,
      remaining: limited ? 0 : result.remainingPoints,
      resetMs: result.msBeforeNext,
      limited,
    };
  }

  private storeFailed(error: unknown): undefined {
    this.context.onStoreFailure(error);
    if (this.context.failOpen) return undefined;
    throw new SecurityError("SERVICE_UNAVAILABLE", { headers: { "Retry-After": "1" }, cause: error });
  }
}

function sharedLimiters(rule: RateLimitRule, name: string, context: RuleContext): SharedLimiters {
  const burst = rule.burst === undefined
    ? undefined
    : typeof rule.burst === "number" ? { points: rule.burst, duration: rule.duration * BURST_WINDOWS } : rule.burst;
  const blockDuration = rule.blockDuration ?? 0;
  const signature = JSON.stringify([rule.points, rule.duration, blockDuration, burst?.points, burst?.duration]);
  const known = context.byName.get(name);
  if (known !== undefined) {
    if (known.signature !== signature) {
      throw new RangeError(`two rate limits are named "${name}" with different numbers; give each its own name, or the same points, duration, burst and blockDuration to share one budget.`);
    }
    return known;
  }
  const shared: SharedLimiters = {
    signature,
    main: context.factory.build({ name, points: rule.points, duration: rule.duration, blockDuration }),
    burst: burst === undefined ? undefined : context.factory.build({ name: `${name}:burst`, points: burst.points, duration: burst.duration, blockDuration: 0 }),
  };
  context.byName.set(name, shared);
  return shared;
}
