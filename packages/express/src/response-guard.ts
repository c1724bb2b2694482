/**
 * The response phase on Express: property filters on `res.json` (which `res.send(object)` also
 * uses), and deny by default when the head is written. The `json` wrapper sits once on Express's
 * response prototype and reads the request's slot: a function put on each Express response slows
 * every later access to it (Express changes the prototype of its responses per request).
 */
import type { Response } from "express";
import { guardNodeResponse, type Engine, type RequestState } from "@bulwark/core";
import { slotOf } from "./request-state.js";

type Json = (this: Response, body: unknown) => Response;

/** The wrappers put on response prototypes (one per Express copy in the process). */
const jsonWrappers = new WeakSet<Json>();

/** Wraps `json` on the prototype of `res` that defines it (Express's shared response), once. */
function wrapJsonPrototype(res: Response): void {
  let owner = Object.getPrototypeOf(res) as { json?: Json } | null;
  while (owner !== null && !Object.hasOwn(owner, "json")) owner = Object.getPrototypeOf(owner) as { json?: Json } | null;
  if (owner === null || typeof owner.json !== "function" || jsonWrappers.has(owner.json)) return;
  const inner = owner.json;
  const bulwarkJson: Json = function bulwarkJson(body) {
    const slot = slotOf(this.req);
    return inner.call(this, slot === undefined ? body : slot.engine.respond(slot.state, body));
  };
  jsonWrappers.add(bulwarkJson);
  owner.json = bulwarkJson;
}

/**
 * Wraps the response of one request so that the core decides what leaves. `state` must be the
 * state recorded on `res.req` (the prototype wrapper reads it from there).
 */
export function guardResponse(engine: Engine, res: Response, state: RequestState): void {
  if (!jsonWrappers.has(res.json as Json)) wrapJsonPrototype(res);
  const shared = jsonWrappers.has(res.json as Json) && slotOf(res.req)?.state === state;
  if (!shared) {
    // Something sits in front of the shared wrapper (an app's own res.json, another Express copy's
    // response): wrap what is there, on this response.
    const originalJson = res.json as Json;
    res.json = function bulwarkJsonOwn(this: Response, body: unknown) {
      return originalJson.call(this, engine.respond(state, body));
    } as Response["json"];
  }
  guardNodeResponse(engine, res, state);
}
