/**
 * The engine: the ordered request phase, the response phase and the error path that every
 * adapter drives. It never sees a framework object, only the normalised request and a sink.
 */
import { createRequestContext } from "../authz/request-context.js";
import { resolveConfig, type ResolvedConfig } from "../config/resolve-config.js";
import { checkShape, isPlainObject, type Shape } from "../config/shape.js";
import type { BulwarkOptions } from "../config/options.js";
import type { Principal } from "../context/principal.js";
import { ConfigError, SecurityError } from "../errors/security-error.js";
import { formatProblem, toSecurityError, type ProblemResponse } from "../errors/problem.js";
import { createEmitter, eventTypeFor, type Emit } from "../events/emitter.js";
import { maskEvents } from "../output/mask-events.js";
import { ROUTE_POLICY_KEYS, type RoutePolicy } from "../policy/route-policy.js";
import { REQUEST_ID_HEADER, resolveRequestId } from "../request/request-id.js";
import type { SecurityRequest } from "../request/security-request.js";
import { hasBody } from "../transport/content-type.js";
import { assertSafeValue } from "../transport/json-guard.js";
import { parseBody } from "../transport/parse-body.js";
import { parseQuery } from "../transport/query.js";
import { bodyTooLarge } from "../transport/read-body.js";
import type { Feature, FeatureRuntime, PolicyPart, Step } from "./feature.js";
import type { RequestState, ResponseTransform } from "./request-state.js";
import type { ResponseSink } from "./response-sink.js";
import { isThenable } from "./thenable.js";

/** How the adapter gives the engine the request body. */
export type BodyAccess =
  /** The engine reads the raw bytes (Express, Koa): `read(limit)` must stop at `limit` bytes. */
  | { readonly kind: "stream"; readonly read: (limit: number) => Promise<Uint8Array> }
  /** Something already parsed the body; the engine checks the parsed value. */
  | { readonly kind: "parsed"; readonly value: unknown }
  /** The framework parses later (Fastify); the adapter calls `checkParsedBody` then. */
  | { readonly kind: "deferred" };

/** A route policy compiled once at startup. */
export interface RouteGuard {
  /** The policy as given. */
  readonly policy: RoutePolicy;
  /**
   * Runs the route's request phase: `undefined` when it finished at once (the usual case on a
   * memory store and a cached token), else a promise. A refusal is thrown, or rejects the promise.
   * Its response transforms join those of any policy that already ran on the request.
   */
  run(state: RequestState): Promise<void> | undefined;
}

/** The engine one `bulwark(config)` call builds. */
export interface Engine {
  /** The resolved configuration. */
  readonly config: ResolvedConfig;
  /** Emits a security event. */
  readonly emit: Emit;
  /** Functions features add to what `bulwark()` returns. */
  readonly api: Readonly<Record<string, unknown>>;
  /** Begins a request: request id, security headers, context. Never throws. */
  start(request: SecurityRequest, sink: ResponseSink): RequestState;
  /**
   * The global layer: transport checks, body, limits before authentication, authentication.
   * `undefined` when it finished at once, else a promise; a refusal is thrown, or rejects the
   * promise.
   */
  global(state: RequestState, body: BodyAccess): Promise<void> | undefined;
  /** Checks a body parsed after the global layer ran (Fastify). */
  checkParsedBody(state: RequestState, value: unknown): void;
  /** Compiles a route policy; throws {@link ConfigError} when it cannot work. */
  compile(policy: RoutePolicy): RouteGuard;
  /**
   * Sets the headers that sum up the request (RateLimit) on the response, once. Adapters call it
   * just before the head goes out (the Node response guard does on every response it guards).
   */
  prepareHead(state: RequestState): void;
  /**
   * The response phase for a JSON payload: property filters and masks of every route policy that
   * ran (stacked policies each narrow what leaves; see {@link RequestState.responseTransforms}).
   */
  respond(state: RequestState, payload: unknown): unknown;
  /**
   * Deny by default: when the global layer is installed and no route policy ran, the problem to
   * send instead of the handler's response (and the event is emitted); otherwise `undefined`.
   * Errors (4xx, 5xx) pass, and so does a CORS preflight whose answer carries no payload (status
   * 204, or `bodyless`), which is what CORS middleware sends; a preflight answered with data is
   * refused like any other request.
   *
   * `bodyless` is the adapter's word that nothing follows the head: no payload to send (an empty
   * string or buffer, nothing at all), or a `Content-Length: 0` it makes sure is kept. `false`
   * when it cannot tell (a stream, writes still to come).
   */
  unguarded(state: RequestState, status: number, bodyless: boolean): ProblemResponse | undefined;
  /** Formats an error as a problem (and emits its event, and reports unexpected errors). */
  problem(error: unknown, state: RequestState | undefined): ProblemResponse;
}

