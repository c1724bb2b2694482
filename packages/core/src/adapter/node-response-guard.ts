/**
 * Deny by default at the lowest level every Node framework shares: the moment a response head is
 * written. Whichever way a handler answers (a framework helper, write, pipe, end, writeHead), a
 * route that no policy guarded sends a 403 problem instead of its data.
 */
import { ServerResponse } from "node:http";
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
  /** Set when an unguarded answer went out as declaring no payload: whatever follows is dropped. */
  bodyless: boolean;
  /**
   * The status the framework put on the response before any handler ran (Koa's 404), or 0. A head
   * going out with it was not chosen by anyone: it is judged as a success, not as an error.
   */
  readonly presetStatus: number;
  /** Set when the status is someone's choice, even if it equals the preset ({@link confirmNodeStatus}). */
  statusChosen: boolean;
}

/**
 * True when `payload` is an empty string or byte array (a Buffer too): the one test of "nothing
 * follows the head" the adapters share, each adding what an absent payload means to its framework.
 */
export function isEmptyPayload(payload: unknown): boolean {
  return (typeof payload === "string" || payload instanceof Uint8Array) && payload.length === 0;
}

/** True when `chunk`, the first argument of `end`, sends nothing (it may be the callback). */
function isEmptyChunk(chunk: unknown): boolean {
  return chunk === undefined || chunk === null || typeof chunk === "function" || isEmptyPayload(chunk);
}

/**
 * True when `writeHead(status, [reason], [headers])` declares `Content-Length: 0`, in its headers
 * (as an object, as Fastify passes them) or set on `res` before. Any other form counts as a payload.
 */
function declaresNoPayload(res: ServerResponse, args: unknown[]): boolean {
  const headers = typeof args[1] === "object" ? args[1] : args[2];
  let length: unknown;
  if (headers !== null && typeof headers === "object" && !Array.isArray(headers)) {
    const named = headers as Record<string, unknown>;
    length = named["content-length"] ?? named["Content-Length"];
  }
  if (length === undefined) length = res.getHeader("content-length");
  return length === 0 || length === "0";
}

/**
 * Decides once, when the head is about to go out, whether the payload may follow. `bodyless`:
 * nothing follows the head (see `Engine.unguarded`); `declared` when only the head says so.
 */
function decide(res: ServerResponse, guard: Guard, status: number, bodyless: boolean, declared: boolean): void {
  if (guard.decided) return;
  guard.decided = true;
  guard.engine.prepareHead(guard.state);
  // A handler that writes the response itself may leave the framework's preset status in place
  // (Koa's 404): that is no error answer, and errors are all that pass on an unguarded route.
  const preset = status === guard.presetStatus && !guard.statusChosen;
  const problem = guard.engine.unguarded(guard.state, preset ? 200 : status, bodyless);
  if (problem === undefined) {
    // An unguarded answer whose head declared `Content-Length: 0` (a CORS preflight is let through
    // on it) stays empty: Node would send whatever the handler writes after it all the same.
    if (declared && bodyless && !guard.state.guarded) guard.bodyless = true;
    return;
  }
  const replacement = JSON.stringify(problem.body);
  guard.replacement = replacement;
  stripHandlerHeaders(res, guard.engine);
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.setHeader("content-length", Buffer.byteLength(replacement));
  res.statusCode = problem.status;
}

function writeHeadGuarded(res: ServerResponse, guard: Guard, args: unknown[]): unknown {
  // Only an unguarded answer needs to know (a preflight): a guarded one skips the header lookup.
  if (!guard.decided) decide(res, guard, args[0] as number, !guard.state.guarded && declaresNoPayload(res, args), true);
  if (guard.replacement !== undefined) return guard.writeHead.call(res, res.statusCode);
  return guard.writeHead.apply(res, args);
}

function writeGuarded(res: ServerResponse, guard: Guard, args: unknown[]): unknown {
  // More writes may follow this one: a payload, as far as the guard can tell.
  if (!res.headersSent) decide(res, guard, res.statusCode, false, false);
  if (guard.replacement !== undefined || guard.bodyless) {
    const callback = args.find((a) => typeof a === "function") as (() => void) | undefined;
    if (callback) process.nextTick(callback);
    return true;
  }
  return guard.write.apply(res, args);
}

function endGuarded(res: ServerResponse, guard: Guard, args: unknown[]): unknown {
  if (!res.headersSent) decide(res, guard, res.statusCode, isEmptyChunk(args[0]), false);
  if (guard.replacement !== undefined || guard.bodyless) {
    const callback = args.find((a) => typeof a === "function");
    return guard.end.call(res, guard.replacement ?? "", "utf8", callback);
  }
  return guard.end.apply(res, args);
}

