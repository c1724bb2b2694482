/**
 * Deny by default on Fastify: `onSend` replaces whatever payload an unguarded route produced (an
 * object, string, Buffer, stream, empty 204, redirect), and the core's Node-level guard covers
 * hijacked replies that write to `reply.raw` themselves.
 */
import type { ServerResponse } from "node:http";
import type { FastifyReply } from "fastify";
import { guardNodeResponse, isEmptyPayload, stripHandlerHeaders, type Engine, type RequestState } from "@bulwark/core";
import { replyHeaders } from "./request-mapping.js";

type WriteHead = (...args: unknown[]) => unknown;

const ignore = (): void => undefined;

/** True when Fastify will send nothing after the head for `payload` (as `onSend` sees it). */
function sendsNothing(payload: unknown): boolean {
  return payload === undefined || payload === null || isEmptyPayload(payload);
}

/** The problem body to send instead of `payload` when no route policy ran; otherwise `undefined`. */
export function unguardedPayload(engine: Engine, state: RequestState, reply: FastifyReply, payload: unknown): string | undefined {
  const problem = engine.unguarded(state, reply.statusCode, sendsNothing(payload));
  if (problem === undefined) return undefined;
  discard(payload);
  stripHandlerHeaders(replyHeaders(reply), engine);
  const body = JSON.stringify(problem.body);
  reply.code(problem.status).headers(problem.headers).header("content-length", Buffer.byteLength(body));
  return body;
}

/** Releases a streamed payload that will never be sent. */
function discard(payload: unknown): void {
  if (payload === null || typeof payload !== "object") return;
  const stream = payload as { destroy?: () => void; on?: (event: string, listener: () => void) => void; cancel?: () => Promise<void>; body?: unknown };
  if (typeof stream.destroy === "function") {
    stream.on?.("error", ignore);
    stream.destroy();
  } else if (typeof stream.cancel === "function") {
    stream.cancel().catch(ignore);
  } else if (stream.body !== undefined && stream.body !== null) {
    discard(stream.body); // a fetch Response
  }
}


interface HijackGuard {
  readonly engine: Engine;
  readonly state: RequestState;
  readonly reply: FastifyReply;
  readonly writeHead: WriteHead;
}

const HIJACK = Symbol("bulwark.fastify.hijack");

type GuardedRaw = ServerResponse & { [HIJACK]?: HijackGuard };

/** Copies the headers set on `reply` to `raw` when a hijacked reply writes its own head. */
function writeHijackedHead(raw: ServerResponse, guard: HijackGuard, args: unknown[]): unknown {
  if (guard.reply.sent) {
    guard.engine.prepareHead(guard.state);
    for (const [name, value] of Object.entries(guard.reply.getHeaders())) {
      if (value !== undefined && !raw.hasHeader(name)) raw.setHeader(name, value);
    }
  }
  return guard.writeHead.apply(raw, args);
}

// One wrapper for every response, reading the response's own record (no closure per request).
function bulwarkHijackedHead(this: GuardedRaw, ...args: unknown[]): unknown {
  return writeHijackedHead(this, this[HIJACK]!, args);
}

/**
 * Guards `reply.raw` for replies that bypass Fastify. A hijacked reply's head also gets the
 * headers Bulwark set on `reply` (request id, security headers), which Fastify would not send.
 */
export function guardRawResponse(engine: Engine, reply: FastifyReply, state: RequestState): void {
  const raw = reply.raw as GuardedRaw;
  guardNodeResponse(engine, raw, state);
  const guard: HijackGuard = { engine, state, reply, writeHead: raw.writeHead as unknown as WriteHead };
  if (raw[HIJACK] === undefined) {
    raw[HIJACK] = guard;
    raw.writeHead = bulwarkHijackedHead as ServerResponse["writeHead"];
  } else {
    // Already guarded by another registration of the plugin: wrap that wrapper with this record.
    raw.writeHead = function bulwarkHijackedHeadAgain(this: ServerResponse, ...args: unknown[]) {
      return writeHijackedHead(this, guard, args);
    } as ServerResponse["writeHead"];
  }
}
