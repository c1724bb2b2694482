/**
 * Brute-force lockout on rate-limiter-flexible counters. Failed logins are counted per (client IP,
 * account) pair, per client IP and per account. Past `freeRetries` the pair is locked out, for
 * longer at each lockout (doubling up to a maximum); past their own thresholds the IP or the
 * account is locked out; a success clears the pair. Failed authentications of the configured
 * authenticators count against the client IP.
 */
import { RateLimiterRes } from "rate-limiter-flexible";
import { sha256 } from "../crypto/sha256.js";
import { SecurityError } from "../errors/security-error.js";
import { normalizeIp } from "../request/client-ip.js";
import type { BoundedCounterTable } from "./bounded-memory-limiter.js";
import type { Limiter, LimiterFactory, StoreFailureReport } from "./limiter-factory.js";
import type { BruteForceKey, FailureLimit, LockoutStatus } from "./rate-limit-options.js";
import { secondsUntil } from "./rate-limit-headers.js";

/** Brute-force settings with every default filled in. */
export interface ResolvedBruteForce {
  readonly freeRetries: number;
  readonly window: number;
  readonly blockDuration: number;
  readonly maxBlockDuration: number;
  readonly escalationWindow: number;
  readonly perIp: Required<FailureLimit> | false;
  readonly perAccount: Required<FailureLimit> | false;
  readonly authenticators: boolean;
}

interface Standing {
  readonly locked: boolean;
  readonly ms: number;
}

const FREE: Standing = Object.freeze({ locked: false, ms: 0 });
const NOT_LOCKED: LockoutStatus = Object.freeze({ locked: false, retryAfter: 0 });

/** Keys of one attempt in the counters. */
interface AttemptKeys {
  readonly pair: string;
  readonly ip: string | undefined;
  readonly account: string | undefined;
}

/** The lockout guard of one engine. */
export class BruteForceGuard {
  private readonly pair: Limiter;
  private readonly lockouts: Limiter;
  private readonly ip: Limiter | undefined;
  private readonly account: Limiter | undefined;
  /** The counters, when they live in this process only (memory store). */
  private readonly localTable: BoundedCounterTable | undefined;

  /** Builds the counters on `factory` (its own bounded table, so request floods cannot evict them). */
  constructor(
    private readonly settings: ResolvedBruteForce,
    factory: LimiterFactory,
    private readonly group: (ip: string) => string,
    private readonly failOpen: boolean,
    private readonly onStoreFailure: StoreFailureReport,
  ) {
    // A limiter refuses once consumed > points: `points` failures are free, the next one locks.
    this.localTable = factory.shared ? undefined : factory.table;
    this.pair = factory.build({ name: "pair", points: settings.freeRetries - 1, duration: settings.window, blockDuration: 0 });
    this.lockouts = factory.build({ name: "lockouts", points: Number.MAX_SAFE_INTEGER, duration: settings.escalationWindow, blockDuration: 0 });
    this.ip = settings.perIp === false ? undefined : factory.build({ name: "ip", points: settings.perIp.points - 1, duration: settings.perIp.duration, blockDuration: settings.perIp.blockDuration });
    this.account = settings.perAccount === false ? undefined : factory.build({ name: "account", points: settings.perAccount.points - 1, duration: settings.perAccount.duration, blockDuration: settings.perAccount.blockDuration });
  }

  /** True when failed authentications of the authenticators are counted. */
  get countsAuthenticators(): boolean {
    return this.settings.authenticators && this.ip !== undefined;
  }

  /** Records a failed login; says whether the attempt's keys are now locked out. */
  async recordFailure(key: BruteForceKey): Promise<LockoutStatus> {
    const keys = this.keysOf(key);
    const standings = await Promise.all([
      this.failPair(keys.pair),
      this.ip && keys.ip !== undefined ? this.fail(this.ip, keys.ip) : FREE,
      this.account && keys.account !== undefined ? this.fail(this.account, keys.account) : FREE,
    ]);
    return statusOf(standings);
  }

  /** Records a successful login: the pair's failures and lockouts are forgotten. */
  async recordSuccess(key: BruteForceKey): Promise<void> {
    const { pair } = this.keysOf(key);
    try {
      await Promise.all([this.pair.limiter.delete(pair), this.lockouts.limiter.delete(pair)]);
    } catch (error) {
      this.onStoreFailure(error);
    }
  }

