/**
 * Where the adapter keeps each request's state: on the request, under a symbol shared by every
 * copy of this package in the process (an ESM and a CommonJS one), so that a route guard of one
 * finds the global layer of the other.
 */
import type { Request } from "express";
import type { Engine, RequestState } from "@bulwark/core";

/** What the adapter keeps on a request it has begun. */
export interface RequestSlot {
  /** The engine that began the request. */
  readonly engine: Engine;
  /** The engine's state of the request. */
  readonly state: RequestState;
}

const SLOT = Symbol.for("bulwark.express.slot");

type Slotted = { [SLOT]?: RequestSlot };

/** The slot of a request Bulwark has begun, if any. */
export function slotOf(req: Request | undefined): RequestSlot | undefined {
  return (req as Slotted | undefined)?.[SLOT];
}

/** The state of a request Bulwark has begun, if any. */
export function stateOf(req: Request): RequestState | undefined {
  return (req as Slotted)[SLOT]?.state;
}

/** Records that `engine` began `req`, and exposes the context as `req.bulwark`. */
export function beginSlot(req: Request, engine: Engine, state: RequestState): void {
  (req as Slotted)[SLOT] = { engine, state };
  req.bulwark = state.context;
}
