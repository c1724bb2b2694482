/**
 * The authorization parts of a route policy: ABAC rules, step-up, object ownership, property rules.
 */
import type { Principal } from "../context/principal.js";
import type { SecurityRequest } from "../request/security-request.js";

/** What an ABAC rule sees. */
export interface AllowContext {
  /** The authenticated principal (undefined on public routes with no credential). */
  readonly principal: Principal | undefined;
  /** The request (params, query and body as the earlier stages left them). */
  readonly request: SecurityRequest;
  /** The object loaded by `owns`, when the route has one (ownership runs before the rule). */
  readonly resource: unknown;
}

/**
 * An attribute-based rule. Only `true` (or a promise of `true`) allows; `false`, any other value,
 * a rejection or a throw denies with 403.
 */
export type AllowRule = (context: AllowContext) => boolean | Promise<boolean>;

/** Step-up requirements (RFC 9470). */
export interface StepUpPolicy {
  /** Acceptable authentication context classes; the token's `acr` must be one of them. */
  readonly acr?: string | readonly string[];
  /** Most seconds since the user authenticated (`auth_time`). */
  readonly maxAge?: number;
  /** Authentication methods that must all appear in the token's `amr`. */
  readonly amr?: readonly string[];
}

/**
 * The owner id(s) of an object: one id, or several (any of them matching is enough). Numbers and
 * strings compare by their text, so `42` owns what principal `"42"` asks for.
 */
export type OwnerIds = string | number | readonly (string | number)[] | undefined | null;

/** How an object's owner is found; shared by `owns` and the top-level `ownership` option. */
export interface OwnerRule<T = unknown> {
  /** The owner id(s) of the object, compared with `principal.id` (or the claim named by `as`). */
  readonly owner?: (object: T) => OwnerIds;
  /** Compare owners with this principal claim (e.g. `tenantId`) instead of `principal.id`. */
  readonly as?: string;
  /** Roles that may access any object (for example `admin`); roles inheriting them may too. */
  readonly bypassRoles?: readonly string[];
  /**
   * Status for an object the principal does not own: 404 (the default: the answer is exactly the
   * one for a missing object, so ids cannot be probed) or 403.
   */
  readonly deny?: 404 | 403;
}

/**
 * Object-level authorization: load the object the request names and check who owns it. `owner`,
 * `as`, `bypassRoles` and `deny` default to the top-level `ownership` option.
 */
export interface OwnsPolicy<T = unknown> extends OwnerRule<T> {
  /** Loads the object named by the request; `undefined`/`null` means it does not exist (404). */
  readonly load: (request: SecurityRequest, principal: Principal) => T | undefined | null | Promise<T | undefined | null>;
}

/** Property-level filter of what a route sends. */
export interface ResponsePolicy {
  /**
   * Allowlisted fields. Dotted paths reach into nested objects (`customer.name`); arrays are
   * filtered element by element; a field without a dot keeps its whole value.
   */
  readonly fields?: readonly string[];
  /** Further fields by role, added to `fields` for principals holding (or inheriting) the role. */
  readonly byRole?: Readonly<Record<string, readonly string[]>>;
}

/** Property-level rule on what a request body may set (mass assignment). */
export interface WritablePolicy {
  /** Fields any principal may set (dotted paths for nested objects, as in `response.fields`). */
  readonly fields?: readonly string[];
  /** Further fields by role, added to `fields` for principals holding (or inheriting) the role. */
  readonly byRole?: Readonly<Record<string, readonly string[]>>;
  /** `reject` (400 listing the field names, the default) or `strip` them from the body. */
  readonly mode?: "reject" | "strip";
}
