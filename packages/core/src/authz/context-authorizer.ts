/**
 * What `context.authorize(action, object)` and `authorize.filter(list)` decide, built once per
 * engine and found through the engine's resolved configuration.
 */
import type { ResolvedConfig } from "../config/resolve-config.js";
import type { SecurityContext } from "../context/security-context.js";
import type { Emit } from "../events/emitter.js";
import type { RequestState } from "../pipeline/request-state.js";
import type { SecurityRequest } from "../request/security-request.js";
import type { BolaGuard } from "./bola-guard.js";
import type { OwnerCheck } from "./owner-match.js";
import type { RoleModel } from "./role-model.js";

/** The request a check runs in. */
export interface AuthorizeScope {
  readonly request: SecurityRequest;
  readonly context: SecurityContext;
}

/** The decisions behind `authorize` and `authorize.filter`. */
export interface ContextAuthorizer {
  /** See {@link Authorize}; `hasObject` is false when no object argument was passed. */
  authorize(scope: AuthorizeScope, action: string | null, object: unknown, hasObject: boolean): boolean;
  /** See {@link Authorize.filter}. */
  filter<T>(scope: AuthorizeScope, list: readonly T[], action: string | null | undefined): T[];
}

/**
 * Checks inside a handler what a route policy checks before it.
 *
 * `authorize(action, object)` is true when the principal's roles grant the permission `action`
 * (through `rbac`, with inheritance and wildcards; `null` skips this part) and, when an object is
 * passed, the principal owns it by the top-level `ownership` rule (or holds a bypass role). A
 * missing object (`undefined`/`null`) is never authorized. A denial emits `authz.denied` or
 * `ownership.denied`, and ownership denials count toward enumeration detection.
 *
 * `authorize.filter(list, action?)` returns a new array of the items the principal may see
 * (without events: filtering a listing is not probing).
 */
export interface Authorize {
  (action: string | null, object?: unknown): boolean;
  /** The items of `list` the principal may see (all of them with a bypass role). */
  filter<T>(list: readonly T[], action?: string | null): T[];
}

const NEEDS_OWNER = "authorize(action, object) needs a top-level ownership rule: add ownership: { owner: (object) => object.ownerId } to bulwark().";
const authorizers = new WeakMap<ResolvedConfig, ContextAuthorizer>();

/** Fails closed when no authorization feature was set up for the engine. */
const DENY_ALL: ContextAuthorizer = {
  authorize: () => false,
  filter: () => [],
};

/** Makes `authorizer` the one behind the contexts of the engine configured by `config`. */
export function registerContextAuthorizer(config: ResolvedConfig, authorizer: ContextAuthorizer): void {
  authorizers.set(config, authorizer);
}

/** The authorizer of the engine configured by `config` (one that denies everything if none). */
export function contextAuthorizerFor(config: ResolvedConfig): ContextAuthorizer {
  return authorizers.get(config) ?? DENY_ALL;
}

/** Builds the authorizer from the role model, the top-level ownership rule and the BOLA guard. */
export function createContextAuthorizer(model: RoleModel, ownership: OwnerCheck | undefined, bola: BolaGuard, emit: Emit): ContextAuthorizer {
  function checkAction(action: unknown): asserts action is string | null {
    if (action !== null && typeof action !== "string") {
      throw new TypeError('authorize(action, object): action is a permission such as "orders:read", or null to check ownership only.');
    }
  }
  return {
    authorize(scope, action, object, hasObject) {
      checkAction(action);
      // emit() reads only the request and the context.
      const state = scope as unknown as RequestState;
      const principal = scope.context.principal;
      if (principal === undefined) {
        emit("authz.denied", state, "AUTH_REQUIRED");
        return false;
      }
      if (action !== null && !model.grants(principal.roles, action)) {
        emit("authz.denied", state, "AUTHZ_INSUFFICIENT_PERMISSION", { action });
        return false;
      }
      if (!hasObject) return true;
      if (ownership === undefined) throw new Error(NEEDS_OWNER);
      if (object === undefined || object === null) return false;
      if (ownership.bypasses(principal) || ownership.owns(principal, object)) return true;
      emit("ownership.denied", state, "AUTHZ_NOT_OWNER");
      bola.recordDenialLater(state, principal);
      return false;
    },
    filter(scope, list, action) {
      if (!Array.isArray(list)) throw new TypeError("authorize.filter(list) needs an array.");
      const act = action ?? null;
      checkAction(act);
      const principal = scope.context.principal;
      if (principal === undefined) return [];
      if (act !== null && !model.grants(principal.roles, act)) return [];
      if (ownership === undefined) throw new Error(NEEDS_OWNER);
      if (ownership.bypasses(principal)) return list.filter((item) => item !== undefined && item !== null);
      return list.filter((item) => ownership.owns(principal, item));
    },
  };
}
