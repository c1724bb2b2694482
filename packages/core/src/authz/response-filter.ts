/**
 * The response allowlist: a new value holding only the allowlisted properties of what the handler
 * returned. The handler's objects are never changed, and only names from the (startup-checked)
 * allowlist are ever written, so no input key can reach a prototype.
 */
import type { FieldNode } from "./field-tree.js";

// Arrays nested in arrays at one level of the allowlist; deeper ones are dropped rather than walked.
const MAX_ARRAY_NESTING = 32;
const isEnumerableOwn = Object.prototype.propertyIsEnumerable;

/**
 * Keeps the allowlisted properties of `payload` (an object, or an array of them, at any depth).
 * A root that is not an object passes unchanged; a nested value that should be an object but is
 * not (a string where `customer.name` is allowlisted) is dropped.
 */
export function filterResponse(payload: unknown, tree: FieldNode): unknown {
  return filterValue(payload, tree, 0, true);
}

function filterValue(input: unknown, node: FieldNode, arrayDepth: number, root: boolean): unknown {
  let value = input;
  // What JSON.stringify would send: an object's toJSON() result (ORM documents, Dates...).
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    value = (value as { toJSON: (key: string) => unknown }).toJSON("");
  }
  if (value === null || value === undefined) return value;
  if (typeof value !== "object") return root ? value : undefined;
  if (Array.isArray(value)) {
    if (arrayDepth >= MAX_ARRAY_NESTING) return [];
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const element = filterValue(value[i], node, arrayDepth + 1, root);
      out[i] = element === undefined ? null : element;
    }
    return out;
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const { names, children } = node;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (!isEnumerableOwn.call(source, name)) continue;
    const child = children[i]!;
    const kept = child === null ? source[name] : filterValue(source[name], child, 0, false);
    if (kept !== undefined) out[name] = kept;
  }
  return out;
}
