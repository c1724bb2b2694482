/**
 * The top-level rate-limiting options of `bulwark(config)` (`rateLimit`, `rateLimiting`,
 * `bruteForce`, `throttle`): their shape (checked with the rest of the config, with "did you
 * mean" hints) and their resolution into settings with every default filled in.
 */
import type { BulwarkOptions } from "../config/options.js";
import { checkRule, isPlainObject, type Rule, type Shape } from "../config/shape.js";
import { ConfigError } from "../errors/security-error.js";
import { addressMatcher } from "../request/client-ip.js";
import type { ResolvedThrottle } from "./adaptive-throttle.js";
import type { ResolvedBruteForce } from "./brute-force.js";
import { checkRateLimitOption } from "./check-rate-limit-option.js";
import type { BruteForceOptions, FailureLimit, LegacyRateLimitHeaders, ThrottleOptions } from "./rate-limit-options.js";

const positiveInteger: Rule = { kind: "number", integer: true, min: 1 };
const thresholds: Rule = { kind: "object", shape: { tighten: { kind: "number", min: 0 }, shed: { kind: "number", min: 0 } } };

function objectOrFalse(shape: Shape, example: string): Rule {
  return {
    kind: "custom",
    check(value, path) {
      if (value === false) return [];
      if (!isPlainObject(value)) return [`${path} must be an options object (e.g. ${example}) or false.`];
      const problems: string[] = [];
      checkRule(value, { kind: "object", shape }, path, problems);
      return problems;
    },
  };
}

/** `false`, or a value `rule` accepts. */
function falseOr(rule: Rule, describe: string): Rule {
  return {
    kind: "custom",
    check(value, path) {
      if (value === false) return [];
      const problems: string[] = [];
      checkRule(value, rule, path, problems);
      return problems.length === 0 ? [] : [`${path} must be ${describe}, or false.`, ...problems.filter((p) => !p.startsWith(`${path} must be`))];
    },
  };
}

const failureLimit = objectOrFalse({ points: positiveInteger, duration: positiveInteger, blockDuration: positiveInteger }, "{ points: 100, duration: 3600 }");

/** The options rate limiting adds to `bulwark(config)`. */
export const RATE_LIMITING_SHAPE: Shape = {
  rateLimit: {
    kind: "custom",
    check(value, path) {
      const problems: string[] = [];
      checkRateLimitOption(value, path, "global", problems);
      return problems;
    },
  },
  rateLimiting: {
    kind: "object",
    shape: {
      headers: { kind: "boolean" },
      legacyHeaders: falseOr({ kind: "string", oneOf: ["draft-6", "x-ratelimit"] }, '"draft-6" or "x-ratelimit"'),
      storeTimeout: positiveInteger,
      onStoreError: { kind: "string", oneOf: ["closed", "open"] },
      instances: positiveInteger,
      maxKeys: positiveInteger,
      ipv6Prefix: { kind: "number", integer: true, min: 1, max: 128 },
    },
  },
  bruteForce: objectOrFalse({
    freeRetries: positiveInteger,
    window: positiveInteger,
    blockDuration: positiveInteger,
    maxBlockDuration: positiveInteger,
    escalationWindow: positiveInteger,
    perIp: failureLimit,
    perAccount: failureLimit,
    authenticators: { kind: "boolean" },
  }, "{ freeRetries: 5 }"),
  throttle: objectOrFalse({
    eventLoopDelay: falseOr(thresholds, "{ tighten, shed } in milliseconds"),
    heapUsed: falseOr(thresholds, "{ tighten, shed } as fractions of the heap limit"),
    signal: { kind: "function" },
    factor: { kind: "number", min: 0 },
    interval: { kind: "number", integer: true, min: 10 },
    retryAfter: positiveInteger,
    priority: { kind: "object", shape: { ips: { kind: "array", items: { kind: "string" } }, when: { kind: "function" } } },
  }, "{ eventLoopDelay: { tighten: 100, shed: 300 } }"),
};

/** How rate limits run, every default filled in. */
export interface ResolvedRateLimiting {
  readonly headers: boolean;
  readonly legacyHeaders: LegacyRateLimitHeaders | false;
  readonly storeTimeout: number;
  readonly onStoreError: "closed" | "open";
  readonly instances: number;
  readonly maxKeys: number;
  readonly ipv6Prefix: number;
  readonly bruteForce: ResolvedBruteForce | false;
  readonly throttle: ResolvedThrottle | false;
}

/** Defaults of `rateLimiting`. */
export const RATE_LIMITING_DEFAULTS = Object.freeze({
  headers: true,
  legacyHeaders: false as const,
  storeTimeout: 250,
  onStoreError: "closed" as const,
  instances: 1,
  maxKeys: 100_000,
  ipv6Prefix: 64,
});

