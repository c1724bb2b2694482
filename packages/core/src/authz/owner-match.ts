/**
 * Deciding whether a principal owns an object: the object's owner id(s) against the principal's id
 * or one of its claims (a tenant), with bypass roles. Shared by `owns` and `authorize()`.
 */
import type { Principal } from "../context/principal.js";
import type { OwnerIds, OwnerRule } from "./authz-policy.js";
import { holdsAny, type RoleModel } from "./role-model.js";

/** An owner rule resolved at startup. */
export interface OwnerCheck {
  /** True when the principal holds (or inherits) a bypass role. */
  bypasses(principal: Principal): boolean;
  /** True when the principal owns `object`; a throwing owner function means "no". */
  owns(principal: Principal, object: unknown): boolean;
}

/** Resolves an owner rule (its `owner` must be a function). */
export function ownerCheck(rule: OwnerRule<unknown> & { owner: (object: unknown) => OwnerIds }, model: RoleModel): OwnerCheck {
  const bypass = new Set<string>();
  for (const role of rule.bypassRoles ?? []) for (const holder of model.holdersOf(role)) bypass.add(holder);
  const { owner, as: claim } = rule;
  return {
    bypasses: (principal) => bypass.size > 0 && holdsAny(principal.roles, bypass),
    owns(principal, object) {
      if (object === null || object === undefined) return false;
      let owners: OwnerIds;
      try {
        owners = owner(object);
      } catch {
        // An object the owner function cannot read is treated like a foreign one, so that a crash
        // on some objects never tells them apart from the rest.
        return false;
      }
      const subject = claim === undefined
        ? principal.id
        : Object.prototype.hasOwnProperty.call(principal.claims, claim) ? principal.claims[claim] : undefined;
      return intersects(owners, subject);
    },
  };
}

/** True when an id in `owners` equals an id in `subject` (both compared as text). */
function intersects(owners: unknown, subject: unknown): boolean {
  if (Array.isArray(subject)) {
    for (let i = 0; i < subject.length; i++) if (intersects(owners, subject[i])) return true;
    return false;
  }
  const wanted = idText(subject);
  if (wanted === undefined) return false;
  if (!Array.isArray(owners)) return idText(owners) === wanted;
  for (let i = 0; i < owners.length; i++) if (idText(owners[i]) === wanted) return true;
  return false;
}

function idText(value: unknown): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === "bigint") return String(value);
  return undefined;
}
