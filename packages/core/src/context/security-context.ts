/**
 * The per-request context handed to the app: `req.bulwark` (Express), `ctx.state.bulwark` (Koa),
 * `request.bulwark` (Fastify).
 */
import type { Authorize } from "../authz/context-authorizer.js";
import type { Principal } from "./principal.js";

/** What a handler can read about the request's security state. */
export interface SecurityContext {
  /** The request id, echoed in `x-request-id` and in every problem body. */
  readonly requestId: string;
  /** The authenticated party, or `undefined` for an anonymous request. */
  principal: Principal | undefined;
  /** The object loaded by the route's ownership check, when it has one. */
  resource: unknown;
  /** The client IP as resolved with the `trustProxy` setting. */
  readonly ip: string;
  /** `authorize(action, object)` and `authorize.filter(list)`: the policy's checks inside a handler. */
  readonly authorize: Authorize;
}