  /** Whether the attempt's keys are locked out now. */
  async status(key: BruteForceKey): Promise<LockoutStatus> {
    const keys = this.keysOf(key);
    const standings = await Promise.all([
      this.look(this.pair, keys.pair),
      this.ip && keys.ip !== undefined ? this.look(this.ip, keys.ip) : FREE,
      this.account && keys.account !== undefined ? this.look(this.account, keys.account) : FREE,
    ]);
    return statusOf(standings);
  }

  /** Throws `AUTH_LOCKED_OUT` while the attempt's keys are locked out. */
  async checkLockout(key: BruteForceKey): Promise<void> {
    const status = await this.status(key);
    if (status.locked) throw lockedOut(status);
  }

  /** A failed authentication from `clientKey` (already grouped): counted per IP; throws once locked out. */
  async authenticationFailed(clientKey: string): Promise<void> {
    if (this.ip === undefined) return;
    const standing = await this.fail(this.ip, clientKey);
    if (standing.locked) throw lockedOut(toStatus(standing));
  }

  /**
   * A successful authentication from `clientKey`: refused while the IP is locked out (no success
   * oracle). `undefined` when there is nothing to wait for.
   */
  authenticationSucceeded(clientKey: string): Promise<void> | undefined {
    // In memory, an empty table means no failure is on record, so no lockout: every request with
    // a valid credential would otherwise pay a store read for nothing (and a promise).
    if (this.ip === undefined || this.localTable?.size === 0) return undefined;
    return this.look(this.ip, clientKey).then((standing) => {
      if (standing.locked) throw lockedOut(toStatus(standing));
    });
  }

  private keysOf(key: BruteForceKey): AttemptKeys {
    const ip = typeof key?.ip === "string" ? this.group(normalizeIp(key.ip) ?? "invalid") : undefined;
    const account = typeof key?.account === "string" ? accountKey(key.account) : undefined;
    return { pair: `${ip ?? "-"}|${account ?? "*"}`, ip, account };
  }

  private async failPair(key: string): Promise<Standing> {
    try {
      await this.pair.limiter.consume(key);
      return FREE;
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) return this.storeFailed(error);
      // Only the failure that crossed the threshold locks (concurrent ones see a higher count).
      if (error.consumedPoints !== this.pair.basePoints + 1) return { locked: true, ms: error.msBeforeNext };
      try {
        const lockouts = await this.lockouts.limiter.penalty(key);
        const seconds = Math.min(this.settings.maxBlockDuration, this.settings.blockDuration * 2 ** Math.min(30, lockouts.consumedPoints - 1));
        await this.pair.limiter.block(key, seconds);
        return { locked: true, ms: seconds * 1000 };
      } catch (failure) {
        return this.storeFailed(failure);
      }
    }
  }

  private async fail(limiter: Limiter, key: string): Promise<Standing> {
    try {
      await limiter.limiter.consume(key);
      return FREE;
    } catch (error) {
      if (error instanceof RateLimiterRes) return { locked: true, ms: error.msBeforeNext };
      return this.storeFailed(error);
    }
  }

  private async look(limiter: Limiter, key: string): Promise<Standing> {
    try {
      const result = await limiter.limiter.get(key);
      if (result === null || result.consumedPoints <= limiter.basePoints) return FREE;
      return { locked: true, ms: result.msBeforeNext };
    } catch (error) {
      return this.storeFailed(error);
    }
  }

  private storeFailed(error: unknown): Standing {
    this.onStoreFailure(error);
    if (this.failOpen) return FREE;
    throw new SecurityError("SERVICE_UNAVAILABLE", { headers: { "Retry-After": "1" }, cause: error });
  }
}

/** Accounts are compared case-insensitively, and stored hashed (no user names in the store). */
function accountKey(account: string): string {
  return sha256(account.normalize("NFKC").trim().toLowerCase(), "base64url");
}

function statusOf(standings: readonly Standing[]): LockoutStatus {
  let locked = false;
  let ms = 0;
  for (const standing of standings) {
    if (!standing.locked) continue;
    locked = true;
    ms = Math.max(ms, standing.ms);
  }
  return locked ? { locked, retryAfter: secondsUntil(ms) } : NOT_LOCKED;
}

function toStatus(standing: Standing): LockoutStatus {
  return { locked: standing.locked, retryAfter: secondsUntil(standing.ms) };
}

function lockedOut(status: LockoutStatus): SecurityError {
  return new SecurityError("AUTH_LOCKED_OUT", { headers: { "Retry-After": String(status.retryAfter) } });
}
