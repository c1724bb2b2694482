/**
 * The role model (`rbac` option) resolved once at startup: inheritance flattened, cycles refused,
 * and lookups that answer "which roles satisfy this?" with a set, so a request only tests its
 * principal's few roles for membership.
 */
import type { ResolvedConfig } from "../config/resolve-config.js";
import { closestName } from "../config/did-you-mean.js";
import { checkShape, isPlainObject, type Shape } from "../config/shape.js";
import type { RbacOptions } from "./authz-options.js";
import { coveringGrants, isGrantPattern, isPermission } from "./permission.js";

/** The resolved role model. */
export interface RoleModel {
  /** True when `rbac` was configured. */
  readonly configured: boolean;
  /** The configured role names. */
  readonly roleNames: readonly string[];
  /** True when `role` is configured (always true without a role model: any name is a role). */
  knows(role: string): boolean;
  /** `role` and every role that inherits it, directly or not. */
  holdersOf(role: string): ReadonlySet<string>;
  /** The roles granted `permission` (through `can`, wildcards and inheritance). */
  grantersOf(permission: string): ReadonlySet<string>;
  /** True when one of `roles` is granted `permission`; false for anything not a permission. */
  grants(roles: readonly string[], permission: string): boolean;
}

const ROLE_SHAPE: Shape = {
  inherits: { kind: "array", items: { kind: "string", minLength: 1 } },
  can: { kind: "array", items: { kind: "string", minLength: 1 } },
};

// Actions passed to authorize() at run time are chosen by code, so few; the cap only bounds memory.
const MAX_CACHED_PERMISSIONS = 1024;
const EMPTY: ReadonlySet<string> = new Set();
const models = new WeakMap<ResolvedConfig, RoleModel>();

/**
 * The role model of `config`, resolved on first use. Problems are pushed only by the first call,
 * so that several features can ask for it without repeating them.
 */
export function roleModelFor(config: ResolvedConfig, problems: string[]): RoleModel {
  let model = models.get(config);
  if (model === undefined) {
    model = resolveRoleModel(config.options.rbac, problems);
    models.set(config, model);
  }
  return model;
}

/** True when one of `roles` is in `set` (a plain loop: this runs on every request). */
export function holdsAny(roles: readonly string[], set: ReadonlySet<string>): boolean {
  for (let i = 0; i < roles.length; i++) if (set.has(roles[i]!)) return true;
  return false;
}

/** Resolves a role model from the `rbac` option; pushes every problem found. */
export function resolveRoleModel(rbac: RbacOptions | undefined, problems: string[]): RoleModel {
  if (rbac === undefined) return openModel();
  const found: string[] = [];
  const roles = rbac.roles as unknown;
  if (!isPlainObject(roles)) {
    problems.push('rbac.roles must be an object of roles, e.g. rbac: { roles: { admin: { inherits: ["editor"], can: ["orders:*"] } } }.');
    return openModel();
  }
  const names = Object.keys(roles);
  const inherits = new Map<string, readonly string[]>();
  const own = new Map<string, readonly string[]>();
  for (const name of names) {
    const definition = roles[name];
    const path = `rbac.roles.${name}`;
    if (name === "__proto__" || name.trim() === "") {
      found.push(`${path}: "${name}" cannot be a role name.`);
      continue;
    }
    if (!isPlainObject(definition)) {
      found.push(`${path} must be an object such as { inherits: ["viewer"], can: ["orders:read"] }.`);
      continue;
    }
    checkShape(definition, ROLE_SHAPE, path, found);
    const parents = Array.isArray(definition.inherits) ? definition.inherits.filter((p): p is string => typeof p === "string") : [];
    for (const parent of parents) {
      if (!Object.prototype.hasOwnProperty.call(roles, parent)) {
        const hint = closestName(parent, names);
        found.push(`${path}.inherits names "${parent}", which is not a role here.` + (hint ? ` Did you mean "${hint}"?` : ` Define rbac.roles.${parent} or remove it.`));
      }
    }
    const grants = Array.isArray(definition.can) ? definition.can.filter((g): g is string => typeof g === "string") : [];
    for (const grant of grants) {
      if (!isGrantPattern(grant)) {
        found.push(`${path}.can: "${grant}" is not a permission; write "orders:delete", "orders:*" or "*" (a wildcard only as the last segment).`);
      }
    }
    inherits.set(name, parents);
    own.set(name, grants);
  }
  for (const cycle of findCycles(inherits)) {
    found.push(`rbac.roles: ${cycle.join(" inherits ")} is a cycle; remove one of these inherits.`);
  }
  if (found.length > 0) {
    problems.push(...found);
    return openModel();
  }
  return closedModel(inherits, own);
}

/** The model without `rbac`: a role is only itself, and no role grants a permission. */
function openModel(): RoleModel {
  return {
    configured: false,
    roleNames: [],
    knows: () => true,
    holdersOf: (role) => new Set([role]),
    grantersOf: () => EMPTY,
    grants: () => false,
  };
}

function closedModel(inherits: ReadonlyMap<string, readonly string[]>, own: ReadonlyMap<string, readonly string[]>): RoleModel {
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (role: string): Set<string> => {
    let found = ancestors.get(role);
    if (found !== undefined) return found;
    found = new Set([role]);
    for (const parent of inherits.get(role) ?? []) for (const ancestor of ancestorsOf(parent)) found.add(ancestor);
    ancestors.set(role, found);
    return found;
  };
  const effective = new Map<string, ReadonlySet<string>>();
  const holders = new Map<string, Set<string>>();
  for (const role of inherits.keys()) {
    const grants = new Set<string>();
    for (const ancestor of ancestorsOf(role)) {
      for (const grant of own.get(ancestor) ?? []) grants.add(grant);
      let set = holders.get(ancestor);
      if (set === undefined) holders.set(ancestor, (set = new Set()));
      set.add(role);
    }
    effective.set(role, grants);
  }
  const granters = new Map<string, ReadonlySet<string>>();
  const grantersOf = (permission: string): ReadonlySet<string> => {
    const cached = granters.get(permission);
    if (cached !== undefined) return cached;
    if (!isPermission(permission)) return EMPTY;
    const covering = coveringGrants(permission);
    const found = new Set<string>();
    for (const [role, grants] of effective) {
      if (covering.some((grant) => grants.has(grant))) found.add(role);
    }
    if (granters.size < MAX_CACHED_PERMISSIONS) granters.set(permission, found);
    return found;
  };
  return {
    configured: true,
    roleNames: Object.freeze([...inherits.keys()]),
    knows: (role) => inherits.has(role),
    holdersOf: (role) => holders.get(role) ?? new Set([role]),
    grantersOf,
    grants: (roles, permission) => holdsAny(roles, grantersOf(permission)),
  };
}

/** Each inheritance cycle once, as the path of role names that closes it. */
function findCycles(inherits: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (role: string): void => {
    const mark = state.get(role);
    if (mark === "done") return;
    if (mark === "visiting") {
      cycles.push([...path.slice(path.indexOf(role)), role]);
      return;
    }
    state.set(role, "visiting");
    path.push(role);
    for (const parent of inherits.get(role) ?? []) if (inherits.has(parent)) visit(parent);
    path.pop();
    state.set(role, "done");
  };
  for (const role of inherits.keys()) visit(role);
  return cycles;
}
