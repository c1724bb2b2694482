/**
 * Reading a claim by name or dotted path (`realm_access.roles`), own properties only: nothing is
 * ever read from a prototype, so a `__proto__` or `constructor` claim finds nothing it should not.
 */

/** Reads one claim from a verified claims set. */
export type ClaimReader = (claims: Readonly<Record<string, unknown>>) => unknown;

/**
 * Compiles `path` once. The whole name is tried first (claims such as
 * `https://example.com/roles` hold dots), then the dotted path through nested objects.
 */
export function claimReader(path: string): ClaimReader {
  const segments = path.split(".");
  if (segments.length === 1) return (claims) => (Object.hasOwn(claims, path) ? claims[path] : undefined);
  return function readClaim(claims) {
    if (Object.hasOwn(claims, path)) return claims[path];
    let current: unknown = claims;
    for (const segment of segments) {
      if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
      if (!Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
    return current;
  };
}

/** True when `path` is a usable claim name or path: a non-empty string of at most 256 characters. */
export function isClaimPath(path: unknown): path is string {
  return typeof path === "string" && path !== "" && path.length <= 256;
}
