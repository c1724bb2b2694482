/**
 * Deny by default at the lowest level every Node framework shares: the moment a response head is
 * written. Whichever way a handler answers (a framework helper, write, pipe, end, writeHead), a
 * route that no policy guarded sends a 403 problem instead of its data.
 */
import type { ServerResponse } from "node:http";
import type { Engine } from "../pipeline/engine.js";
import type { RequestState } from "../pipeline/request-state.js";

type Writer = (...args: unknown[]) => unknown;

/** Header access shared by Node's response and the frameworks' wrappers of it. */
export interface HeaderHolder {
  getHeaderNames(): string[];
  removeHeader(name: string): void;
}

const ALWAYS_KEPT = ["x-request-id", "cache-control", "vary", "www-authenticate", "retry-after", "connection", "ratelimit", "ratelimit-policy", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "allow"];
const keptByEngine = new WeakMap<Engine, ReadonlySet<string>>();

/** Names (lower case) of the headers Bulwark itself sets, which survive when a payload is replaced. */
export function bulwarkHeaderNames(engine: Engine): ReadonlySet<string> {
  let names = keptByEngine.get(engine);
  if (names === undefined) {
    names = new Set([...ALWAYS_KEPT, ...engine.config.headers.set.map(([name]) => name.toLowerCase())]);
    keptByEngine.set(engine, names);
  }
  return names;
}

/**
 * Removes every header a handler set, keeping Bulwark's own: a replaced response must not carry
 * the handler's metadata (a custom header can hold data as surely as a body can).
 */
export function stripHandlerHeaders(res: HeaderHolder, engine: Engine): void {
  const keep = bulwarkHeaderNames(engine);
  for (const name of res.getHeaderNames()) if (!keep.has(name.toLowerCase())) res.removeHeader(name);
}

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
    stripHandlerHeaders(res, engine);
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

/** Writes a problem on a raw Node response, without any header the handler had set. */
export function writeNodeProblem(res: ServerResponse, problem: { status: number; headers: Readonly<Record<string, string>>; body: unknown }, engine: Engine): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  stripHandlerHeaders(res, engine);
  const payload = JSON.stringify(problem.body);
  res.statusCode = problem.status;
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.setHeader("content-length", Buffer.byteLength(payload));
  res.end(payload);
}
