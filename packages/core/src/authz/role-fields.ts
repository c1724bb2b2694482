/**
 * `{ fields, byRole }` (of `response` and `writable`) compiled once: the base allowlist, one per
 * role, and the union for each combination of roles a principal turns out to hold, cached.
 */
import { isPlainObject } from "../config/shape.js";
import type { Warn } from "../config/warnings.js";
import type { Principal } from "../context/principal.js";
import { EMPTY_FIELDS, compileFieldTree, mergeFieldTrees, type FieldNode } from "./field-tree.js";
import { holdsAny, type RoleModel } from "./role-model.js";

/** Picks the allowlist that applies to a principal. */
export interface RoleFields {
  /** The allowlist for `principal` (the base one for an anonymous request). */
  treeFor(principal: Principal | undefined): FieldNode;
}

interface RoleEntry {
  readonly holders: ReadonlySet<string>;
  readonly tree: FieldNode;
}

// Distinct role combinations seen; past this the union is computed per request instead of cached.
const MAX_CACHED_COMBINATIONS = 256;

/** Compiles `{ fields, byRole }` found at `where`; pushes problems, warns on unknown roles. */
export function compileRoleFields(
  value: { readonly fields?: unknown; readonly byRole?: unknown },
  where: string,
  model: RoleModel,
  warn: Warn,
  problems: string[],
): RoleFields | undefined {
  const base = value.fields === undefined ? EMPTY_FIELDS : compileFieldTree(value.fields, `${where}.fields`, problems);
  if (value.byRole !== undefined && !isPlainObject(value.byRole)) {
    problems.push(`${where}.byRole must map role names to field lists, e.g. byRole: { admin: ["email"] }.`);
    return undefined;
  }
  if (value.fields === undefined && value.byRole === undefined) {
    problems.push(`${where} needs fields or byRole, e.g. { fields: ["id", "name"] }.`);
    return undefined;
  }
  const entries: RoleEntry[] = [];
  for (const [role, fields] of Object.entries((value.byRole ?? {}) as Record<string, unknown>)) {
    const tree = compileFieldTree(fields, `${where}.byRole.${role}`, problems);
    if (tree === undefined) continue;
    if (!model.knows(role)) {
      warn("BULWARK_UNKNOWN_ROLE", `Bulwark: ${where}.byRole names "${role}", which rbac.roles does not define; only principals holding exactly that role get its fields.`);
    }
    entries.push({ holders: model.holdersOf(role), tree: mergeFieldTrees(base ?? EMPTY_FIELDS, tree) });
  }
  if (base === undefined) return undefined;
  if (entries.length === 0) return { treeFor: () => base };

  const cache = new Map<string, FieldNode>();
  return {
    treeFor(principal) {
      if (principal === undefined || principal.roles.length === 0) return base;
      let key = "";
      let single: FieldNode | undefined;
      let count = 0;
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!;
        if (holdsAny(principal.roles, entry.holders)) {
          key += `${i},`;
          single = entry.tree;
          count++;
        }
      }
      if (count === 0) return base;
      if (count === 1) return single!;
      const cached = cache.get(key);
      if (cached !== undefined) return cached;
      let tree = base;
      for (const index of key.split(",")) if (index !== "") tree = mergeFieldTrees(tree, entries[Number(index)]!.tree);
      if (cache.size < MAX_CACHED_COMBINATIONS) cache.set(key, tree);
      return tree;
    },
  };
}
