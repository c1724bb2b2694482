/**
 * rate-limiter-flexible's limiters in process memory, bounded. `RateLimiterMemory` keeps every key
 * (with a timer each) until it expires, so a flood of distinct keys grows memory without limit.
 * This limiter plugs a bounded, least-recently-used counter table into the library's documented
 * extension point for stores (`RateLimiterStoreAbstract`): the library still decides everything
 * (windows, blocking, rejection); the table only stores counters with their expiry.
 */
import { RateLimiterRedis, RateLimiterRes, type RateLimiterStoreAbstract } from "rate-limiter-flexible";

/**
 * The library exports `RateLimiterStoreAbstract` in its types but not at runtime; it is the
 * direct parent of `RateLimiterRedis`, so take it from there (and check, in case that changes).
 */
const StoreAbstract = Object.getPrototypeOf(RateLimiterRedis) as typeof RateLimiterStoreAbstract;
if (typeof StoreAbstract !== "function" || StoreAbstract.name !== "RateLimiterStoreAbstract" || typeof (StoreAbstract.prototype as unknown as Partial<StoreOperations>)._consume !== "function") {
  throw new Error("rate-limiter-flexible changed its class layout: RateLimiterStoreAbstract or its _consume not found.");
}

/** One counter: consumed points and when it expires (0: never). */
class Counter {
  constructor(
    public value: number,
    public expiresAt: number,
  ) {}
}

/**
 * Counters with expiry, at most `maxKeys` of them, in two generations of at most `maxKeys / 2`:
 * new and touched counters go to the young generation; when it is full, the old one is dropped
 * whole and the young one becomes old. A counter touched within the last `maxKeys / 2` new keys
 * survives (least recently used, approximately), every operation is O(1), and a flood of distinct
 * keys can never hold more than `maxKeys`. Expired counters go when touched (no timer per key).
 */
export class BoundedCounterTable {
  /** The bound. */
  readonly maxKeys: number;
  private readonly generation: number;
  private young = new Map<string, Counter>();
  private old = new Map<string, Counter>();

  /** Creates an empty table holding at most `maxKeys` counters. */
  constructor(maxKeys: number) {
    this.maxKeys = maxKeys;
    this.generation = Math.max(1, Math.floor(maxKeys / 2));
  }

  /** Counters held now (expired ones count until touched or dropped). */
  get size(): number {
    return this.young.size + this.old.size;
  }

  /** Adds `points` to `key` (or, with `replace`, sets it), starting a window of `ms` when new. */
  upsert(key: string, points: number, ms: number, replace: boolean): Counter {
    const now = Date.now();
    const current = this.live(key, now);
    if (current !== undefined && !replace) {
      current.value += points;
      return current;
    }
    const counter = new Counter(points, ms > 0 ? now + ms : 0);
    if (current !== undefined) this.young.set(key, counter);
    else this.add(key, counter);
    return counter;
  }

  /** The live counter of `key`, if any. */
  get(key: string): Counter | undefined {
    return this.live(key, Date.now());
  }

  /** Drops `key`; true when it was there. */
  delete(key: string): boolean {
    const inYoung = this.young.delete(key);
    return this.old.delete(key) || inYoung;
  }

  /** The live counter of `key`, moved to the young generation; drops it when expired. */
  private live(key: string, now: number): Counter | undefined {
    let counter = this.young.get(key);
    if (counter !== undefined) {
      if (counter.expiresAt === 0 || counter.expiresAt > now) return counter;
      this.young.delete(key);
      return undefined;
    }
    counter = this.old.get(key);
    if (counter === undefined) return undefined;
    this.old.delete(key);
    if (counter.expiresAt !== 0 && counter.expiresAt <= now) return undefined;
    this.add(key, counter);
    return counter;
  }

  private add(key: string, counter: Counter): void {
    if (this.young.size >= this.generation) {
      // With a bound of 1 there is room for one generation only.
      this.old = this.maxKeys >= 2 ? this.young : new Map();
      this.young = new Map();
    }
    this.young.set(key, counter);
  }
}

/** The library's store operations that its public `consume` wraps (not in its typings). */
interface StoreOperations {
  readonly insuranceLimiter: unknown;
  readonly execEvenly: boolean;
  readonly inMemoryBlockOnConsumed: number;
  _consume(key: string | number, pointsToConsume: number, options: { [key: string]: unknown }): Promise<RateLimiterRes>;
  _afterConsume(
    resolve: (result: RateLimiterRes) => void,
    reject: (result: RateLimiterRes) => void,
    rlKey: string,
    changedPoints: number,
    storeResult: Counter,
  ): void;
  _getKeySecDuration(options: { [key: string]: unknown }): number;
}

if (typeof (StoreAbstract.prototype as unknown as Partial<StoreOperations>)._afterConsume !== "function") {
  throw new Error("rate-limiter-flexible changed its class layout: RateLimiterStoreAbstract's _afterConsume not found.");
}