/** Resolves the (shape-checked) options; pushes what cannot work into `problems`. */
export function resolveRateLimiting(options: Readonly<BulwarkOptions>, problems: string[]): ResolvedRateLimiting {
  const given = options.rateLimiting ?? {};
  return {
    headers: given.headers ?? RATE_LIMITING_DEFAULTS.headers,
    legacyHeaders: given.legacyHeaders ?? RATE_LIMITING_DEFAULTS.legacyHeaders,
    storeTimeout: given.storeTimeout ?? RATE_LIMITING_DEFAULTS.storeTimeout,
    onStoreError: given.onStoreError ?? RATE_LIMITING_DEFAULTS.onStoreError,
    instances: given.instances ?? RATE_LIMITING_DEFAULTS.instances,
    maxKeys: given.maxKeys ?? RATE_LIMITING_DEFAULTS.maxKeys,
    ipv6Prefix: given.ipv6Prefix ?? RATE_LIMITING_DEFAULTS.ipv6Prefix,
    bruteForce: resolveBruteForce(options.bruteForce, problems),
    throttle: resolveThrottle(options.throttle, problems),
  };
}

function resolveBruteForce(given: BruteForceOptions | false | undefined, problems: string[]): ResolvedBruteForce | false {
  if (given === false) return false;
  const options = given ?? {};
  const resolved: ResolvedBruteForce = {
    freeRetries: options.freeRetries ?? 5,
    window: options.window ?? 900,
    blockDuration: options.blockDuration ?? 60,
    maxBlockDuration: options.maxBlockDuration ?? 3_600,
    escalationWindow: options.escalationWindow ?? 86_400,
    perIp: failureLimitOf(options.perIp, { points: 100, duration: 3_600 }),
    perAccount: failureLimitOf(options.perAccount, { points: 50, duration: 3_600, blockDuration: 900 }),
    authenticators: options.authenticators ?? true,
  };
  if (resolved.maxBlockDuration < resolved.blockDuration) {
    problems.push(`bruteForce.maxBlockDuration (${resolved.maxBlockDuration}) is shorter than bruteForce.blockDuration (${resolved.blockDuration}); raise it to at least the first lockout.`);
  }
  return resolved;
}

function failureLimitOf(given: FailureLimit | false | undefined, fallback: FailureLimit): Required<FailureLimit> | false {
  if (given === false) return false;
  const limit = given ?? fallback;
  return { points: limit.points, duration: limit.duration, blockDuration: limit.blockDuration ?? limit.duration };
}

function resolveThrottle(given: ThrottleOptions | false | undefined, problems: string[]): ResolvedThrottle | false {
  if (given === undefined || given === false) return false;
  const eventLoopDelay = given.eventLoopDelay === undefined ? { tighten: 100, shed: 300 } : given.eventLoopDelay;
  const heapUsed = given.heapUsed === undefined ? { tighten: 0.85, shed: 0.95 } : given.heapUsed;
  for (const [name, value] of [["eventLoopDelay", eventLoopDelay], ["heapUsed", heapUsed]] as const) {
    if (value === false) continue;
    if (value.tighten === undefined || value.shed === undefined) problems.push(`throttle.${name} needs both tighten and shed, e.g. ${name === "heapUsed" ? "{ tighten: 0.85, shed: 0.95 }" : "{ tighten: 100, shed: 300 }"}.`);
    else if (value.shed < value.tighten) {
      problems.push(`throttle.${name}.shed must not be below throttle.${name}.tighten: shedding is the stronger answer to pressure.`);
    }
  }
  if (heapUsed !== false && (heapUsed.tighten > 1 || heapUsed.shed > 1)) {
    problems.push("throttle.heapUsed thresholds are fractions of the heap limit (0 to 1), e.g. { tighten: 0.85, shed: 0.95 }.");
  }
  const factor = given.factor ?? 0.5;
  if (!(factor > 0 && factor < 1)) problems.push(`throttle.factor must be between 0 and 1 (exclusive): limits are multiplied by it under pressure, e.g. 0.5.`);
  let matchesIp: (ip: string) => boolean = () => false;
  try {
    if (given.priority?.ips !== undefined) matchesIp = addressMatcher(given.priority.ips, "throttle.priority.ips");
  } catch (error) {
    if (error instanceof ConfigError) problems.push(...error.problems);
    else throw error;
  }
  const when = given.priority?.when;
  return {
    eventLoopDelay,
    heapUsed,
    signal: given.signal,
    factor,
    interval: given.interval ?? 500,
    retryAfter: given.retryAfter ?? 5,
    isPriority: when === undefined ? (_request, ip) => matchesIp(ip) : (request, ip) => matchesIp(ip) || when(request, ip) === true,
  };
}
