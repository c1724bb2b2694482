/**
 * Permission names (`orders:delete`) and the grant patterns that cover them (`orders:*`, `*`).
 */

// Segments are separated by ":"; a grant may end in ":*" or be "*" alone.
const GRANT_PATTERN = /^(?:\*|[^\s:*]+(?::[^\s:*]+)*(?::\*)?)$/;
const PERMISSION = /^[^\s:*]+(?::[^\s:*]+)*$/;

/** True for a grant: `orders:delete`, `orders:*` or `*`. */
export function isGrantPattern(value: unknown): value is string {
  return typeof value === "string" && GRANT_PATTERN.test(value);
}

/** True for a concrete permission such as `orders:delete` (no wildcard). */
export function isPermission(value: unknown): value is string {
  return typeof value === "string" && value.length <= 256 && PERMISSION.test(value);
}

/**
 * Every grant that covers `permission`: the permission itself, `*`, and `prefix:*` for each prefix
 * (`a:b:c` is covered by `a:*` and `a:b:*`).
 */
export function coveringGrants(permission: string): string[] {
  const grants = [permission, "*"];
  let colon = permission.indexOf(":");
  while (colon !== -1) {
    grants.push(`${permission.slice(0, colon)}:*`);
    colon = permission.indexOf(":", colon + 1);
  }
  return grants;
}
