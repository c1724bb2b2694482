/**
 * `bulwark(config)` for Express: builds the engine once and returns the middleware factories.
 */
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from "express";
import {
  FEATURES,
  NodeRequestBody,
  SecurityError,
  createEngine,
  type BodyAccess,
  type BulwarkApi,
  type BulwarkOptions,
  type Engine,
  type RequestState,
  type RoutePolicy,
  type SecurityContext,
} from "@bulwark/core";
import { sinkFor, toSecurityRequest, writeProblem } from "./request-mapping.js";
import { beginSlot, stateOf } from "./request-state.js";
import { guardResponse } from "./response-guard.js";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Bulwark's per-request context: request id, principal, loaded resource. */
      bulwark: SecurityContext;
    }
  }
}

type WithState = Request & { _body?: boolean };

/** An Express handler written as a controller method. */
export type ExpressHandlerMethod = (req: Request, res: Response, next?: NextFunction) => unknown;

/** `secure()` is the global layer; `secure(policy)` guards one route. */
export interface SecureExpress {
  /** The global layer: request id, headers, transport limits, body parsing, authentication. */
  (): RequestHandler;
  /** A route guard enforcing `policy`. */
  (policy: RoutePolicy): RequestHandler;
  /**
   * A TC39 standard method decorator: `@secure.route({ roles: ["admin"] })` on a controller method
   * makes the method run only once `policy` allows the request.
   */
  route(policy: RoutePolicy): <M extends ExpressHandlerMethod>(method: M, context: ClassMethodDecoratorContext) => M;
}

/** What `bulwark(config)` returns on Express. */
export interface BulwarkExpress extends BulwarkApi {
  /** Middleware factory: the global layer, or a route guard. */
  readonly secure: SecureExpress;
  /** The not-found and error handlers; mount last with `app.use(errors())`. */
  readonly errors: () => [RequestHandler, ErrorRequestHandler];
  /** The engine, for advanced use and other adapters' authors. */
  readonly engine: Engine;
}

/** Builds Bulwark for an Express app; throws `ConfigError` listing every problem in `config`. */
export function bulwark(config: BulwarkOptions = {}): BulwarkExpress {
  const engine = createEngine(config, FEATURES);

  /** Begins Bulwark's work on a request: state, slot, response guard. */
  function begin(req: WithState, res: Response): RequestState {
    const state = engine.start(toSecurityRequest(req), sinkFor(res));
    beginSlot(req, engine, state);
    guardResponse(engine, res, state);
    return state;
  }

  /**
   * The engine's global layer, then the body it parsed onto `req`: `undefined` when it finished
   * at once, else a promise. A refusal is thrown, or rejects the promise.
   */
  function runGlobal(req: WithState, state: RequestState): Promise<void> | undefined {
    const parsed = req._body === true || req.body !== undefined;
    const body: BodyAccess = parsed
      ? { kind: "parsed", value: req.body }
      : new NodeRequestBody(req);
    const pending = engine.global(state, body);
    if (parsed) return pending;
    if (pending === undefined) {
      takeBody(req, state);
      return undefined;
    }
    return pending.then(() => takeBody(req, state));
  }

  function takeBody(req: WithState, state: RequestState): void {
    if (state.request.body !== undefined) req.body = state.request.body;
  }

  function fail(res: Response, state: RequestState, error: unknown): void {
    writeProblem(res, engine.problem(error, state), engine);
  }

  // `next()` is always called outside the try blocks below: an error the app throws is the app's
  // (Express handles it), not a refusal of Bulwark's.

  /** What runs once the global layer let a request through. */
  type Proceed = (req: WithState, res: Response, next: NextFunction, state: RequestState) => void;

  const proceedToNext: Proceed = (_req, _res, next) => next();

  /**
   * Begins the request and runs the global layer, then `proceed`: at once when the layer finished
   * at once, after its promise otherwise. A refusal is answered here.
   */
  function globalThen(req: WithState, res: Response, next: NextFunction, proceed: Proceed): void {
    const state = begin(req, res);
    let pending: Promise<void> | undefined;
    try {
      pending = runGlobal(req, state);
    } catch (error) {
      return fail(res, state, error);
    }
    if (pending === undefined) return proceed(req, res, next, state);
    pending.then(() => proceed(req, res, next, state), (error: unknown) => fail(res, state, error));
  }

  function globalLayer(): RequestHandler {
    return function bulwarkGlobal(req: WithState, res: Response, next: NextFunction) {
      if (stateOf(req) !== undefined) return next();
      globalThen(req, res, next, proceedToNext);
    };
  }

  function routeGuard(policy: RoutePolicy): RequestHandler {
    const guard = engine.compile(policy);

    const runRoute: Proceed = (req, res, next, state) => {
      let pending: Promise<void> | undefined;
      try {
        state.request.route = (req.route as { path?: string } | undefined)?.path ?? state.request.path;
        state.request.params = req.params as Record<string, string>;
        pending = guard.run(state);
        if (pending === undefined) syncBack(req, state);
      } catch (error) {
        return fail(res, state, error);
      }
      if (pending === undefined) return next();
      pending
        .then(() => syncBack(req, state))
        .then(() => next(), (error: unknown) => fail(res, state, error));
    };

    return function bulwarkRoute(req: WithState, res: Response, next: NextFunction) {
      const known = stateOf(req);
      if (known !== undefined) return runRoute(req, res, next, known);
      // Without the global layer the route runs it itself, so a forgotten app.use(secure()) fails closed.
      globalThen(req, res, next, runRoute);
    };
  }

  /** Puts values the policy replaced (validated, coerced, stripped) where Express users read them. */
  function syncBack(req: WithState, state: RequestState): void {
    const { request } = state;
    if (request.body !== undefined && request.body !== req.body) req.body = request.body;
    if (request.params !== req.params) req.params = request.params as Request["params"];
    if (state.queryReplaced) Object.defineProperty(req, "query", { value: request.query, writable: true, configurable: true, enumerable: true });
  }

  function secure(policy?: RoutePolicy): RequestHandler {
    return policy === undefined ? globalLayer() : routeGuard(policy);
  }

  function route(policy: RoutePolicy) {
    const guard = routeGuard(policy);
    return function decorate<M extends ExpressHandlerMethod>(method: M, context: ClassMethodDecoratorContext): M {
      if (context.kind !== "method") throw new TypeError("@secure.route(policy) decorates controller methods only.");
      return function guarded(this: unknown, req: WithState, res: Response, next?: NextFunction) {
        const fail = (error: unknown) => (next ? next(error) : writeProblem(res, engine.problem(error, stateOf(req)), engine));
        guard(req, res, (error?: unknown) => {
          if (error !== undefined) return fail(error);
          Promise.resolve()
            .then(() => method.call(this, req, res, next))
            .catch(fail);
        });
      } as M;
    };
  }

  function errors(): [RequestHandler, ErrorRequestHandler] {
    const notFound: RequestHandler = function bulwarkNotFound(_req, _res, next) {
      next(new SecurityError("NOT_FOUND"));
    };
    const errorHandler: ErrorRequestHandler = function bulwarkErrors(error: unknown, req: WithState, res: Response, next: NextFunction) {
      if (res.headersSent) return next(error);
      writeProblem(res, engine.problem(error, stateOf(req)), engine);
    };
    return [notFound, errorHandler];
  }

  const secureWithRoute = Object.assign(secure, { route }) as SecureExpress;
  return { ...(engine.api as unknown as BulwarkApi), secure: secureWithRoute, errors, engine };
}
