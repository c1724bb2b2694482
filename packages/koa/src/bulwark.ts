/**
 * `bulwark(config)` for Koa: builds the engine once and returns the middleware factories.
 */
import type { Middleware, Next, ParameterizedContext } from "koa";
import {
  FEATURES,
  NodeRequestBody,
  createEngine,
  guardNodeResponse,
  type BodyAccess,
  type BulwarkApi,
  type BulwarkOptions,
  type Engine,
  type RequestState,
  type RoutePolicy,
  type SecurityContext,
} from "@bulwark/core";
import { sinkFor, toSecurityRequest, writeProblem, type KoaContext, type RequestWithBody } from "./request-mapping.js";
import { filterJsonBody, finishResponse, onLateError } from "./response-phase.js";

declare module "koa" {
  interface DefaultState {
    /** Bulwark's per-request context: request id, principal, loaded resource. */
    bulwark: SecurityContext;
  }
  interface ExtendableContext {
    /** Koa's per-request state; Bulwark's context is `state.bulwark` whatever the app's state type. */
    state: { bulwark: SecurityContext };
  }
  interface Request {
    /** The parsed request body (JSON or urlencoded), put here by Bulwark's global layer. */
    body?: unknown;
  }
}

const STATE = Symbol.for("bulwark.koa.state");
const LATE_ERROR = Symbol("bulwark.koa.lateError");

type WithState = KoaContext & { [STATE]?: RequestState; [LATE_ERROR]?: true };

/** What @koa/router leaves on the context of a matched route. */
interface RoutedContext {
  routerPath?: string;
  _matchedRoute?: string | RegExp;
  params?: Record<string, string>;
  request: RequestWithBody & { params?: Record<string, string> };
}

/** A Koa handler written as a controller method. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KoaHandlerMethod = (ctx: ParameterizedContext<any, any, any>, next: Next) => unknown;

/** `secure()` is the global layer; `secure(policy)` guards one route. */
export interface SecureKoa {
  /** The global layer: request id, headers, transport limits, body parsing, authentication, errors. */
  (): Middleware;
  /** A route guard enforcing `policy` (mount it on a @koa/router route before the handler). */
  (policy: RoutePolicy): Middleware;
  /**
   * A TC39 standard method decorator: `@secure.route({ roles: ["admin"] })` on a controller method
   * makes the method run only once `policy` allows the request.
   */
  route(policy: RoutePolicy): <M extends KoaHandlerMethod>(method: M, context: ClassMethodDecoratorContext) => M;
}

/** What `bulwark(config)` returns on Koa. */
export interface BulwarkKoa extends BulwarkApi {
  /** Middleware factory: the global layer, or a route guard. */
  readonly secure: SecureKoa;
  /** The engine, for advanced use and other adapters' authors. */
  readonly engine: Engine;
}

/** Builds Bulwark for a Koa app; throws `ConfigError` listing every problem in `config`. */
export function bulwark(config: BulwarkOptions = {}): BulwarkKoa {
  return koaAdapter(createEngine(config, FEATURES));
}

