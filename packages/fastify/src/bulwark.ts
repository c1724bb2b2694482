/**
 * `fastify.register(bulwark, config)`: the global layer on every request (`onRequest`), bodies
 * parsed by the core's parser with its limits, route policies from `config.secure`,
 * `fastify.secure(policy)` or `@route(policy)`, the response phase (`preSerialization`, `onSend`),
 * and every error, refusal and unmatched route answered with the core's problem+json.
 */
import fp from "fastify-plugin";
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import {
  ConfigError,
  FEATURES,
  SecurityError,
  createEngine,
  parseBody,
  type BodyAccess,
  type BulwarkApi,
  type BulwarkOptions,
  type Engine,
  type Feature,
  type RequestState,
  type RouteGuard,
  type RoutePolicy,
  type SecurityContext,
} from "@bulwark/core";
import { ReplySink, sendProblem, toSecurityRequest } from "./request-mapping.js";
import { RUNTIME, SLOT, slotOf, type PluginRuntime, type RequestSlot, type SlottedRequest } from "./request-slot.js";
import { guardRawResponse, unguardedPayload } from "./response-guard.js";
import { handlerPolicy, route, type RouteDecorator } from "./route-decorator.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Bulwark's per-request context: request id, principal, loaded resource. */
    bulwark: SecurityContext;
  }
  interface FastifyInstance {
    /** `fastify.secure(policy)` is a route guard hook; `fastify.secure.route(policy)` a method decorator. */
    secure: SecureFastify;
    /** The engine and the functions features add (e.g. `revokeToken`). */
    bulwark: BulwarkFastify;
  }
  interface FastifyContextConfig {
    /**
     * The route's policy: `fastify.get(path, { config: { secure: { roles: ["admin"] } } }, handler)`.
     * (`& object` keeps a mistaken `secure: true` from type-checking.)
     */
    secure?: RoutePolicy & object;
  }
}

/** Options of the plugin: the core's options plus the Fastify-only ones. */
export interface BulwarkFastifyOptions extends BulwarkOptions {
  /** Refuse, at registration, a route registered without a policy. Default `false`. */
  strict?: boolean;
}

/**
 * A route guard hook. It may go in `onRequest`, `preParsing`, `preValidation` or `preHandler`:
 * wherever it is, the policy runs once the body is parsed and checked.
 */
export type SecureHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** `fastify.secure`. */
export interface SecureFastify {
  /** A route guard enforcing `policy`, compiled now (a bad policy throws here). */
  (policy: RoutePolicy): SecureHook;
  /** The {@link route} method decorator, with `policy` checked against this plugin's engine now. */
  route(policy: RoutePolicy): RouteDecorator;
}

/** `fastify.bulwark`: what `bulwark(config)` returns in the other adapters, minus the middleware. */
export interface BulwarkFastify extends BulwarkApi {
  /** The engine, for advanced use. */
  readonly engine: Engine;
}

/** Declares `strict`, so that the core's one config check covers it with every other option. */
const FASTIFY_OPTIONS: Feature = {
  name: "fastify adapter",
  shape: { strict: { kind: "boolean" } },
  setup: () => ({}),
};

const DEFERRED: BodyAccess = Object.freeze({ kind: "deferred" });
const NOT_FOUND = new SecurityError("NOT_FOUND");
const GUARD_HOOK_SLOTS = ["onRequest", "preParsing", "preValidation", "preHandler"] as const;
/** The compiled guard the `onRoute` hook put on a route's config. */
const ROUTE_GUARD = Symbol("bulwark.routeGuard");
/** Hooks made by `fastify.secure(policy)`, so that `strict` can tell a guarded route. */
const guardHooks = new WeakSet<object>();

