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

/** What the guard of one response keeps: its request, the methods it wraps, and its decision. */
interface Guard {
  readonly engine: Engine;
  readonly state: RequestState;
  readonly writeHead: Writer;
  readonly write: Writer;
  readonly end: Writer;
  decided: boolean;
  replacement: string | undefined;
}

const GUARD = Symbol("bulwark.responseGuard");

type GuardedResponse = ServerResponse & { [GUARD]?: Guard };

/** Decides once, when the head is about to go out, whether the payload may follow. */
function decide(res: ServerResponse, guard: Guard, status: number): void {
  if (guard.decided) return;
  guard.decided = true;
  const problem = guard.engine.unguarded(guard.state, status);
  if (problem === undefined) return;
  const replacement = JSON.stringify(problem.body);
  guard.replacement = replacement;
  stripHandlerHeaders(res, guard.engine);
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.setHeader("content-length", Buffer.byteLength(replacement));
  res.statusCode = problem.status;
}

function writeHeadGuarded(res: ServerResponse, guard: Guard, status: number, rest: unknown[]): unknown {
  decide(res, guard, status);
  if (guard.replacement !== undefined) return guard.writeHead.call(res, res.statusCode);
  return guard.writeHead.call(res, status, ...rest);
}

function writeGuarded(res: ServerResponse, guard: Guard, args: unknown[]): unknown {
  if (!res.headersSent) decide(res, guard, res.statusCode);
  if (guard.replacement !== undefined) {
    const callback = args.find((a) => typeof a === "function") as (() => void) | undefined;
    if (callback) process.nextTick(callback);
    return true;
  }
  return guard.write.apply(res, args);
}

function endGuarded(res: ServerResponse, guard: Guard, args: unknown[]): unknown {
  if (!res.headersSent) decide(res, guard, res.statusCode);
  if (guard.replacement !== undefined) {
    const callback = args.find((a) => typeof a === "function");
    return guard.end.call(res, guard.replacement, "utf8", callback);
  }
  return guard.end.apply(res, args);
}

// One set of wrappers for every response, reading the response's guard record. Three closures
// built per request (or a WeakMap of records) made garbage collection under load cost more than
// all of Bulwark's checks: their objects outlive young-generation collections.
function bulwarkWriteHead(this: GuardedResponse, status: number, ...rest: unknown[]): unknown {
  return writeHeadGuarded(this, this[GUARD]!, status, rest);
}

function bulwarkWrite(this: GuardedResponse, ...args: unknown[]): unknown {
  return writeGuarded(this, this[GUARD]!, args);
}

function bulwarkEnd(this: GuardedResponse, ...args: unknown[]): unknown {
  return endGuarded(this, this[GUARD]!, args);
}

/** Wraps `res` so that the engine decides, when the head goes out, whether the payload may follow. */
export function guardNodeResponse(engine: Engine, res: ServerResponse, state: RequestState): void {
  const guarded = res as GuardedResponse;
  const guard: Guard = {
    engine,
    state,
    writeHead: res.writeHead as unknown as Writer,
    write: res.write as unknown as Writer,
    end: res.end as unknown as Writer,
    decided: false,
    replacement: undefined,
  };
  if (guarded[GUARD] !== undefined) {
    // Already guarded by another engine (two Bulwark layers on one response): this guard wraps
    // that one, so it keeps its own record.
    res.writeHead = function bulwarkWriteHeadAgain(this: ServerResponse, status: number, ...rest: unknown[]) {
      return writeHeadGuarded(this, guard, status, rest);
    } as ServerResponse["writeHead"];
    res.write = function bulwarkWriteAgain(this: ServerResponse, ...args: unknown[]) {
      return writeGuarded(this, guard, args);
    } as ServerResponse["write"];
    res.end = function bulwarkEndAgain(this: ServerResponse, ...args: unknown[]) {
      return endGuarded(this, guard, args);
    } as ServerResponse["end"];
    return;
  }
  guarded[GUARD] = guard;
  res.writeHead = bulwarkWriteHead as ServerResponse["writeHead"];
  res.write = bulwarkWrite as ServerResponse["write"];
  res.end = bulwarkEnd as ServerResponse["end"];
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
