/**
 * The rate-limiting feature: load shedding and the global limit before authentication, route
 * limits after it (policy key `rateLimit`), brute-force lockout on authentication results and for
 * app login routes, adaptive throttling. Everything is built at `bulwark()` time; per request only
 * keys are built and points consumed.
 */
import { ConfigError, SecurityError } from "../errors/security-error.js";
import { STAGE, type Feature, type Step } from "../pipeline/feature.js";
import type { RequestState } from "../pipeline/request-state.js";
import { hasForwardingHeaders, ipKeyGrouper, trustsEveryAddress } from "../request/client-ip.js";
import type { RedisStore } from "../store/redis-store.js";
import { PressureMonitor } from "./adaptive-throttle.js";
import { BruteForceGuard } from "./brute-force.js";
import { checkRateLimitOption, ruleList, type LimitStage } from "./check-rate-limit-option.js";
import { limiterFactory, storeFailureReporter } from "./limiter-factory.js";
import { clientKeyOf } from "./limit-key.js";
import { headerBuilder, secondsUntil, type LimitOutcome } from "./rate-limit-headers.js";
import type { BruteForceKey, RateLimitApi, RateLimitOption, ThrottleLevel } from "./rate-limit-options.js";
import { RATE_LIMITING_SHAPE, resolveRateLimiting } from "./resolve-rate-limiting.js";
import { RuleLimiter, type RuleContext } from "./rule-limiter.js";

const OUTCOMES = Symbol("bulwark.ratelimit.outcomes");

/** A rule that counted (one that did not apply to the request answers `undefined`); one function for every request. */
function isOutcome(outcome: LimitOutcome | undefined): outcome is LimitOutcome {
  return outcome !== undefined;
}

