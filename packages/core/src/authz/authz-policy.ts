/**
 * The authorization parts of a route policy: ABAC rules, step-up, object ownership, property rules.
 */
import type { Principal } from "../context/principal.js";
import type { SecurityRequest } from "../request/security-request.js";

/** What an ABAC rule sees. */
export interface AllowContext {
  /** The authenticated principal (undefined on public routes with no credential). */
  readonly principal: Principal | undefined;
  /** The request. */
  readonly request: SecurityRequest;
  /** The object loaded by `owns`, when the route has one. */
  readonly resource: unknown;
}

/** An attribute-based rule: true allows; false, a rejection or a throw denies. */
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

/** Object-level authorization: load the object the request names and check who owns it. */
export interface OwnsPolicy<T = unknown> {
  /** Loads the object named by the request; `undefined`/`null` means it does not exist (404). */
  readonly load: (request: SecurityRequest, principal: Principal | undefined) => T | undefined | null | Promise<T | undefined | null>;
  /** The owner id(s) of the object, compared with `principal.id` (or the claim named by `as`). */
  readonly owner: (object: T) => string | number | readonly (string | number)[] | undefined | null;
  /** Compare owners with this principal claim (e.g. `tenantId`) instead of `principal.id`. */
  readonly as?: string;
  /** Roles that may access any object (for example `admin`). */
  readonly bypassRoles?: readonly string[];
  /** Status for an object the principal does not own: 404 (default, no existence oracle) or 403. */
  readonly deny?: 404 | 403;
}

/** Property-level filter of what a route sends. */
export interface ResponsePolicy {
  /** Allowlisted fields (dotted paths for nested objects; applies to each element of arrays). */
  readonly fields?: readonly string[];
  /** Extra or different allowlists by role; a principal gets the union for its roles. */
  readonly byRole?: Readonly<Record<string, readonly string[]>>;
}

/** Property-level rule on what a request body may set (mass assignment). */
export interface WritablePolicy {
  /** Fields any principal may set. */
  readonly fields?: readonly string[];
  /** Extra fields by role. */
  readonly byRole?: Readonly<Record<string, readonly string[]>>;
  /** `reject` (400 listing the fields, the default) or `strip` them. */
  readonly mode?: "reject" | "strip";
}
