/**
 * What the core remembers about one request between its phases. Adapters keep it on their
 * request object under a symbol and pass it back to the engine.
 */
import type { SecurityContext } from "../context/security-context.js";
import type { SecurityRequest } from "../request/security-request.js";
import type { BodyFormat } from "../transport/content-type.js";
import type { ResponseSink } from "./response-sink.js";

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
  /** The response-phase transform of the route policy that ran, if it has one. */
  transformResponse: ((payload: unknown, state: RequestState) => unknown) | undefined;
  /** Set by a step that replaced `request.query` (validation coercion): adapters then expose the new value. */
  queryReplaced: boolean;
  /** Set once the engine's `prepareHead` ran for this response. */
  headPrepared: boolean;
  /** The body format announced by the request, when it has a body. */
  bodyFormat: BodyFormat | undefined;
  /** Per-request values other modules attach (keyed by module). */
  readonly extras: Map<symbol, unknown>;
}