/** The rate-limiting feature. */
export const rateLimitFeature: Feature = {
  name: "rate limiting",
  shape: RATE_LIMITING_SHAPE,
  setup({ config, emit }, problems) {
    const { options } = config;
    const settings = resolveRateLimiting(options, problems);
    let group: (ip: string) => string = (ip) => ip;
    try {
      group = ipKeyGrouper(settings.ipv6Prefix);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
    const clientKey = clientKeyOf(group);
    const redisClient = config.store.kind === "redis" ? (config.store as Partial<RedisStore>).client : undefined;
    if (config.store.kind === "redis" && typeof (redisClient as { multi?: unknown } | undefined)?.multi !== "function") {
      problems.push("store is a Redis store without an ioredis client: rate limiting needs redisStore(new Redis(url)) from the ioredis package.");
      return {};
    }
    const onStoreFailure = storeFailureReporter(
      (error) => config.onError(error, { requestId: "-", method: "rate-limit", route: "store" }),
      redisClient,
    );
    const failOpen = settings.onStoreError === "open";
    const factorySettings = { ...settings, namespace: "rl" };
    const context: RuleContext = {
      factory: limiterFactory(config.store, factorySettings, onStoreFailure),
      clientKey,
      failOpen,
      onStoreFailure,
      tightFactor: settings.throttle === false ? 1 : settings.throttle.factor,
      byName: new Map(),
    };
    const headersOf = headerBuilder(settings.headers, settings.legacyHeaders);
    const allRules: RuleLimiter[] = [];
    let routeIndex = 0;
    let tight = false;

    function compileRules(option: RateLimitOption, stage: LimitStage, baseName: string, found: string[]): RuleLimiter[] {
      const rules = ruleList(option);
      const compiled: RuleLimiter[] = [];
      rules.forEach((rule, i) => {
        const name = rule.name ?? (rules.length === 1 ? baseName : `${baseName}-${i}`);
        try {
          const limiter = new RuleLimiter(rule, name, stage, context);
          if (tight) limiter.setTight(true);
          compiled.push(limiter);
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          found.push(`${stage === "global" ? "rateLimit" : "policy.rateLimit"}: ${error.message}`);
        }
      });
      allRules.push(...compiled);
      return compiled;
    }

    /**
     * Consumes every rule's points; done at once (`undefined`) when every store answered at once,
     * else settles once all have answered. Throws (or rejects) when a limit refused.
     */
    function enforce(rules: readonly RuleLimiter[], state: RequestState): Promise<void> | undefined {
      if (rules.length === 1) {
        const answer = rules[0]!.consume(state);
        if (answer === undefined) return undefined;
        if (answer instanceof Promise) return answer.then((outcome) => record(state, outcome === undefined ? [] : [outcome]));
        record(state, [answer]);
        return undefined;
      }
      const answers: (LimitOutcome | Promise<LimitOutcome | undefined> | undefined)[] = [];
      let waits = false;
      for (const rule of rules) {
        const answer = rule.consume(state);
        if (answer instanceof Promise) waits = true;
        answers.push(answer);
      }
      if (waits) return Promise.all(answers).then((settled) => record(state, settled.filter(isOutcome)));
      record(state, (answers as (LimitOutcome | undefined)[]).filter(isOutcome));
      return undefined;
    }

    /** Keeps the outcomes for the RateLimit fields; throws when a limit refused. */
    function record(state: RequestState, outcomes: readonly LimitOutcome[]): void {
      const earlier = state.extras.get(OUTCOMES) as LimitOutcome[] | undefined;
      const all = earlier === undefined ? outcomes : earlier.concat(outcomes);
      state.extras.set(OUTCOMES, all);
      let violated: string[] | undefined;
      let waitMs = 0;
      for (const outcome of outcomes) {
        if (!outcome.limited) continue;
        (violated ??= []).push(outcome.name);
        waitMs = Math.max(waitMs, outcome.resetMs);
      }
      if (violated === undefined) return;
      const headers = headersOf(all);
      headers["Retry-After"] = String(secondsUntil(waitMs));
      throw new SecurityError("RATE_LIMITED", { headers, extensions: { "violated-policies": violated } });
    }

    const globalRules = options.rateLimit === undefined ? [] : compileRules(options.rateLimit, "global", "global", problems);

    const bruteForce = settings.bruteForce === false
      ? undefined
      : new BruteForceGuard(
        settings.bruteForce,
        limiterFactory(config.store, { ...settings, namespace: "bf" }, onStoreFailure),
        group,
        failOpen,
        onStoreFailure,
      );

    const throttle = settings.throttle === false ? undefined : settings.throttle;
    let monitor: PressureMonitor | undefined;
    if (throttle !== undefined && problems.length === 0) {
      monitor = new PressureMonitor(throttle, (from, to, reading) => {
        const nowTight = to !== "normal";
        if (nowTight !== tight) {
          tight = nowTight;
          for (const rule of allRules) rule.setTight(nowTight);
        }
        emit("throttle.changed", undefined, to, { from, to, ...reading });
      });
    }
    const shedHeaders = { "Retry-After": String(throttle?.retryAfter ?? 5) };

    // Startup warnings: risky settings that can still work.
    if (failOpen) {
      config.warn("BULWARK_RATE_LIMIT_FAIL_OPEN", "Bulwark: `rateLimiting.onStoreError: \"open\"` stops every rate limit and lockout while the store is down or slow. Keep the default \"closed\" unless availability matters more than protection.");
    }
    if (config.store.kind === "memory" && settings.instances > 1) {
      config.warn("BULWARK_RATE_LIMIT_MEMORY_STORE", `Bulwark: \`rateLimiting.instances\` is ${settings.instances} but the store is in memory, so each instance counts on its own (limits multiply by the number of instances). Use \`store: redisStore(redis)\`.`);
    }
    if (Array.isArray(options.trustProxy) && trustsEveryAddress(options.trustProxy)) {
      config.warn("BULWARK_TRUST_ALL_PROXIES", "Bulwark: `trustProxy` lists a /0 range, which believes X-Forwarded-For from anyone, so clients can choose their IP. List your proxies' addresses or give their hop count.");
    }

    // Runtime check: forwarding headers reaching an app that trusts no proxy (once per process).
    let proxyChecked = config.trustsProxy;
    function checkProxy(state: RequestState): void {
      if (!hasForwardingHeaders(state.request.headers)) return;
      proxyChecked = true;
      config.warn("BULWARK_PROXY_WITHOUT_TRUST", "Bulwark: a request carried X-Forwarded-For or Forwarded, but `trustProxy` is off, so the proxy's address counts as the client IP (every client shares its limits). Behind a proxy, set `trustProxy` to its hop count or addresses; if clients reach the app directly, silence this warning.");
    }

    const beforeAuth: Step = (state) => {
      if (!proxyChecked) checkProxy(state);
      if (monitor !== undefined && monitor.level === "shed" && !throttle!.isPriority(state.request, state.context.ip)) {
        throw new SecurityError("SERVICE_OVERLOADED", { headers: shedHeaders });
      }
      return globalRules.length > 0 ? enforce(globalRules, state) : undefined;
    };

    function guard(): BruteForceGuard {
      if (bruteForce === undefined) throw new ConfigError(["bruteForce is off (`bruteForce: false`), so login failures cannot be counted; remove the call or turn bruteForce on."]);
      return bruteForce;
    }

    const api: RateLimitApi = {
      recordFailure: async (key: BruteForceKey) => guard().recordFailure(key),
      recordSuccess: async (key: BruteForceKey) => guard().recordSuccess(key),
      checkLockout: async (key: BruteForceKey) => guard().checkLockout(key),
      throttleLevel: (): ThrottleLevel => monitor?.level ?? "normal",
      close: () => monitor?.stop(),
    };

    const countsAuthentication = bruteForce !== undefined && bruteForce.countsAuthenticators;
    /** The RateLimit headers of every limit the request met, set once when the head goes out. */
    function beforeHead(state: RequestState): void {
      const outcomes = state.extras.get(OUTCOMES) as LimitOutcome[] | undefined;
      if (outcomes === undefined || outcomes.length === 0) return;
      const headers = headersOf(outcomes);
      for (const name in headers) state.sink.setHeader(name, headers[name]!);
    }

    return {
      beforeAuth,
      beforeHead,
      ...(countsAuthentication
        ? {
          onAuthFailure: (state: RequestState) => bruteForce.authenticationFailed(clientKey(state)),
          onAuthSuccess: (state: RequestState) => bruteForce.authenticationSucceeded(clientKey(state)),
        }
        : {}),
      policyKeys: ["rateLimit"],
      compile(policy, found) {
        if (policy.rateLimit === undefined) return undefined;
        const before = found.length;
        checkRateLimitOption(policy.rateLimit, "policy.rateLimit", "route", found);
        if (found.length > before) return undefined;
        let base = `route-${routeIndex++}`;
        while (context.byName.has(base) || context.byName.has(`${base}-0`)) base = `route-${routeIndex++}`;
        const rules = compileRules(policy.rateLimit, "route", base, found);
        return { stage: STAGE.rateLimit, step: (state) => enforce(rules, state) };
      },
      api: api as unknown as Readonly<Record<string, unknown>>,
    };
  },
};
