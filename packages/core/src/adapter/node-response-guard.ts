/**
 * Deny by default at the lowest level every Node framework shares: the moment a response head is
 * written. Whichever way a handler answers (a framework helper, write, pipe, end, writeHead), a
 * route that no policy guarded sends a 403 problem instead of its data.
 */
import type { ServerResponse } from "node:http";
import type { Engine } from "../pipeline/engine.js";
import type { RequestState } from "../pipeline/request-state.js";

type Writer = (...args: unknown[]) => unknown;

/** Headers that describe a handler's payload and must not survive when it is replaced. */
export const PAYLOAD_HEADERS: readonly string[] = Object.freeze([
  "content-type", "content-length", "content-encoding", "etag", "last-modified", "location",
  "set-cookie", "content-disposition", "transfer-encoding",
]);

/** Wraps `res` so that the engine decides, when the head goes out, whether the payload may follow. */
export function guardNodeResponse(engine: Engine, res: ServerResponse, state: RequestState): void {
  const originalWriteHead = res.writeHead as unknown as Writer;
  const originalWrite = res.write as unknown as Writer;
  const originalEnd = res.end as unknown as Writer;
  let decided = false;
  let replacement: string | undefined;

  function decide(status: number): void {
    if (decided) return;
    decided = true;
    const problem = engine.unguarded(state, status);
    if (problem === undefined) return;
    replacement = JSON.stringify(problem.body);
    for (const name of PAYLOAD_HEADERS) res.removeHeader(name);
    for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
    res.setHeader("content-length", Buffer.byteLength(replacement));
    res.statusCode = problem.status;
  }

  res.writeHead = function bulwarkWriteHead(this: ServerResponse, status: number, ...rest: unknown[]) {
    decide(status);
    if (replacement !== undefined) return originalWriteHead.call(this, res.statusCode);
    return originalWriteHead.call(this, status, ...rest);
  } as ServerResponse["writeHead"];

  res.write = function bulwarkWrite(this: ServerResponse, ...args: unknown[]) {
    if (!res.headersSent) decide(res.statusCode);
    if (replacement !== undefined) {
      const callback = args.find((a) => typeof a === "function") as (() => void) | undefined;
      if (callback) process.nextTick(callback);
      return true;
    }
    return originalWrite.apply(this, args);
  } as ServerResponse["write"];

  res.end = function bulwarkEnd(this: ServerResponse, ...args: unknown[]) {
    if (!res.headersSent) decide(res.statusCode);
    if (replacement !== undefined) {
      const callback = args.find((a) => typeof a === "function");
      return originalEnd.call(this, replacement, "utf8", callback);
    }
    return originalEnd.apply(this, args);
  } as ServerResponse["end"];
}

/** Writes a problem on a raw Node response (used by adapters whose framework is bypassed). */
export function writeNodeProblem(res: ServerResponse, problem: { status: number; headers: Readonly<Record<string, string>>; body: unknown }): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const name of PAYLOAD_HEADERS) res.removeHeader(name);
  const payload = JSON.stringify(problem.body);
  res.statusCode = problem.status;
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.setHeader("content-length", Buffer.byteLength(payload));
  res.end(payload);
}
