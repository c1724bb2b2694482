/**
 * What the plugin keeps on each Fastify request, under a symbol, between its hooks.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Engine, RequestState, RouteGuard, RoutePolicy } from "@bulwark/core";

/** The key of a request's {@link RequestSlot}. */
export const SLOT: unique symbol = Symbol("bulwark.fastify.request");

/** The key of the {@link PluginRuntime} on the Fastify instance the plugin was registered on. */
export const RUNTIME: unique symbol = Symbol("bulwark.fastify.runtime");

/** The plugin instance a request went through (one per `register(bulwark)`). */
export interface PluginRuntime {
  /** The engine built from the plugin's options. */
  readonly engine: Engine;
  /** The compiled guard of `policy` (compiled once per policy object). */
  guardFor(policy: RoutePolicy): RouteGuard;
  /**
   * Runs `guard` now (the body is parsed) and writes what it replaced back onto `request`:
   * `undefined` when that finished at once, else a promise. A refusal is thrown, or rejects it.
   */
  runGuard(request: FastifyRequest, guard: RouteGuard): Promise<void> | undefined;
  /** Answers `error` as a problem (beginning the request first if no hook of the plugin saw it). */
  fail(error: unknown, request: FastifyRequest, reply: FastifyReply): void;
}

/** Per-request data of the plugin. */
export interface RequestSlot {
  /** The engine's state of the request. */
  readonly state: RequestState;
  /** The plugin instance that began the request. */
  readonly runtime: PluginRuntime;
  /** Set once the body is parsed and checked (the plugin's `preValidation` hook). */
  bodyReady: boolean;
  /** Set when Bulwark's own parser produced the body (so it is already checked). */
  ownBody: boolean;
  /** Guards attached to a hook that runs before the body is parsed; they run once it is. */
  pending: RouteGuard[] | undefined;
}

/** A Fastify request as the plugin sees it. */
export type SlottedRequest = FastifyRequest & { [SLOT]?: RequestSlot };

/** The request's slot; throws (a 500, failing closed) when the plugin never saw the request. */
export function slotOf(request: FastifyRequest): RequestSlot {
  const slot = (request as SlottedRequest)[SLOT];
  if (slot === undefined) {
    throw new Error("Bulwark route guard used where the Bulwark plugin is not registered: call fastify.register(bulwark, config) first.");
  }
  return slot;
}
