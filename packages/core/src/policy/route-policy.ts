/**
 * The route policy: one plain object, the same in every adapter, that says what a route demands.
 */
import type { AllowRule, OwnsPolicy, ResponsePolicy, StepUpPolicy, WritablePolicy } from "../authz/authz-policy.js";
import type { RateLimitOption } from "../ratelimit/rate-limit-options.js";
import type { TransportLimits } from "../transport/limits.js";
import type { SchemaLike } from "../validation/schema.js";

/** Whether a route needs a principal, and which authentication methods it accepts. */
export type AuthRequirement =
  | "required"
  | "optional"
  | {
      /** When true, an anonymous request passes (a present but invalid credential still fails). */
      readonly optional?: boolean;
      /** Accepted `principal.authMethod` values (`jwt`, `apiKey`...); others get 401. */
      readonly methods?: readonly string[];
    };

/**
 * What a route demands. Every key is optional; a route given any policy (even `{}`) is guarded.
 * A key whose feature cannot work with the configuration fails at startup, never silently.
 */
export interface RoutePolicy {
  /** Anyone may call the route; authentication is not required (a bad credential still fails). */
  readonly public?: boolean;
  /** Authentication requirement; `"required"` unless `public` is set. */
  readonly auth?: AuthRequirement;
  /** The principal must hold at least one of these roles. */
  readonly roles?: readonly string[];
  /** The principal must hold every one of these scopes. */
  readonly scopes?: readonly string[];
  /** Permission(s) the principal's roles must grant, e.g. `orders:delete`. */
  readonly can?: string | readonly string[];
  /** Attribute-based rule. */
  readonly allow?: AllowRule;
  /** Step-up authentication requirements. */
  readonly stepUp?: StepUpPolicy;
  /** Object-level ownership check. */
  // The object type is chosen by each route (`owns: { load: () => Note, owner: (n: Note) => ... }`).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly owns?: OwnsPolicy<any>;
  /** Schema of the path parameters. */
  readonly params?: SchemaLike;
  /** Schema of the query string. */
  readonly query?: SchemaLike;
  /** Schema of the request headers. */
  readonly headers?: SchemaLike;
  /** Schema of the request body. */
  readonly body?: SchemaLike;
  /** Property-level filter of the response. */
  readonly response?: ResponsePolicy;
  /** Property-level rule on what the body may set. */
  readonly writable?: WritablePolicy;
  /** Limits after authentication. */
  readonly rateLimit?: RateLimitOption;
  /** Tighter transport limits for this route (they can only lower the global ones). */
  readonly limits?: TransportLimits;
}

/** Names every route policy may use, for "did you mean" hints. */
export const ROUTE_POLICY_KEYS: readonly (keyof RoutePolicy)[] = Object.freeze([
  "public", "auth", "roles", "scopes", "can", "allow", "stepUp", "owns", "params", "query",
  "headers", "body", "response", "writable", "rateLimit", "limits",
] as const);
