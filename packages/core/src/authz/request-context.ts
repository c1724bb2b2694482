/**
 * The per-request context object (`req.bulwark`, `ctx.state.bulwark`, `request.bulwark`). A class,
 * so that a request costs one small object: `authorize` is a prototype getter that binds the
 * engine's authorizer to this request only when a handler first reads it.
 */
import type { ResolvedConfig } from "../config/resolve-config.js";
import type { Principal } from "../context/principal.js";
import type { SecurityContext } from "../context/security-context.js";
import type { SecurityRequest } from "../request/security-request.js";
import { contextAuthorizerFor, type Authorize } from "./context-authorizer.js";

/** The security context of one request. */
export class RequestContext implements SecurityContext {
  /** The authenticated party, or `undefined` for an anonymous request. */
  principal: Principal | undefined = undefined;
  /** The object loaded by the route's ownership check, when it has one. */
  resource: unknown = undefined;
  readonly #request: SecurityRequest;
  readonly #config: ResolvedConfig;
  #authorize: Authorize | undefined;

  /** Builds the context of `request` for the engine configured by `config`. */
  constructor(
    /** The request id. */
    readonly requestId: string,
    /** The client IP as resolved with the `trustProxy` setting. */
    readonly ip: string,
    request: SecurityRequest,
    config: ResolvedConfig,
  ) {
    this.#request = request;
    this.#config = config;
  }

  /** Checks a permission and ownership inside a handler; see {@link Authorize}. */
  get authorize(): Authorize {
    if (this.#authorize === undefined) {
      const authorizer = contextAuthorizerFor(this.#config);
      const scope = { request: this.#request, context: this as SecurityContext };
      const authorize = function authorize(action: string | null, object?: unknown): boolean {
        return authorizer.authorize(scope, action, object, arguments.length > 1);
      } as Authorize;
      authorize.filter = (list, action) => authorizer.filter(scope, list, action);
      this.#authorize = authorize;
    }
    return this.#authorize;
  }
}

/** Creates the context of one request (called by the engine when a request starts). */
export function createRequestContext(requestId: string, ip: string, request: SecurityRequest, config: ResolvedConfig): RequestContext {
  return new RequestContext(requestId, ip, request, config);
}