/**
 * Joins the functions features add to `bulwark()`'s result. Two features may both need `close()`
 * (timers, connections): they are chained rather than one replacing the other; any other clash is
 * a bug in the feature list.
 */
function mergeApis(apis: readonly Readonly<Record<string, unknown>>[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  const closers: (() => unknown)[] = [];
  for (const api of apis) {
    for (const [name, value] of Object.entries(api)) {
      if (name === "close" && typeof value === "function") closers.push(value as () => unknown);
      else if (name in merged) throw new Error(`Two Bulwark features both provide \`${name}\`.`);
      else merged[name] = value;
    }
  }
  merged.close = () => {
    for (const close of closers) close();
  };
  return merged;
}

/**
 * Runs `steps` in order, waiting only for those that return a promise: each wait is a turn of the
 * microtask queue, and most steps finish synchronously on a warm cache. `undefined` when every
 * step did.
 */
function runSteps(steps: readonly Step[], state: RequestState, from = 0): Promise<void> | undefined {
  for (let i = from; i < steps.length; i++) {
    const pending = steps[i]!(state);
    if (pending !== undefined) return pending.then(() => runSteps(steps, state, i + 1));
  }
  return undefined;
}

/**
 * A request shaped like a CORS preflight. Anyone can send these headers, so the shape alone proves
 * nothing: only an answer without a payload is let through on it (see `unguarded`).
 */
function isCorsPreflight(request: SecurityRequest): boolean {
  return request.method === "OPTIONS" && request.headers["origin"] !== undefined && request.headers["access-control-request-method"] !== undefined;
}

/** What a request starts with: no response transform. */
const NO_TRANSFORMS: readonly ResponseTransform[] = Object.freeze([]);

/**
 * The response transforms of a request on which a further policy ran: all of both lists, in stage
 * order (the earlier policy's first within a stage, so masks still run after every allowlist), each
 * function once (the same policy twice adds nothing). Built only when policies are stacked.
 */
function stackTransforms(earlier: readonly ResponseTransform[], later: readonly ResponseTransform[]): readonly ResponseTransform[] {
  const merged: ResponseTransform[] = [];
  let next = 0;
  for (const transform of later) {
    if (earlier.some((t) => t.respond === transform.respond)) continue;
    while (next < earlier.length && earlier[next]!.stage <= transform.stage) merged.push(earlier[next++]!);
    merged.push(transform);
  }
  if (merged.length === 0) return earlier;
  while (next < earlier.length) merged.push(earlier[next++]!);
  return Object.freeze(merged);
}

/** Builds the engine from the options and the feature modules. */
export function createEngine(options: BulwarkOptions | undefined, features: readonly Feature[] = []): Engine {
  const extraShape: Shape = Object.assign({}, ...features.map((f) => f.shape ?? {}));
  const config = resolveConfig(options ?? {}, extraShape);
  // The `mask` rules cover events too, so that a masked field cannot leave through a log.
  const mask = config.options.mask;
  const emit = createEmitter(config.onEvent && mask ? maskEvents(mask, config.onEvent) : config.onEvent);
  const problems: string[] = [];
  const runtimes: FeatureRuntime[] = features.map((feature) => feature.setup({ config, emit }, problems));
  if (problems.length > 0) throw new ConfigError(problems);

  const beforeAuth = runtimes.map((r) => r.beforeAuth).filter((s): s is Step => s !== undefined);
  const afterAuth = runtimes.map((r) => r.afterAuth).filter((s): s is Step => s !== undefined);
  const onAuthFailure = runtimes.map((r) => r.onAuthFailure).filter((s): s is Step => s !== undefined);
  const onAuthSuccess = runtimes.map((r) => r.onAuthSuccess).filter((s): s is Step => s !== undefined);
  const beforeHead = runtimes.map((r) => r.beforeHead).filter((s): s is (state: RequestState) => void => s !== undefined);
  const claimedKeys = new Set(runtimes.flatMap((r) => r.policyKeys ?? []));
  const api = mergeApis(runtimes.map((r) => r.api ?? {}));
  const { limits, contentTypes, headers } = config;

  function start(request: SecurityRequest, sink: ResponseSink): RequestState {
    const requestId = resolveRequestId(request.headers, config.trustIncomingRequestId);
    sink.setHeader(REQUEST_ID_HEADER, requestId);
    for (const name of headers.remove) sink.removeHeader(name);
    for (const [name, value] of headers.set) sink.setHeader(name, value);
    return {
      request,
      context: createRequestContext(requestId, config.clientIp(request.remoteAddress, request.headers), request, config),
      sink,
      guarded: false,
      responseTransforms: NO_TRANSFORMS,
      queryReplaced: false,
      headPrepared: false,
      bodyFormat: undefined,
      bodyBytes: undefined,
      extras: new Map(),
    };
  }

  function global(state: RequestState, body: BodyAccess): Promise<void> | undefined {
    const { request } = state;
    if (config.requireHttps && !isHttps(request)) throw new SecurityError("HTTPS_REQUIRED");
    if (request.url.length > limits.urlLength) throw new SecurityError("URI_TOO_LONG");
    const queryStart = request.url.indexOf("?");
    request.query = parseQuery(queryStart === -1 ? "" : request.url.slice(queryStart + 1), limits);
    if (hasBody(request.headers)) {
      state.bodyFormat = contentTypes.check(request.headers);
      const declared = Number(request.headers["content-length"]);
      if (declared > limits.bodyBytes) throw bodyTooLarge();
    } else if (request.headers["content-length"] === "0" && request.headers["content-type"] !== undefined && contentTypes.check(request.headers) === "json") {
      // An empty document is not JSON; a JSON API should not guess what the client meant.
      throw new SecurityError("MALFORMED_JSON");
    }
    const limited = runSteps(beforeAuth, state);
    if (limited !== undefined || (body.kind === "stream" && state.bodyFormat !== undefined)) return globalLater(state, body, limited);
    takeParsedBody(request, body);
    return authenticateAndCheck(state);
  }

  /** The rest of the global layer once something had to wait (a store, the body stream). */
  async function globalLater(state: RequestState, body: BodyAccess, limited: Promise<void> | undefined): Promise<void> {
    if (limited !== undefined) await limited;
    if (body.kind === "stream" && state.bodyFormat !== undefined) {
      const bytes = await body.read(limits.bodyBytes);
      state.bodyBytes = bytes.byteLength;
      state.request.body = parseBody(bytes, state.bodyFormat, limits);
    } else {
      takeParsedBody(state.request, body);
    }
    const checked = authenticateAndCheck(state);
    if (checked !== undefined) await checked;
  }

  function takeParsedBody(request: SecurityRequest, body: BodyAccess): void {
    if (body.kind !== "parsed" || body.value === undefined) return;
    assertSafeValue(body.value, limits);
    request.body = body.value;
  }

  function authenticateAndCheck(state: RequestState): Promise<void> | undefined {
    const authenticated = authenticate(state, 0);
    if (authenticated === undefined) return runSteps(afterAuth, state);
    return authenticated.then(() => runSteps(afterAuth, state));
  }

  function isHttps(request: SecurityRequest): boolean {
    if (request.encrypted) return true;
    const proto = request.headers["x-forwarded-proto"];
    // Believed only from a proxy `trustProxy` trusts, as the client IP is: anyone can send the header.
    return typeof proto === "string" && config.trustsPeer(request.remoteAddress) && proto.split(",")[0]!.trim().toLowerCase() === "https";
  }

  /**
   * Asks each authenticator from `from` on until one recognises a credential. An authenticator
   * that answers at once (a cached token) keeps the whole of it synchronous.
   */
  function authenticate(state: RequestState, from: number): Promise<void> | undefined {
    const { authenticators } = config;
    for (let i = from; i < authenticators.length; i++) {
      let answer: ReturnType<typeof authenticators[number]["authenticate"]>;
      try {
        answer = authenticators[i]!.authenticate(state.request, config.services);
      } catch (error) {
        return authenticationFailed(state, error);
      }
      if (isThenable(answer)) return authenticateLater(state, answer as PromiseLike<Principal | undefined>, i);
      if (answer !== undefined) return authenticated(state, answer);
    }
    return undefined;
  }

  async function authenticateLater(state: RequestState, answer: PromiseLike<Principal | undefined>, index: number): Promise<void> {
    let principal: Principal | undefined;
    try {
      principal = await answer;
    } catch (error) {
      return authenticationFailed(state, error);
    }
    const next = principal === undefined ? authenticate(state, index + 1) : authenticated(state, principal);
    if (next !== undefined) await next;
  }

  /** Runs the failure steps (lockout counting), then throws `error`. */
  function authenticationFailed(state: RequestState, error: unknown): Promise<never> {
    const counted = runSteps(onAuthFailure, state);
    if (counted === undefined) throw error;
    return counted.then(() => {
      throw error;
    });
  }

  function authenticated(state: RequestState, principal: Principal): Promise<void> | undefined {
    state.context.principal = principal;
    state.sink.setHeader("cache-control", "no-store");
    emit("auth.succeeded", state, undefined, { method: principal.authMethod });
    return runSteps(onAuthSuccess, state);
  }

  function compile(policy: RoutePolicy): RouteGuard {
    const found: string[] = [];
    if (!isPlainObject(policy)) throw new ConfigError(["secure(policy) needs a policy object, e.g. secure({ roles: [\"admin\"] }) or secure({ public: true })."], "Route policy");
    const shape: Shape = Object.fromEntries(ROUTE_POLICY_KEYS.map((key) => [key, { kind: "any" } as const]));
    checkShape(policy as Record<string, unknown>, shape, "policy", found);
    for (const key of Object.keys(policy)) {
      if (ROUTE_POLICY_KEYS.includes(key as keyof RoutePolicy) && !claimedKeys.has(key as keyof RoutePolicy) && policy[key as keyof RoutePolicy] !== undefined) {
        found.push(`policy.${key} is not available in this build of Bulwark; remove it rather than rely on a check that would not run.`);
      }
    }
    const parts: PolicyPart[] = [];
    for (const runtime of runtimes) {
      const part = runtime.compile?.(policy, found);
      if (part === undefined) continue;
      if (Array.isArray(part)) parts.push(...part);
      else parts.push(part as PolicyPart);
    }
    if (found.length > 0) throw new ConfigError(found, "Route policy");
    parts.sort((a, b) => a.stage - b.stage);
    const steps = parts.map((p) => p.step).filter((s): s is Step => s !== undefined);
    const transforms: readonly ResponseTransform[] = Object.freeze(parts.flatMap((p) => (p.respond === undefined ? [] : [{ stage: p.stage, respond: p.respond }])));
    const frozen = Object.freeze({ ...policy });
    return {
      policy: frozen,
      run(state) {
        state.guarded = true;
        // An earlier policy on the same request (a router-wide `secure()`, a Fastify hook and the
        // route's config) keeps its transforms: a later policy may narrow the output, never widen it.
        if (transforms.length > 0) {
          const current = state.responseTransforms;
          state.responseTransforms = current.length === 0 ? transforms : stackTransforms(current, transforms);
        }
        return runSteps(steps, state);
      },
    };
  }

  function checkParsedBody(_state: RequestState, value: unknown): void {
    if (value !== undefined) assertSafeValue(value, limits);
  }

  function prepareHead(state: RequestState): void {
    if (state.headPrepared) return;
    state.headPrepared = true;
    for (const hook of beforeHead) hook(state);
  }

  function respond(state: RequestState, payload: unknown): unknown {
    // A loop over the state's list, not a composed function: nothing is built per response.
    const transforms = state.responseTransforms;
    let value = payload;
    for (let i = 0; i < transforms.length; i++) value = transforms[i]!.respond(value, state);
    return value;
  }

  function unguarded(state: RequestState, status: number, bodyless: boolean): ProblemResponse | undefined {
    if (state.guarded || status >= 400) return undefined;
    if ((status === 204 || bodyless) && isCorsPreflight(state.request)) return undefined;
    return problem(new SecurityError("ROUTE_UNGUARDED"), state);
  }

  function problem(error: unknown, state: RequestState | undefined): ProblemResponse {
    const securityError = toSecurityError(error);
    const requestId = state?.context.requestId ?? resolveRequestId({}, false);
    if (securityError.code === "INTERNAL") {
      try {
        config.onError(securityError.cause ?? error, {
          requestId,
          method: state?.request.method ?? "",
          route: state?.request.route ?? state?.request.path ?? "",
        });
      } catch {
        // Logging must never change the answer.
      }
    }
    if (!securityError.reported) emit(eventTypeFor(securityError.code), state, securityError.code);
    return formatProblem(securityError, requestId, config.problem);
  }

  return { config, emit, api, start, global, checkParsedBody, compile, prepareHead, respond, unguarded, problem };
}