/** The Koa middleware over an engine already built (internal: tests build engines with extra features). */
export function koaAdapter(engine: Engine): BulwarkKoa {
  /** The global layer. Every error below it, and the response phase, end here. */
  async function bulwarkGlobal(ctx: WithState, next: Next): Promise<void> {
    if (ctx[STATE] !== undefined) return next();
    const state = engine.start(toSecurityRequest(ctx), sinkFor(ctx));
    ctx[STATE] = state;
    (ctx.state as { bulwark?: SecurityContext }).bulwark = state.context;
    // Koa starts every response at 404: a handler answering on ctx.res itself may leave it there.
    guardNodeResponse(engine, ctx.res, state, ctx.res.statusCode);
    ctx.onerror = bulwarkOnError;
    try {
      const request = ctx.request as RequestWithBody;
      const parsed = request.body !== undefined;
      const body: BodyAccess = parsed
        ? { kind: "parsed", value: request.body }
        : new NodeRequestBody(ctx.req);
      const pending = engine.global(state, body);
      if (pending !== undefined) await pending;
      if (!parsed && state.request.body !== undefined) request.body = state.request.body;
      await next();
      finishResponse(engine, ctx, state);
    } catch (error) {
      // Answered here, never passed on: Koa's own handler would print text and log 4xx noise.
      writeProblem(ctx, engine.problem(error, state), engine);
    }
  }

  /** Koa's `ctx.onerror` for requests Bulwark handles; the socket and the body pipe both report, once is enough. */
  function bulwarkOnError(this: WithState, error: unknown): void {
    const state = this[STATE];
    if (error === null || error === undefined || state === undefined || this[LATE_ERROR]) return;
    this[LATE_ERROR] = true;
    onLateError(engine, this, state, error);
  }

  function routeGuard(policy: RoutePolicy): Middleware {
    const guard = engine.compile(policy);
    /**
     * Not async: a policy that decides at once (the usual case) hands over to `next` without a
     * promise of its own. A refusal thrown here becomes a rejection, as from an async function.
     */
    return function bulwarkRoute(ctx: WithState, next: Next): Promise<void> {
      const state = ctx[STATE];
      // Without the global layer the route runs it itself, so a forgotten app.use(secure()) fails closed.
      if (state === undefined) return bulwarkGlobal(ctx, () => bulwarkRoute(ctx, next));
      try {
        const routed = ctx as unknown as RoutedContext;
        const template = routed.routerPath ?? routed._matchedRoute;
        state.request.route = template === undefined ? state.request.path : String(template);
        const params = routed.params ?? {};
        // The policy judges what the handler will read, including a body the app's own parser replaced.
        const body = routed.request.body;
        state.request.params = params;
        state.request.body = body;
        const pending = guard.run(state);
        if (pending !== undefined) return afterGuard(pending, ctx, state, params, body, next);
        syncBack(routed, state, params, body);
        return state.responseTransforms.length === 0 ? next() : nextThenFilter(ctx, state, next);
      } catch (error) {
        return Promise.reject(error);
      }
    };
  }

  /** The rest of a route guard whose policy waits (a Redis limit, an async check). */
  async function afterGuard(pending: Promise<void>, ctx: KoaContext, state: RequestState, params: Readonly<Record<string, string>>, body: unknown, next: Next): Promise<void> {
    await pending;
    syncBack(ctx as unknown as RoutedContext, state, params, body);
    await next();
    filterJsonBody(engine, ctx, state);
  }

  /**
   * The handler, then its JSON body through the policies' response transforms, before anything
   * upstream (a pretty-printer, compression) turns it into text the global layer could not filter.
   */
  async function nextThenFilter(ctx: KoaContext, state: RequestState, next: Next): Promise<void> {
    await next();
    filterJsonBody(engine, ctx, state);
  }

  /** Puts values the policy replaced (validated, coerced, stripped) where Koa users read them. */
  function syncBack(ctx: RoutedContext, state: RequestState, params: Readonly<Record<string, string>>, body: unknown): void {
    const { request } = state;
    if (request.body !== body) ctx.request.body = request.body;
    if (request.params !== params) {
      const replaced = request.params as Record<string, string>;
      ctx.params = replaced;
      ctx.request.params = replaced;
    }
    // ctx.query reads ctx.request.query; an own property shadows Koa's re-parsing getter.
    if (state.queryReplaced) Object.defineProperty(ctx.request, "query", { value: request.query, writable: true, configurable: true, enumerable: true });
  }

  function secure(policy?: RoutePolicy): Middleware {
    return policy === undefined ? (bulwarkGlobal as Middleware) : routeGuard(policy);
  }

  function route(policy: RoutePolicy) {
    const guard = routeGuard(policy);
    return function decorate<M extends KoaHandlerMethod>(method: M, context: ClassMethodDecoratorContext): M {
      if (context.kind !== "method") throw new TypeError("@secure.route(policy) decorates controller methods only.");
      return function guarded(this: unknown, ctx: KoaContext, next: Next) {
        return guard(ctx as Parameters<Middleware>[0], async () => {
          await method.call(this, ctx, next);
        });
      } as M;
    };
  }

  const secureWithRoute = Object.assign(secure, { route }) as SecureKoa;
  return { ...(engine.api as unknown as BulwarkApi), secure: secureWithRoute, engine };
}
