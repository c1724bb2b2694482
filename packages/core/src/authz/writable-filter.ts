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
 * does not let the body replace the parent (`address`) with something that is not an object: not
 * a scalar, and no array element that is not an object either. An empty array carries no data
 * and passes (clearing a list of objects looks the same).
 */
export function unwritablePaths(body: unknown, tree: FieldNode): string[] {
  const found: string[] = [];
  if (body !== null && typeof body === "object") collect(body, tree, "/body", found);
  return found;
}

/**
 * A copy of `body` holding only what the allowlist covers; `body` itself is not changed. What
 * {@link unwritablePaths} refuses is left out: a scalar, an array element that is not an object,
 * and an array under a partly writable parent that held nothing else.
 */
export function stripUnwritable(body: unknown, tree: FieldNode): unknown {
  if (body === null || typeof body !== "object") return body;
  return strip(body, tree, true);
}

function collect(value: object, node: FieldNode, path: string, found: string[]): void {
  if (found.length >= MAX_LISTED_FIELDS) return;
  if (Array.isArray(value)) {
    // Elements that are not objects would replace the object the allowlist describes. An empty
    // array carries no data (a list of objects being cleared looks the same); its type is the
    // schema's to check.
    for (let i = 0; i < value.length && found.length < MAX_LISTED_FIELDS; i++) {
      const element: unknown = value[i];
      if (element !== null && typeof element === "object") collect(element, node, `${path}/${i}`, found);
      else found.push(`${path}/${i}`);
    }
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

/** The writable part of `value`; `undefined` for an array that keeps nothing under a parent. */
function strip(value: object, node: FieldNode, root: boolean): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const element of value as unknown[]) {
      if (element === null || typeof element !== "object") continue;
      const kept = strip(element, node, false);
      if (kept !== undefined) out.push(kept);
    }
    // A list that held only what is not writable is left out, not turned into an empty list.
    return out.length === 0 && value.length > 0 && !root ? undefined : out;
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(source)) {
    const child = node.lookup.get(name);
    if (child === undefined) continue;
    const nested = source[name];
    if (child === null) {
      out[name] = nested;
    } else if (nested !== null && typeof nested === "object") {
      const kept = strip(nested, child, false);
      if (kept !== undefined) out[name] = kept;
    }
  }
  return out;
}

/** A property name as one JSON-pointer segment (RFC 6901), cut to a readable length. */
function pointerSegment(name: string): string {
  const short = name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH)}…` : name;
  return short.replace(TILDE, "~0").replace(SLASH, "~1");
}