const NO_OPTIONS = Object.freeze({});
const IGNORE = (): void => undefined;

/** Options of {@link BoundedMemoryLimiter}. */
export interface BoundedMemoryLimiterOptions {
  /** Points per window. */
  readonly points: number;
  /** Window in seconds. */
  readonly duration: number;
  /** Seconds a key is blocked once past `points` (0: none). */
  readonly blockDuration?: number;
  /** Prefix of this limiter's keys in the shared table. */
  readonly keyPrefix: string;
  /** The table (shared by all limiters of one bound). */
  readonly table: BoundedCounterTable;
}

/** A rate-limiter-flexible store limiter whose store is a {@link BoundedCounterTable}. */
export class BoundedMemoryLimiter extends StoreAbstract {
  private readonly table: BoundedCounterTable;

  /** Creates the limiter on `options.table`. */
  constructor(options: BoundedMemoryLimiterOptions) {
    super({
      points: options.points,
      duration: options.duration,
      blockDuration: options.blockDuration ?? 0,
      keyPrefix: options.keyPrefix,
      storeClient: options.table,
    });
    this.table = options.table;
  }

  /**
   * The library's own consume without its insurance wrapper: a memory limiter has no insurance
   * limiter to fall back on, and the wrapper would only add two promises to every request.
   */
  override consume(key: string | number, pointsToConsume = 1, options: { [key: string]: unknown } = {}): Promise<RateLimiterRes> {
    const operations = this as unknown as StoreOperations;
    if (operations.insuranceLimiter !== undefined) return super.consume(key, pointsToConsume, options);
    return operations._consume(key, pointsToConsume, options);
  }

  /**
   * `consume`, answered without a promise when the library allows at once: the counter is
   * updated here, then the library's own decision step (`_afterConsume`, the step its `consume`
   * ends with) judges it. A limiter that blocks, spreads requests out (`execEvenly`), keeps
   * in-memory blocks or has an insurance limiter always takes the library's promise path, and so
   * does a subclass with its own store step. Anything but an immediate allowance is a refusal, so a
   * library change that deferred an allowance would refuse rather than let a request through.
   */
  consumeNow(key: string, pointsToConsume: number): RateLimiterRes | Promise<RateLimiterRes> {
    const operations = this as unknown as StoreOperations;
    if (!this.decidesAtOnce()) return this.consume(key, pointsToConsume);
    const rlKey = this.getKey(key);
    const counter = this.table.upsert(rlKey, pointsToConsume, operations._getKeySecDuration(NO_OPTIONS) * 1000, false);
    this.allowance = undefined;
    this.deciding = true;
    try {
      operations._afterConsume(this.allowNow, IGNORE, rlKey, pointsToConsume, counter);
    } finally {
      this.deciding = false;
    }
    const allowance = this.allowance;
    this.allowance = undefined;
    // The library refuses through a promise of its own; the refusal it would give is this one.
    return allowance ?? Promise.reject(this._getRateLimiterRes(rlKey, pointsToConsume, counter));
  }

  private allowance: RateLimiterRes | undefined;
  private deciding = false;
  // Bound once; an allowance given after `consumeNow` returned is not waited for (it counts as a refusal).
  private readonly allowNow = (result: RateLimiterRes): void => {
    if (this.deciding) this.allowance = result;
  };

  private decidesAtOnce(): boolean {
    const operations = this as unknown as StoreOperations;
    return operations.insuranceLimiter === undefined
      && !(this.blockDuration > 0)
      && operations.execEvenly !== true
      && !(operations.inMemoryBlockOnConsumed > 0)
      && this._upsert === BoundedMemoryLimiter.prototype._upsert;
  }

  /**
   * Store step of the library: atomic (single-threaded) increment, or replace with `forceExpire`.
   * The library reads the answer a turn later, so it gets a copy: another consume of the same key
   * in between must not change what this one sees (a lockout would otherwise be skipped).
   */
  _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<Counter> {
    const counter = this.table.upsert(rlKey, points, msDuration, forceExpire);
    return Promise.resolve(new Counter(counter.value, counter.expiresAt));
  }

  /** Store step of the library: a copy of the counter, or `null`. */
  _get(rlKey: string): Promise<Counter | null> {
    const counter = this.table.get(rlKey);
    return Promise.resolve(counter === undefined ? null : new Counter(counter.value, counter.expiresAt));
  }

  /** Store step of the library: drop the counter. */
  _delete(rlKey: string): Promise<boolean> {
    return Promise.resolve(this.table.delete(rlKey));
  }

  /** Store step of the library: the raw counter as a `RateLimiterRes`. */
  _getRateLimiterRes(_rlKey: string, changedPoints: number, counter: Counter): RateLimiterRes {
    const msLeft = counter.expiresAt === 0 ? -1 : Math.max(0, counter.expiresAt - Date.now());
    return new RateLimiterRes(Math.max(this.points - counter.value, 0), msLeft, counter.value, counter.value === changedPoints);
  }
}