async function bulwarkPlugin(fastify: FastifyInstance, options: BulwarkFastifyOptions): Promise<void> {
  const engine = createEngine(options, [...FEATURES, FASTIFY_OPTIONS]);
  const strict = options.strict === true;
  const { limits } = engine.config;
  const compiled = new WeakMap<RoutePolicy, RouteGuard>();

  const runtime: PluginRuntime = {
    engine,
    guardFor(policy) {
      let guard = compiled.get(policy);
      if (guard === undefined) {
        guard = engine.compile(policy);
        compiled.set(policy, guard);
      }
      return guard;
    },
    runGuard(request, guard) {
      const { state } = slotOf(request);
      const secured = state.request;
      secured.route = request.routeOptions.url ?? secured.path;
      secured.params = (request.params ?? {}) as Record<string, string>;
      secured.body = request.body;
      const pending = guard.run(state);
      if (pending === undefined) {
        syncBack(request, state);
        return undefined;
      }
      return pending.then(() => syncBack(request, state));
    },
    fail(error, request, reply) {
      const slot = (request as SlottedRequest)[SLOT] ?? begin(request, reply);
      sendProblem(reply, engine.problem(error, slot.state), engine);
    },
  };

  function begin(request: FastifyRequest, reply: FastifyReply): RequestSlot {
    const state = engine.start(toSecurityRequest(request), new ReplySink(reply));
    const slot: RequestSlot = { state, runtime, bodyReady: false, ownBody: false, pending: undefined };
    (request as SlottedRequest)[SLOT] = slot;
    request.bulwark = state.context;
    guardRawResponse(engine, reply, state);
    return slot;
  }

  function secure(policy: RoutePolicy): SecureHook {
    const guard = runtime.guardFor(policy);
    const hook: SecureHook = async function bulwarkRouteGuard(request) {
      const slot = slotOf(request);
      // Before the body is parsed (onRequest, preParsing), wait for the plugin's preValidation.
      if (slot.bodyReady) await runtime.runGuard(request, guard);
      else (slot.pending ??= []).push(guard);
    };
    guardHooks.add(hook);
    return hook;
  }

  const secureFastify: SecureFastify = Object.assign(secure, {
    route(policy: RoutePolicy): RouteDecorator {
      runtime.guardFor(policy);
      return route(policy);
    },
  });
  fastify.decorate("secure", secureFastify);
  fastify.decorate("bulwark", Object.freeze({ ...(engine.api as unknown as BulwarkApi), engine }));
  fastify.decorateRequest("bulwark", null as unknown as SecurityContext);
  fastify.decorate(RUNTIME, runtime);

  // Callback hooks: a request that Bulwark finishes at once (the usual case) waits for no promise.
  fastify.addHook("onRequest", function bulwarkGlobal(request, reply, done) {
    let pending: Promise<void> | undefined;
    try {
      pending = engine.global(begin(request, reply).state, DEFERRED);
    } catch (error) {
      return done(error as Error);
    }
    if (pending === undefined) return done();
    pending.then(() => done(), done);
  });

  // One parser for every media type the core's allowlist admits (the others got 415 in onRequest).
  // It is also registered under application/json by name: Fastify caches the parser it finds for
  // a named type, but searches its whole list again on every request that falls to the catch-all.
  fastify.removeContentTypeParser(["application/json", "text/plain"]);
  const parserOptions = { parseAs: "buffer", bodyLimit: limits.bodyBytes } as const;
  function bulwarkBodyParser(request: FastifyRequest, body: string | Buffer, done: (error: Error | null, value?: unknown) => void): void {
    const slot = (request as SlottedRequest)[SLOT];
    if (slot === undefined) return done(new SecurityError("BAD_REQUEST"), undefined);
    const format = slot.state.bodyFormat;
    if (format === undefined) return done(null, undefined); // the request announced no body
    let value: unknown;
    try {
      value = parseBody(body as Buffer, format, limits);
    } catch (error) {
      return done(error as Error, undefined);
    }
    slot.ownBody = true;
    slot.state.bodyBytes = (body as Buffer).length;
    done(null, value);
  }
  fastify.addContentTypeParser("application/json", parserOptions, bulwarkBodyParser);
  fastify.addContentTypeParser("*", parserOptions, bulwarkBodyParser);

  fastify.addHook("preValidation", function bulwarkBody(request, _reply, done) {
    let pending: Promise<void> | undefined;
    try {
      pending = checkBodyAndGuard(request);
    } catch (error) {
      return done(error as Error);
    }
    if (pending === undefined) return done();
    pending.then(() => done(), done);
  });

  /** Checks the parsed body, then runs the guards waiting for it and the route's own policy. */
  function checkBodyAndGuard(request: FastifyRequest): Promise<void> | undefined {
    const slot = slotOf(request);
    if (!slot.ownBody && request.body !== undefined) engine.checkParsedBody(slot.state, request.body);
    slot.state.request.body = request.body;
    slot.bodyReady = true;
    // The route's own policy runs here rather than in a hook of its own (one hook less per
    // request). A route declared before the plugin finished loading never went through onRoute:
    // its policy is compiled on first use, so `register(bulwark)` without `await` cannot leave it
    // unguarded.
    const config = request.routeOptions.config as { secure?: RoutePolicy; [ROUTE_GUARD]?: RouteGuard } | undefined;
    const own = config?.[ROUTE_GUARD] ?? (config?.secure === undefined ? undefined : runtime.guardFor(config.secure));
    const waiting = slot.pending;
    if (waiting === undefined) return own === undefined ? undefined : runtime.runGuard(request, own);
    slot.pending = undefined;
    return runGuards(request, own === undefined ? waiting : [...waiting, own]);
  }

  async function runGuards(request: FastifyRequest, guards: readonly RouteGuard[]): Promise<void> {
    for (const guard of guards) {
      const pending = runtime.runGuard(request, guard);
      if (pending !== undefined) await pending;
    }
  }

  fastify.addHook("preSerialization", function bulwarkRespond(request, _reply, payload, done) {
    const slot = (request as SlottedRequest)[SLOT];
    if (slot === undefined || payload === null || typeof payload !== "object") return done(null, payload);
    let filtered: unknown;
    try {
      filtered = engine.respond(slot.state, payload);
    } catch (error) {
      return done(error as Error);
    }
    done(null, filtered);
  });

  fastify.addHook("onSend", function bulwarkDenyByDefault(request, reply, payload, done) {
    const slot = (request as SlottedRequest)[SLOT] ?? begin(request, reply);
    engine.prepareHead(slot.state);
    done(null, unguardedPayload(engine, slot.state, reply, payload) ?? payload);
  });

  fastify.setErrorHandler(function bulwarkErrors(error, request, reply) {
    runtime.fail(error, request, reply);
  });

  fastify.setNotFoundHandler(function bulwarkNotFound(request, reply) {
    runtime.fail(NOT_FOUND, request, reply);
  });

  fastify.addHook("onRoute", function bulwarkRoutePolicy(routeOptions) {
    const policy = routeOptions.config?.secure;
    const decorated = handlerPolicy(routeOptions.handler);
    if (decorated !== undefined) runtime.guardFor(decorated);
    if (policy !== undefined) {
      routeOptions.config = { ...routeOptions.config, [ROUTE_GUARD]: runtime.guardFor(policy) } as typeof routeOptions.config;
    } else if (strict && decorated === undefined && !hasGuardHook(routeOptions)) {
      const methods = listOf(routeOptions.method).join(",");
      throw new ConfigError([
        `${methods} ${routeOptions.url} has no policy. Add \`config: { secure: { public: true } }\` (or the policy it needs), ` +
          "or `onRequest: fastify.secure(policy)`, or decorate its handler with `@route(policy)`.",
      ], "Fastify route (strict: true)");
    }
  });
}

/** Puts values the policy replaced (validated, coerced, stripped) where Fastify users read them. */
function syncBack(request: FastifyRequest, state: RequestState): void {
  const secured = state.request;
  if (secured.body !== request.body) request.body = secured.body;
  if (secured.params !== request.params) request.params = secured.params;
  if (state.queryReplaced) request.query = secured.query;
}

function hasGuardHook(routeOptions: RouteOptions): boolean {
  return GUARD_HOOK_SLOTS.some((slot) => listOf<unknown>(routeOptions[slot]).some((hook) => typeof hook === "function" && guardHooks.has(hook)));
}

function listOf<T>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value as T];
}

/**
 * The Bulwark plugin for Fastify 5: `await fastify.register(bulwark, config)` with the core's
 * options plus `strict`. Throws `ConfigError` listing every problem in `config`.
 */
export const bulwark: FastifyPluginAsync<BulwarkFastifyOptions> = fp(bulwarkPlugin, { fastify: "5.x", name: "@bulwark/fastify" });