const GUARD = Symbol("bulwark.responseGuard");
/** Where a guard that wraps the response's own methods is kept (the shared wrappers must not see it). */
const OWN_GUARD = Symbol("bulwark.ownResponseGuard");

type GuardedResponse = ServerResponse & { [GUARD]?: Guard; [OWN_GUARD]?: Guard };

/** Node's methods (or whatever wrapped them before), as found when the wrappers went in. */
let inner: { readonly writeHead: Writer; readonly write: Writer; readonly end: Writer } | undefined;

// One set of wrappers, on the prototype, reading the response's guard record. Wrappers put on
// each response (own function properties) slow every later access to an Express response, whose
// prototype Express changes per request; a WeakMap of records makes young-generation garbage
// collection grow with the request rate; a closure per request costs garbage collection too.
function bulwarkWriteHead(this: GuardedResponse, ...args: unknown[]): unknown {
  const guard = this[GUARD];
  return guard === undefined ? inner!.writeHead.apply(this, args) : writeHeadGuarded(this, guard, args);
}

function bulwarkWrite(this: GuardedResponse, ...args: unknown[]): unknown {
  const guard = this[GUARD];
  return guard === undefined ? inner!.write.apply(this, args) : writeGuarded(this, guard, args);
}

function bulwarkEnd(this: GuardedResponse, ...args: unknown[]): unknown {
  const guard = this[GUARD];
  return guard === undefined ? inner!.end.apply(this, args) : endGuarded(this, guard, args);
}

/**
 * Puts the shared wrappers on `ServerResponse.prototype`, once. Every Node framework's response
 * inherits them; a response without a guard goes straight through to the method found before.
 */
function wrapPrototype(): NonNullable<typeof inner> {
  if (inner !== undefined) return inner;
  const prototype = ServerResponse.prototype as unknown as Record<"writeHead" | "write" | "end", Writer>;
  inner = { writeHead: prototype.writeHead, write: prototype.write, end: prototype.end };
  prototype.writeHead = bulwarkWriteHead;
  prototype.write = bulwarkWrite;
  prototype.end = bulwarkEnd;
  return inner;
}

/**
 * Wraps `res` so that the engine decides, when the head goes out, whether the payload may follow.
 * `presetStatus`: the status the framework set before any handler ran and that a handler writing
 * `res` itself may leave in place (Koa's 404); a head going out with it is judged as a success.
 */
export function guardNodeResponse(engine: Engine, res: ServerResponse, state: RequestState, presetStatus = 0): void {
  const methods = wrapPrototype();
  const guarded = res as GuardedResponse;
  const reachesWrappers = res.writeHead === (bulwarkWriteHead as unknown) && res.write === (bulwarkWrite as unknown) && res.end === (bulwarkEnd as unknown);
  if (reachesWrappers && guarded[GUARD] === undefined) {
    guarded[GUARD] = { engine, state, writeHead: methods.writeHead, write: methods.write, end: methods.end, decided: false, replacement: undefined, bodyless: false, presetStatus, statusChosen: false };
    return;
  }
  // Something sits in front of the shared wrappers (an earlier middleware's own wrappers, another
  // Bulwark layer on the same response, a response that is not Node's): wrap what is there now,
  // on the response itself, so that this guard still decides first.
  const guard: Guard = {
    engine,
    state,
    writeHead: res.writeHead as unknown as Writer,
    write: res.write as unknown as Writer,
    end: res.end as unknown as Writer,
    decided: false,
    replacement: undefined,
    bodyless: false,
    presetStatus,
    statusChosen: false,
  };
  guarded[OWN_GUARD] = guard;
  res.writeHead = function bulwarkWriteHeadOwn(this: ServerResponse, ...args: unknown[]) {
    return writeHeadGuarded(this, guard, args);
  } as ServerResponse["writeHead"];
  res.write = function bulwarkWriteOwn(this: ServerResponse, ...args: unknown[]) {
    return writeGuarded(this, guard, args);
  } as ServerResponse["write"];
  res.end = function bulwarkEndOwn(this: ServerResponse, ...args: unknown[]) {
    return endGuarded(this, guard, args);
  } as ServerResponse["end"];
}

/**
 * Tells the guard of `res` that its status, whatever it is now or becomes, was chosen (by the
 * app's handler, or by Bulwark for a problem) even where it equals the framework's preset: deny
 * by default then judges the head by its real status, an error passing as errors do.
 */
export function confirmNodeStatus(res: ServerResponse): void {
  const guarded = res as GuardedResponse;
  const guard = guarded[GUARD] ?? guarded[OWN_GUARD];
  if (guard !== undefined) guard.statusChosen = true;
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
  confirmNodeStatus(res);
  res.end(payload);
}
