/**
 * TEST ONLY: an independent reading of a field allowlist, to check the filters against. It works on
 * the field strings directly (no compiled tree), so it cannot share a bug with the code under test.
 */

/** Every property path in `value` (array indexes skipped), e.g. `["orders", "items", "sku"]`. */
export function propertyPaths(value: unknown, prefix: readonly string[] = [], out: string[][] = []): string[][] {
  if (Array.isArray(value)) {
    for (const element of value) propertyPaths(element, prefix, out);
    return out;
  }
  if (value === null || typeof value !== "object" || value instanceof Date) return out;
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key !== "string") continue;
    const path = [...prefix, key];
    out.push(path);
    propertyPaths((value as Record<string, unknown>)[key], path, out);
  }
  return out;
}

/**
 * True when an allowlist lets `path` through: a field equals it or is a prefix of it (the whole
 * value is allowed), or it is a prefix of a field (an object on the way to an allowed field).
 */
export function isAllowedPath(path: readonly string[], fields: readonly string[]): boolean {
  return fields.some((field) => {
    const segments = field.split(".");
    const shorter = Math.min(segments.length, path.length);
    for (let i = 0; i < shorter; i++) if (segments[i] !== path[i]) return false;
    return true;
  });
}

/** Freezes `value` and everything reachable from it, so that any write to it throws. */
export function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (value === null || typeof value !== "object" || seen.has(value)) return value;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<string | symbol, unknown>)[key], seen);
  return Object.freeze(value);
}
