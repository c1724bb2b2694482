/**
 * What the core remembers about one request between its phases. Adapters keep it on their
 * request object under a symbol and pass it back to the engine.
 */
import type { SecurityContext } from "../context/security-context.js";
import type { SecurityRequest } from "../request/security-request.js";
import type { BodyFormat } from "../transport/content-type.js";
import type { ResponseSink } from "./response-sink.js";

/** A response-phase transform of a route policy, with the stage it runs at (masks last). */
export interface ResponseTransform {
  readonly stage: number;
  readonly respond: (payload: unknown, state: RequestState) => unknown;
}

/** The engine's state of one request. */
export interface RequestState {
  /** The normalised request. */
  readonly request: SecurityRequest;
  /** The context the app sees. */
  readonly context: SecurityContext;
  /** Header access to the response. */
  readonly sink: ResponseSink;
  /** Set when a route policy (possibly `public`) has run for this request. */
  guarded: boolean;
  /**
   * The response-phase transforms of every route policy that ran, in stage order: each policy
   * that runs adds its own and removes none, so stacked policies can only narrow what leaves.
   * Empty (a shared frozen array) when none has any.
   */
  responseTransforms: readonly ResponseTransform[];
  /** Set by a step that replaced `request.query` (validation coercion): adapters then expose the new value. */
  queryReplaced: boolean;
  /** Set once the engine's `prepareHead` ran for this response. */
  headPrepared: boolean;
  /** The body format announced by the request, when it has a body. */
  bodyFormat: BodyFormat | undefined;
  /** How many bytes the body had as received, when Bulwark read it (not when the app's own parser did). */
  bodyBytes: number | undefined;
  /** Per-request values other modules attach (keyed by module). */
  readonly extras: Map<symbol, unknown>;
}
