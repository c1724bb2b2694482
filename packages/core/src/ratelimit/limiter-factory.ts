/**
 * Builds the rate-limiter-flexible limiters for the configured store, once at startup: in memory
 * (bounded), or on Redis behind a timeout with an in-memory insurance limiter that keeps limiting
 * per instance while Redis is slow or down. Whichever answers, the library decides.
 */
import { RLWrapperTimeouts, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { RedisClientLike, RedisStore } from "../store/redis-store.js";
import type { SecurityStore } from "../store/store.js";
import { BoundedCounterTable, BoundedMemoryLimiter, type BoundedMemoryLimiterOptions } from "./bounded-memory-limiter.js";

/** A limiter as the rest of rate limiting uses it. */
export interface Limiter {
  /** The rate-limiter-flexible limiter to call (`consume`, `get`, `block`, `penalty`, `delete`). */
  readonly limiter: RateLimiterAbstract;
  /** The points it allows per window when nothing tightens it. */
  readonly basePoints: number;
  /** Changes the points per window (adaptive throttling), for the store and its fallback. */
  setPoints(points: number): void;
}

/** What one limiter counts. */
export interface LimiterSpec {
  /** Unique name; becomes part of every key. */
  readonly name: string;
  /** Points per window. */
  readonly points: number;
  /** Window in seconds. */
  readonly duration: number;
  /** Seconds to block once past `points` (0: none). */
  readonly blockDuration: number;
}

/** Settings the factory needs. */
export interface LimiterFactorySettings {
  /** Longest wait for the store, in milliseconds. */
  readonly storeTimeout: number;
  /** `closed`: insurance limiter while the store fails; `open`: the failure reaches the caller. */
  readonly onStoreError: "closed" | "open";
  /** Instances sharing the store (the insurance allows `points / instances`). */
  readonly instances: number;
  /** Bound of the in-memory table. */
  readonly maxKeys: number;
  /** Namespace of this factory's keys (`rl`, `bf`...). */
  readonly namespace: string;
}

/** Creates limiters; `table` is the bounded memory they (or their insurance) count in. */
export interface LimiterFactory {
  /** Builds the limiter of `spec`. */
  build(spec: LimiterSpec): Limiter;
  /** The in-memory table (the store itself with a memory store, the insurance with Redis). */
  readonly table: BoundedCounterTable;
  /** True when limits are shared through Redis. */
  readonly shared: boolean;
}

/** Told when the store fails and a fallback decides instead (at most once a minute). */
export type StoreFailureReport = (error: unknown) => void;

const REPORT_EVERY_MS = 60_000;

/** Calls `report` for the first store failure of an outage, then at most once a minute. */
export function storeFailureReporter(report: (error: unknown) => void, client: RedisClientLike | undefined): StoreFailureReport {
  let lastReport = -Infinity;
  return (error) => {
    const now = Date.now();
    if (now - lastReport < REPORT_EVERY_MS) return;
    lastReport = now;
    // A client created with lazyConnect is never connected by limiters that wait for "ready".
    const lazy = client as (RedisClientLike & { status?: string; connect?: () => Promise<unknown> }) | undefined;
    if (lazy?.status === "wait" && typeof lazy.connect === "function") lazy.connect().catch(() => undefined);
    try {
      report(error);
    } catch {
      // Reporting must never change an answer.
    }
  };
}

/** The insurance limiter: a bounded memory limiter that reports each time it has to stand in. */
class InsuranceLimiter extends BoundedMemoryLimiter {
  constructor(
    options: BoundedMemoryLimiterOptions,
    private readonly onUse: StoreFailureReport,
  ) {
    super(options);
  }

  override _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false) {
    this.onUse(new Error("rate-limit store unavailable or slower than storeTimeout; limiting per instance"));
    return super._upsert(rlKey, points, msDuration, forceExpire);
  }

  override _get(rlKey: string) {
    this.onUse(new Error("rate-limit store unavailable or slower than storeTimeout; limiting per instance"));
    return super._get(rlKey);
  }
}

/** Builds the limiter factory for `store`. */
export function limiterFactory(store: SecurityStore, settings: LimiterFactorySettings, onFailure: StoreFailureReport): LimiterFactory {
  const table = new BoundedCounterTable(settings.maxKeys);
  if (store.kind !== "redis") {
    return {
      table,
      shared: false,
      build(spec) {
        const limiter = new BoundedMemoryLimiter({ ...spec, keyPrefix: `${settings.namespace}:${spec.name}`, table });
        return {
          limiter,
          basePoints: spec.points,
          setPoints(points) {
            limiter.points = points;
          },
        };
      },
    };
  }
  const { client, prefix } = store as RedisStore;
  return {
    table,
    shared: true,
    build(spec) {
      const redis = new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `${prefix}${settings.namespace}:${spec.name}`,
        points: spec.points,
        duration: spec.duration,
        blockDuration: spec.blockDuration,
        // Straight to the insurance while disconnected, instead of queueing behind a reconnect.
        rejectIfRedisNotReady: true,
      });
      const insurance = settings.onStoreError === "closed"
        ? new InsuranceLimiter({
          points: insurancePoints(spec.points, settings.instances),
          duration: spec.duration,
          blockDuration: spec.blockDuration,
          keyPrefix: `ins:${settings.namespace}:${spec.name}`,
          table,
        }, onFailure)
        : undefined;
      const limiter: RateLimiterAbstract = new RLWrapperTimeouts({
        limiter: redis,
        timeoutMs: settings.storeTimeout,
        blockDuration: spec.blockDuration,
        ...(insurance ? { insuranceLimiter: insurance } : {}),
      });
      return {
        limiter,
        basePoints: spec.points,
        setPoints(points) {
          redis.points = points;
          if (insurance) insurance.points = insurancePoints(points, settings.instances);
        },
      };
    },
  };
}

function insurancePoints(points: number, instances: number): number {
  return Math.max(1, Math.ceil(points / instances));
}
