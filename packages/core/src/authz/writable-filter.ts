/**
 * The writable allowlist of a request body (mass assignment, OWASP API3): which properties a body
 * sets that the principal may not set, and a copy of the body without them.
 */
import type { FieldNode } from "./field-tree.js";

/** Most offending paths listed in one problem; the rest are counted, not listed. */
export const MAX_LISTED_FIELDS = 50;
const MAX_NAME_LENGTH = 100;
const TILDE = /~/g;
const SLASH = /\//g;

/**
 * JSON-pointer paths (`/body/role`, `/body/items/0/price`) of every property in `body` that the
 * allowlist does not cover, up to {@link MAX_LISTED_FIELDS}. A nested allowlist (`address.city`)
 * does not let the body replace the parent (`address`) with something that is not an object.
 */
export function unwritablePaths(body: unknown, tree: FieldNode): string[] {
  const found: string[] = [];
  collect(body, tree, "/body", found);
  return found;
}

/** A copy of `body` holding only what the allowlist covers; `body` itself is not changed. */
export function stripUnwritable(body: unknown, tree: FieldNode): unknown {
  if (body === null || typeof body !== "object") return body;
  return strip(body, tree);
}

function collect(value: unknown, node: FieldNode, path: string, found: string[]): void {
  if (value === null || typeof value !== "object" || found.length >= MAX_LISTED_FIELDS) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && found.length < MAX_LISTED_FIELDS; i++) collect(value[i], node, `${path}/${i}`, found);
    return;
  }
  for (const name of Object.keys(value)) {
    const child = node.lookup.get(name);
    const childPath = `${path}/${pointerSegment(name)}`;
    if (child === undefined) {
      found.push(childPath);
    } else if (child !== null) {
      const nested = (value as Record<string, unknown>)[name];
      if (nested === null || typeof nested !== "object") found.push(childPath);
      else collect(nested, child, childPath, found);
    }
    if (found.length >= MAX_LISTED_FIELDS) return;
  }
}

function strip(value: object, node: FieldNode): unknown {
  if (Array.isArray(value)) {
    return value.map((element: unknown) => (element !== null && typeof element === "object" ? strip(element, node) : element));
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(source)) {
    const child = node.lookup.get(name);
    if (child === undefined) continue;
    const nested = source[name];
    if (child === null) out[name] = nested;
    else if (nested !== null && typeof nested === "object") out[name] = strip(nested, child);
  }
  return out;
}

/** A property name as one JSON-pointer segment (RFC 6901), cut to a readable length. */
function pointerSegment(name: string): string {
  const short = name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH)}…` : name;
  return short.replace(TILDE, "~0").replace(SLASH, "~1");
}
