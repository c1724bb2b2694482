/**
 * Field allowlists (`["id", "customer.name", "items.sku"]`) compiled once into a tree: each node
 * lists the property names allowed at that level and, for each, either the node below it or
 * "the whole value".
 */

/** One level of an allowlist. */
export interface FieldNode {
  /** Allowed property names, in the order they were first listed. */
  readonly names: readonly string[];
  /** For each name: the node of its nested fields, or `null` to keep the whole value. */
  readonly children: readonly (FieldNode | null)[];
  /** Name to child, for walks driven by the input's keys. */
  readonly lookup: ReadonlyMap<string, FieldNode | null>;
}

interface MutableNode {
  readonly entries: Map<string, MutableNode | null>;
}

/** The allowlist that allows nothing. */
export const EMPTY_FIELDS: FieldNode = freeze({ entries: new Map() });

// A path segment must be a plain property name; "__proto__" could never be set safely.
const FORBIDDEN_SEGMENTS = new Set(["__proto__"]);

/** Compiles a list of field paths; pushes a problem for each malformed one. */
export function compileFieldTree(fields: unknown, where: string, problems: string[]): FieldNode | undefined {
  if (!Array.isArray(fields) || fields.some((f) => typeof f !== "string")) {
    problems.push(`${where} must be a list of field names, e.g. ["id", "status", "customer.name"].`);
    return undefined;
  }
  const root: MutableNode = { entries: new Map() };
  let valid = true;
  for (const field of fields as string[]) {
    const segments = field.split(".");
    if (field === "" || segments.some((s) => s === "" || s.trim() !== s || FORBIDDEN_SEGMENTS.has(s))) {
      problems.push(`${where}: "${field}" is not a field path; write property names joined by dots, e.g. "customer.address.city".`);
      valid = false;
      continue;
    }
    insert(root, segments);
  }
  return valid ? freeze(root) : undefined;
}

/** The union of two allowlists (a whole value in either wins over nested fields). */
export function mergeFieldTrees(a: FieldNode, b: FieldNode): FieldNode {
  return freeze(mergeInto(thaw(a), b));
}

function insert(node: MutableNode, segments: readonly string[]): void {
  let current = node;
  for (let i = 0; i < segments.length; i++) {
    const name = segments[i]!;
    const last = i === segments.length - 1;
    const existing = current.entries.get(name);
    if (existing === null) return; // the whole value is already allowed
    if (last) {
      current.entries.set(name, null);
      return;
    }
    if (existing === undefined) {
      const child: MutableNode = { entries: new Map() };
      current.entries.set(name, child);
      current = child;
    } else {
      current = existing;
    }
  }
}

function thaw(node: FieldNode): MutableNode {
  const entries = new Map<string, MutableNode | null>();
  node.names.forEach((name, i) => {
    const child = node.children[i]!;
    entries.set(name, child === null ? null : thaw(child));
  });
  return { entries };
}

function mergeInto(target: MutableNode, source: FieldNode): MutableNode {
  source.names.forEach((name, i) => {
    const incoming = source.children[i]!;
    const existing = target.entries.get(name);
    if (existing === null) return;
    if (incoming === null) target.entries.set(name, null);
    else if (existing === undefined) target.entries.set(name, thaw(incoming));
    else mergeInto(existing, incoming);
  });
  return target;
}

function freeze(node: MutableNode): FieldNode {
  const names: string[] = [];
  const children: (FieldNode | null)[] = [];
  for (const [name, child] of node.entries) {
    names.push(name);
    children.push(child === null ? null : freeze(child));
  }
  const lookup = new Map<string, FieldNode | null>();
  names.forEach((name, i) => lookup.set(name, children[i]!));
  return Object.freeze({ names: Object.freeze(names), children: Object.freeze(children), lookup });
}
