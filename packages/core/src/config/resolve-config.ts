/**
 * Checks a whole `bulwark(config)` at once (every problem, not just the first) and resolves it into
 * the internal configuration: defaults filled, header values and matchers built once.
 */
import type { Authenticator, AuthenticatorServices } from "../auth/authenticator.js";
import { ConfigError } from "../errors/security-error.js";
import type { ProblemOptions } from "../errors/problem.js";
import type { SecurityEventListener } from "../events/security-event.js";
import { computeSecurityHeaders, type SecurityHeaders } from "../headers/security-headers.js";
import { clientIpResolver, proxyPeerTrust, type ClientIpResolver } from "../request/client-ip.js";
import { memoryStore } from "../store/memory-store.js";
import type { SecurityStore } from "../store/store.js";
import { contentTypeMatcher, type ContentTypeMatcher } from "../transport/content-type.js";
import { resolveLimits, type ResolvedTransportLimits } from "../transport/limits.js";
import type { BulwarkOptions, ErrorInfo } from "./options.js";
import { checkShape, isPlainObject, type Rule, type Shape } from "./shape.js";
import { warner, type Warn } from "./warnings.js";

const positiveInteger: Rule = { kind: "number", integer: true, min: 1 };

/** The shape of the transport limits, shared by the global config and route policies. */
export const LIMITS_SHAPE: Shape = {
  bodyBytes: positiveInteger,
  jsonDepth: positiveInteger,
  arrayLength: positiveInteger,
  objectKeys: positiveInteger,
  stringLength: positiveInteger,
  queryParams: positiveInteger,
  queryKeyDepth: positiveInteger,
  urlLength: positiveInteger,
  contentTypes: { kind: "array", items: { kind: "string", minLength: 3 } },
};

const storeRule: Rule = {
  kind: "custom",
  check: (value, path) => {
    const store = value as Partial<SecurityStore> | null;
    return store && typeof store === "object" && (store.kind === "memory" || store.kind === "redis") && typeof store.get === "function"
      ? []
      : [`${path} must be a store: use memoryStore({ maxKeys }) or redisStore(ioredisClient).`];
  },
};

const authenticatorRule: Rule = {
  kind: "custom",
  check: (value, path) => {
    const candidate = value as Partial<Authenticator> | null;
    return candidate && typeof candidate === "object" && typeof candidate.authenticate === "function" && typeof candidate.method === "string"
      ? []
      : [`${path} must be an authenticator: use jwt({...}) or apiKey({...}).`];
  },
};

/** The shape of `bulwark(config)` as far as the core checks it; feature modules add theirs. */
export const CONFIG_SHAPE: Shape = {
  authenticate: { kind: "array", items: authenticatorRule },
  rateLimit: { kind: "any" },
  store: storeRule,
  trustProxy: {
    kind: "oneOf",
    describe: "false, a number of proxy hops, or a list of trusted proxy addresses / CIDR ranges",
    rules: [{ kind: "boolean" }, { kind: "number", integer: true, min: 0 }, { kind: "array", items: { kind: "string" } }],
  },
  proxyHeader: { kind: "string", oneOf: ["x-forwarded-for", "forwarded"] },
  onEvent: { kind: "function" },
  onError: { kind: "function" },
  expose: { kind: "boolean" },
  limits: { kind: "object", shape: LIMITS_SHAPE },
  headers: { kind: "oneOf", describe: "helmet options or false", rules: [{ kind: "object", open: true }, { kind: "boolean" }] },
  requestId: { kind: "object", shape: { trustIncoming: { kind: "boolean" } } },
  requireHttps: { kind: "boolean" },
  problemTypeBase: { kind: "string", minLength: 1 },
  silence: { kind: "array", items: { kind: "string" } },
};

/** The configuration the engine runs on: everything decided at startup. */
export interface ResolvedConfig {
  readonly authenticators: readonly Authenticator[];
  readonly store: SecurityStore;
  readonly services: AuthenticatorServices;
  readonly clientIp: ClientIpResolver;
  readonly onEvent: SecurityEventListener | undefined;
  readonly onError: (error: unknown, info: ErrorInfo) => void;
  readonly limits: ResolvedTransportLimits;
  readonly contentTypes: ContentTypeMatcher;
  readonly headers: SecurityHeaders;
  readonly trustIncomingRequestId: boolean;
  readonly requireHttps: boolean;
  readonly trustsProxy: boolean;
  /** True when the peer that connected (`remoteAddress`) is a proxy `trustProxy` trusts. */
  readonly trustsPeer: (remoteAddress: string | undefined) => boolean;
  readonly problem: ProblemOptions;
  readonly warn: Warn;
  /** The options as given (never mutated), for feature modules that resolve their own part. */
  readonly options: Readonly<BulwarkOptions>;
}

/** Validates `options` and resolves them; throws one {@link ConfigError} listing every problem. */
export function resolveConfig(given: BulwarkOptions = {}, extraShape: Shape = {}): ResolvedConfig {
  const problems: string[] = [];
  const options: BulwarkOptions = given;
  if (!isPlainObject(given)) throw new ConfigError(["bulwark(config) needs an options object, e.g. bulwark({ authenticate: [...] })."]);
  checkShape(given as Record<string, unknown>, { ...CONFIG_SHAPE, ...extraShape }, "", problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const store = options.store ?? memoryStore();
  const services: AuthenticatorServices = { store, now: Date.now };
  const authenticators = options.authenticate ?? [];
  authenticators.forEach((authenticator, i) => {
    const found = authenticator.setup?.(services);
    if (found) problems.push(...found.map((p) => `authenticate[${i}] (${authenticator.method}): ${p}`));
  });
  const limits = resolveLimits(options.limits);
  let clientIp: ClientIpResolver = () => "unknown";
  let trustsPeer: (remoteAddress: string | undefined) => boolean = () => false;
  let headers: SecurityHeaders = { set: [], remove: [] };
  let contentTypes: ContentTypeMatcher | undefined;
  for (const build of [
    () => {
      clientIp = clientIpResolver(options.trustProxy, options.proxyHeader);
      trustsPeer = proxyPeerTrust(options.trustProxy);
    },
    () => { headers = computeSecurityHeaders(options.headers); },
    () => { contentTypes = contentTypeMatcher(limits.contentTypes); },
  ]) {
    try {
      build();
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else throw error;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const warn = warner(options.silence);
  if (options.expose === true && process.env.NODE_ENV === "production") {
    warn("BULWARK_EXPOSE_IN_PRODUCTION", "Bulwark: `expose: true` sends internal error detail to clients, and NODE_ENV is production. Remove `expose`.");
  }
  if (options.trustProxy === true) {
    warn("BULWARK_TRUST_ALL_PROXIES", "Bulwark: `trustProxy: true` believes X-Forwarded-For from anyone, so clients can choose their IP. Give the number of proxy hops or their addresses.");
  }

  return {
    authenticators,
    store,
    services,
    clientIp,
    onEvent: options.onEvent,
    onError: options.onError ?? defaultOnError,
    limits,
    contentTypes: contentTypes!,
    headers,
    trustIncomingRequestId: options.requestId?.trustIncoming ?? true,
    requireHttps: options.requireHttps ?? false,
    trustsProxy: options.trustProxy !== undefined && options.trustProxy !== false && options.trustProxy !== 0,
    trustsPeer,
    problem: { expose: options.expose ?? false, typeBase: options.problemTypeBase },
    warn,
    options,
  };
}

function defaultOnError(error: unknown, info: ErrorInfo): void {
  console.error(`[bulwark] unexpected error in ${info.method} ${info.route} (request ${info.requestId}):`, error);
}
