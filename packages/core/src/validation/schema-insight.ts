/**
 * What Bulwark can learn about a Standard Schema validator at startup, for the checks that run
 * before it: the property names it declares, the largest string length it allows, and which
 * top-level fields are lists. Read from zod 4's schema definitions; other validators are opaque
 * (no declared names, no declared lengths), which only makes the checks stricter.
 */

/** What a schema declares. */
export interface SchemaInsight {
  /** Every property name the schema declares anywhere. */
  readonly declaredKeys: ReadonlySet<string>;
  /** The largest maximum string length it declares (0 when none or unknown). */
  readonly maxDeclaredLength: number;
  /** Top-level fields declared as arrays (a single query value is then a one-item list). */
  readonly arrayFields: ReadonlySet<string>;
  /** Top-level property names, when the schema is a known object schema. */
  readonly topLevelKeys: readonly string[] | undefined;
}

interface ZodDef {
  readonly type?: string;
  readonly shape?: Readonly<Record<string, unknown>>;
  readonly element?: unknown;
  readonly innerType?: unknown;
  readonly in?: unknown;
  readonly out?: unknown;
  readonly options?: readonly unknown[];
  readonly left?: unknown;
  readonly right?: unknown;
  readonly items?: readonly unknown[];
  readonly rest?: unknown;
  readonly keyType?: unknown;
  readonly valueType?: unknown;
  readonly catchall?: unknown;
  readonly checks?: readonly { readonly _zod?: { readonly def?: { readonly check?: string; readonly maximum?: unknown } } }[];
}

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional", "success"]);
const MAX_NODES = 10_000;

function defOf(schema: unknown): ZodDef | undefined {
  const zod = (schema as { _zod?: { def?: ZodDef } } | null)?._zod;
  return typeof zod === "object" && zod !== null && typeof zod.def === "object" ? zod.def : undefined;
}

/** Unwraps optional/nullable/default... to the schema that gives the shape. */
function unwrap(schema: unknown): ZodDef | undefined {
  let def = defOf(schema);
  for (let i = 0; def !== undefined && i < 16; i++) {
    if (def.type !== undefined && WRAPPERS.has(def.type)) def = defOf(def.innerType);
    else if (def.type === "pipe") def = defOf(def.in);
    else break;
  }
  return def;
}

/** Inspects a Standard Schema validator (zod 4 in depth, others as opaque). */
export function inspectStandardSchema(schema: unknown): SchemaInsight {
  const declaredKeys = new Set<string>();
  const arrayFields = new Set<string>();
  let maxDeclaredLength = 0;
  const root = unwrap(schema);
  const topLevelKeys = root?.type === "object" && root.shape ? Object.keys(root.shape) : undefined;
  if (root?.type === "object" && root.shape) {
    for (const [name, field] of Object.entries(root.shape)) if (unwrap(field)?.type === "array") arrayFields.add(name);
  }

  const seen = new Set<unknown>();
  const stack: unknown[] = [schema];
  while (stack.length > 0 && seen.size < MAX_NODES) {
    const node = stack.pop();
    const def = defOf(node);
    if (def === undefined || seen.has(node)) continue;
    seen.add(node);
    if (def.type === "string") {
      for (const check of def.checks ?? []) {
        const c = check._zod?.def;
        if (c?.check === "max_length" && typeof c.maximum === "number") maxDeclaredLength = Math.max(maxDeclaredLength, c.maximum);
      }
    }
    if (def.shape) {
      for (const [name, child] of Object.entries(def.shape)) {
        declaredKeys.add(name);
        stack.push(child);
      }
    }
    for (const child of [def.element, def.innerType, def.in, def.out, def.left, def.right, def.rest, def.keyType, def.valueType]) {
      if (child !== undefined) stack.push(child);
    }
    for (const list of [def.options, def.items]) if (Array.isArray(list)) stack.push(...list);
  }
  return { declaredKeys, maxDeclaredLength, arrayFields, topLevelKeys };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Properties of `input` that a zod schema would drop silently (objects without a catch-all), as
 * path segments; found by walking the input beside the schema, so they are known even when the
 * input fails for other reasons. Opaque validators yield none.
 */
export function undeclaredProperties(schema: unknown, input: unknown, max: number): string[][] {
  const found: string[][] = [];
  const stack: { schema: unknown; value: unknown; segments: string[] }[] = [{ schema, value: input, segments: [] }];
  while (stack.length > 0 && found.length < max) {
    const { schema: node, value, segments } = stack.pop()!;
    const def = unwrap(node);
    if (def?.type === "array" && Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ schema: def.element, value: item, segments: [...segments, String(i)] }));
      continue;
    }
    if (def?.type !== "object" || !def.shape || !isRecord(value)) continue;
    for (const [key, child] of Object.entries(value)) {
      if (Object.prototype.hasOwnProperty.call(def.shape, key)) stack.push({ schema: def.shape[key], value: child, segments: [...segments, key] });
      else if (def.catchall === undefined) found.push([...segments, key]);
    }
  }
  return found;
}
