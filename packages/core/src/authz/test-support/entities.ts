/**
 * TEST ONLY: class instances shaped like ORM entities and DTOs, for the response filter's and the
 * masks' tests (JSON.stringify sends their own enumerable properties, as it does a plain object's).
 */

/** A class instance holding `fields` as its own enumerable properties (as an ORM entity or a DTO does). */
export class Entity {
  constructor(fields: Record<string, unknown>) {
    for (const [key, value] of Object.entries(fields)) Object.defineProperty(this, key, { value, enumerable: true, writable: true, configurable: true });
  }
}

/** `value` with every plain object, at any depth, turned into an {@link Entity}. */
export function asEntities(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asEntities);
  if (value === null || typeof value !== "object") return value;
  return new Entity(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asEntities(v)])));
}
