/**
 * The one mapping between Koa's context and the core's shapes: the request the core reads, the
 * sink it sets headers through, and the writer of problem responses.
 */
import type { ParameterizedContext } from "koa";
import {
  NodeResponseSink,
  fromNodeRequest,
  confirmNodeStatus,
  writeNodeProblem,
  type Engine,
  stripHandlerHeaders,
  type ProblemResponse,
  type ResponseSink,
  type SecurityRequest,
} from "@bulwark/core";

/** The Koa context as the adapter sees it (any state, any extensions). */
export type KoaContext = ParameterizedContext<unknown, object, unknown>;

/** Where a body parser that ran before Bulwark leaves its result. */
export type RequestWithBody = { body?: unknown };

/** Builds the core's request from a Koa context. */
export function toSecurityRequest(ctx: KoaContext): SecurityRequest {
  // originalUrl: a mounted sub-app or router prefix rewrites ctx.url, never this. A body parser
  // mounted before Bulwark already parsed the body; the core checks that value.
  return fromNodeRequest(ctx.req, ctx.originalUrl ?? ctx.req.url ?? "/", (ctx.request as RequestWithBody).body);
}

/** Gives the core header access to a Koa response. */
export function sinkFor(ctx: KoaContext): ResponseSink {
  // Straight on Node's response: for the string values the core sets, this is what ctx.set and
  // ctx.remove do, without Koa's delegation on each of the dozen headers of every request.
  return new NodeResponseSink(ctx.res);
}

/** Stops a streamed body that will not be sent (Koa 2 does not do it when the body is replaced). */
function discardBody(body: unknown): void {
  if (typeof body !== "object" || body === null) return;
  const stream = body as { destroy?: unknown; cancel?: unknown; locked?: unknown };
  if (typeof stream.destroy === "function") {
    // No error argument: an 'error' event would reach Koa's own error handler.
    (stream.destroy as () => void).call(body);
  } else if (typeof stream.cancel === "function" && stream.locked === false) {
    (stream.cancel as () => Promise<void>).call(body).catch(() => undefined);
  }
}

/** Writes a problem response (the only way Bulwark answers a refused request). */
export function writeProblem(ctx: KoaContext, problem: ProblemResponse, engine: Engine): void {
  if (ctx.headerSent) {
    // Part of another answer is already out: cutting the connection is the only safe ending.
    ctx.res.destroy();
    return;
  }
  discardBody(ctx.body);
  if (ctx.respond === false) {
    writeNodeProblem(ctx.res, problem, engine);
    return;
  }
  stripHandlerHeaders(ctx.res, engine);
  ctx.set({ ...problem.headers });
  ctx.status = problem.status;
  ctx.body = JSON.stringify(problem.body);
  confirmNodeStatus(ctx.res);
}
