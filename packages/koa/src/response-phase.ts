/**
 * The response phase on Koa. A route guard filters the handler's JSON body as soon as the handler
 * returns, before any middleware between it and the global layer serializes or compresses it.
 * Once the downstream middleware has returned, the global layer turns unmatched routes and
 * status-only errors into problems, replaces whatever an unguarded route set (deny by default),
 * and filters a JSON body no route guard has filtered.
 */
import { confirmNodeStatus, isEmptyPayload, writeNodeProblem, type Engine, type RequestState } from "@bulwark/core";
import { writeProblem, type KoaContext } from "./request-mapping.js";

/** A status-only answer (a 404 from no route, a 405 from `allowedMethods()`), told by status alone. */
interface StatusOnly {
  readonly status: number;
}

const hasBlob = typeof Blob === "function";
const hasWebStream = typeof ReadableStream === "function";
const hasResponse = typeof Response === "function";

/** True when Koa would serialise `body` as JSON (what `respond` may filter). */
function isJsonBody(body: unknown): boolean {
  if (body === null || body === undefined || typeof body === "string") return false;
  if (typeof body !== "object") return true;
  // Koa treats anything with pipe() as a stream.
  if (Buffer.isBuffer(body) || typeof (body as { pipe?: unknown }).pipe === "function") return false;
  if (hasBlob && body instanceof Blob) return false;
  if (hasWebStream && body instanceof ReadableStream) return false;
  return !(hasResponse && body instanceof Response);
}

/** Where a route guard leaves the body it filtered, so that nothing filters that body twice. */
const FILTERED = Symbol("bulwark.koa.filteredBody");

type Filtered = KoaContext & { [FILTERED]?: unknown };

/**
 * Puts `ctx.body` through the response transforms of the route policies that ran, when it is a
 * JSON body no route guard has filtered yet.
 */
export function filterJsonBody(engine: Engine, ctx: KoaContext, state: RequestState): void {
  const body = ctx.body;
  if (state.responseTransforms.length === 0 || !isJsonBody(body) || (ctx as Filtered)[FILTERED] === body) return;
  const filtered = engine.respond(state, body);
  // The copy the transforms built is read-only from here: a middleware above the route that added
  // a field to it in place would send that field unfiltered, since this body is not filtered again.
  if (filtered !== body && typeof filtered === "object" && filtered !== null) Object.freeze(filtered);
  replaceJsonBody(ctx, filtered);
  (ctx as Filtered)[FILTERED] = filtered;
}

/** Applies the response phase to `ctx` after the app has answered (Koa has not written yet). */
export function finishResponse(engine: Engine, ctx: KoaContext, state: RequestState): void {
  // Bypassed or already-sent responses are judged when their head is written (guardNodeResponse).
  if (ctx.respond === false || ctx.headerSent) return;
  const status = ctx.status;
  if ((ctx.body === null || ctx.body === undefined) && status >= 400) {
    writeProblem(ctx, engine.problem({ status } satisfies StatusOnly, state), engine);
    return;
  }
  // Only an empty string or buffer sends nothing: for a missing body Koa sends its status message
  // (unless the status is 204, which the engine knows).
  const denial = engine.unguarded(state, status, isEmptyPayload(ctx.body));
  if (denial !== undefined) {
    writeProblem(ctx, denial, engine);
    return;
  }
  filterJsonBody(engine, ctx, state);
  // Whatever the status now, Koa or the handler chose it: the guard judges the head by it (again,
  // should a middleware above the global layer change it on the way out).
  confirmNodeStatus(ctx.res);
}

/**
 * Puts the filtered payload in place of the handler's JSON body. Koa's body setter would work out
 * again the type and length of a JSON body it already has (about 1 µs a request), so an object
 * replacing an object goes straight into the field behind `ctx.body`. Anything else, or a Koa that
 * no longer keeps the body in that field (checked by reading `ctx.body` back), takes the setter.
 */
function replaceJsonBody(ctx: KoaContext, filtered: unknown): void {
  const response = ctx.response as unknown as { _body?: unknown };
  if (typeof filtered === "object" && filtered !== null && isJsonBody(filtered) && Object.hasOwn(response, "_body")) {
    response._body = filtered;
    if (ctx.body === filtered) return;
  }
  ctx.body = filtered;
}

/** Error codes of a client that went away or spoke broken HTTP: nothing to answer, nothing to log. */
const CONNECTION_ERRORS: ReadonlySet<string> = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE", "ERR_STREAM_DESTROYED"]);

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (CONNECTION_ERRORS.has(code) || code.startsWith("HPE_"));
}

/**
 * Handles an error Koa reports outside the middleware chain (the socket, a body stream failing
 * mid-response) instead of Koa's `ctx.onerror`: no text answer, no stack from Koa's default logger.
 */
export function onLateError(engine: Engine, ctx: KoaContext, state: RequestState, error: unknown): void {
  if (ctx.headerSent || !ctx.writable) {
    // The answer is (partly) out or nobody is listening; only a server-side failure is worth a log.
    if (!isConnectionError(error)) engine.problem(error, state);
    if (!ctx.res.writableEnded) ctx.res.destroy();
    return;
  }
  writeNodeProblem(ctx.res, engine.problem(error, state), engine);
}
