/**
 * The top-level authorization options of `bulwark(config)`: the role model, how ownership is
 * decided outside a route's `owns`, and enumeration (BOLA) detection.
 */
import type { OwnerRule } from "./authz-policy.js";

/** One role of the role model. */
export interface RoleDefinition {
  /** Roles whose permissions this role also has (`admin` inherits `editor`). Cycles are refused. */
  readonly inherits?: readonly string[];
  /**
   * Permissions granted: `orders:delete`, `orders:*` (every permission under `orders:`) or `*`
   * (every permission).
   */
  readonly can?: readonly string[];
}

/** The role model that `can` in a route policy and `authorize(action)` check against. */
export interface RbacOptions {
  /** Roles by name. */
  readonly roles: Readonly<Record<string, RoleDefinition>>;
}

/**
 * How `context.authorize(action, object)` decides ownership, and the defaults of every route's
 * `owns` (a route's own `owner`, `as`, `bypassRoles` and `deny` win).
 */
// Objects of any type pass through the app's own owner function, so the parameter stays open.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OwnershipOptions = OwnerRule<any>;

/**
 * Enumeration (BOLA) detection: a principal collecting more than `threshold` ownership denials
 * (foreign or missing objects) within `window` seconds emits `bola.suspected` and is refused (429)
 * on ownership-checked routes for `block` seconds. Counted in the configured store, so it holds
 * across instances that share it.
 */
export interface BolaOptions {
  /** Denials allowed within the window. Default 20. */
  readonly threshold?: number;
  /** Window length in seconds. Default 60. */
  readonly window?: number;
  /** Seconds the principal stays blocked; 0 only reports (`bola.suspected`). Default 300. */
  readonly block?: number;
  /**
   * When the store cannot be reached for the block check: `false` (the default) answers 503;
   * `true` lets the request through to the ownership check, which still applies.
   */
  readonly failOpen?: boolean;
}

/** The resolved enumeration-detection settings: every option filled in. */
export type ResolvedBola = Readonly<Required<BolaOptions>>;

/** The defaults of {@link BolaOptions}. */
export const DEFAULT_BOLA: ResolvedBola = Object.freeze({ threshold: 20, window: 60, block: 300, failOpen: false });
