/**
 * The response phase on Express: property filters on `res.json` and `res.jsonp` (`res.send(object)`
 * goes through `res.json`), and deny by default when the head is written. The filters are wrappers
 * put once on Express's response prototype, reading the request's slot: a function put on each
 * Express response slows every later access to it (Express changes the prototype of its
 * responses per request).
 */
import type { Response } from "express";
import { guardNodeResponse, type Engine, type RequestState } from "@bulwark/core";
import { slotOf } from "./request-state.js";

type Serializer = (this: Response, ...args: unknown[]) => Response;

/** The Express methods that serialize a payload as JSON. */
const SERIALIZERS = ["json", "jsonp"] as const;

type SerializerName = (typeof SERIALIZERS)[number];

/** The wrappers put on response prototypes (one per method and Express copy in the process). */
const wrappers = new WeakSet<Serializer>();

/**
 * The arguments with every possible payload filtered. Express 5 sends the first argument and
 * ignores the rest; Express 4 also takes `(status, body)` and `(body, status)`. Which one a given
 * call means depends on the Express in use, so every argument that is not a status goes through
 * the filter.
 */
function filterArguments(args: unknown[], engine: Engine, state: RequestState): unknown[] {
  if (args.length < 2) return [engine.respond(state, args[0])];
  return args.map((arg) => (typeof arg === "number" ? arg : engine.respond(state, arg)));
}

/** Wraps `name` on the prototype of `res` that defines it (Express's shared response), once. */
function wrapOnPrototype(res: Response, name: SerializerName): void {
  let owner = Object.getPrototypeOf(res) as Partial<Record<SerializerName, Serializer>> | null;
  while (owner !== null && !Object.hasOwn(owner, name)) owner = Object.getPrototypeOf(owner) as Partial<Record<SerializerName, Serializer>> | null;
  const inner = owner?.[name];
  if (owner === null || typeof inner !== "function" || wrappers.has(inner)) return;
  const filtered: Serializer = function bulwarkFiltered(...args) {
    const slot = slotOf(this.req);
    return inner.apply(this, slot === undefined ? args : filterArguments(args, slot.engine, slot.state));
  };
  wrappers.add(filtered);
  owner[name] = filtered;
}

/**
 * Wraps the response of one request so that the core decides what leaves. `state` must be the
 * state recorded on `res.req` (the prototype wrappers read it from there).
 */
export function guardResponse(engine: Engine, res: Response, state: RequestState): void {
  const ownSlot = slotOf(res.req)?.state === state;
  const methods = res as unknown as Record<SerializerName, Serializer>;
  for (const name of SERIALIZERS) {
    if (!wrappers.has(methods[name])) wrapOnPrototype(res, name);
    if (ownSlot && wrappers.has(methods[name])) continue;
    // Something sits in front of the shared wrapper (an app's own res.json, another Express
    // copy's response): wrap what is there, on this response.
    const original = methods[name];
    methods[name] = function bulwarkFilteredOwn(this: Response, ...args: unknown[]) {
      return original.apply(this, filterArguments(args, engine, state));
    };
  }
  guardNodeResponse(engine, res, state);
}
