/**
 * The response phase on Express: property filters on `res.json` (which `res.send(object)` also
 * uses), and deny by default when the head is written.
 */
import type { Response } from "express";
import { guardNodeResponse, type Engine, type RequestState } from "@bulwark/core";

/** Wraps the response of one request so that the core decides what leaves. */
export function guardResponse(engine: Engine, res: Response, state: RequestState): void {
  const originalJson = res.json as unknown as (body: unknown) => Response;
  res.json = function bulwarkJson(this: Response, body: unknown) {
    return originalJson.call(this, engine.respond(state, body));
  } as Response["json"];
  guardNodeResponse(engine, res, state);
}
