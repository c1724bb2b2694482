/**
 * Makes a JSON Schema strict before ajv compiles it, on a copy (the caller's schema is never
 * changed): objects that declare their properties refuse undeclared ones, strings without a
 * `maxLength` get the default cap, integers without bounds stay within the safe-integer range.
 * A schema that says otherwise (`additionalProperties`, `maxLength`, `maximum`) keeps its word.
 */
import { isPlainObject } from "../config/shape.js";

type SchemaNode = Record<string, unknown>;

/** How to harden one schema. */
export interface HardenSettings {
  /** Close objects that declare properties (`additionalProperties: false` or `unevaluatedProperties: false`). */
  readonly close: boolean;
  /** Close the root object too (not for headers, which always carry undeclared names). */
  readonly closeRoot: boolean;
  /** `maxLength` for strings that declare none; `undefined` adds none. */
  readonly stringCap: number | undefined;
  /** Bound integers without limits to the safe-integer range. */
  readonly safeIntegers: boolean;
  /** Lower-case the root's property names (header names). */
  readonly lowerCaseRootNames: boolean;
  /** Drop properties flagged with this OpenAPI keyword (`readOnly` in requests, `writeOnly` in responses). */
  readonly dropFlagged?: "readOnly" | "writeOnly";
  /** Add `type: "object"` where closing needs it (strict ajv refuses object keywords without it). */
  readonly addObjectType: boolean;
  /** Resolves a `$ref` to the schema it names (local `#/...` pointers are always resolved). */
  readonly resolveRef?: (ref: string) => unknown;
  /** Pointers (`#/$defs/Name`) of schemas other schemas extend through allOf/$ref; they stay open. */
  readonly extended?: ReadonlySet<string>;
}

/** A hardened copy and what was learnt on the way. */
export interface HardenedSchema {
  readonly schema: SchemaNode;
  /** Every property name the schema declares anywhere. */
  readonly declaredKeys: ReadonlySet<string>;
  /** The largest `maxLength` the schema declares (0 when none). */
  readonly maxDeclaredLength: number;
  /** Every regular expression the schema holds (`pattern`, `patternProperties` names). */
  readonly patterns: readonly string[];
}

interface Context {
  readonly root: boolean;
  /** A direct branch of allOf/anyOf/oneOf/then/else/dependentSchemas: its parent judges the whole. */
  readonly branch: boolean;
  /** Under not/if/contains/propertyNames: changing anything would change the meaning. */
  readonly untouched: boolean;
}

const MAP_KEYWORDS = ["properties", "patternProperties", "$defs", "definitions"] as const;
const BRANCH_ARRAYS = ["allOf", "anyOf", "oneOf"] as const;
const COMPOSITION = ["allOf", "anyOf", "oneOf", "$ref", "$dynamicRef", "if", "dependentSchemas"] as const;
const SINGLE_SCHEMAS = ["additionalProperties", "unevaluatedProperties", "additionalItems", "unevaluatedItems"] as const;
const UNTOUCHED_SCHEMAS = ["not", "if", "contains", "propertyNames"] as const;
const MAX_RESOLVE_DEPTH = 32;

/** Thrown for a schema object that contains itself (write a `$ref` instead). */
export class SchemaCycleError extends Error {}

function typeIncludes(node: SchemaNode, type: string): boolean {
  const declared = node.type;
  return declared === type || (Array.isArray(declared) && declared.includes(type));
}

/** Resolves a local JSON pointer (`#/...`) inside `root`. */
export function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  const fragment = ref.slice(1);
  if (fragment === "") return root;
  if (!fragment.startsWith("/")) return undefined;
  let current: unknown = root;
  for (const raw of fragment.slice(1).split("/")) {
    const segment = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (current === null || typeof current !== "object" || !Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** The `#/...` fragment of a reference. */
export function fragmentOf(ref: string): string {
  const hash = ref.indexOf("#");
  return hash === -1 ? "#" : ref.slice(hash);
}

/** Pointers of the schemas that others extend (allOf branches, `$ref` beside `properties`). */
export function extendedSchemas(root: unknown): Set<string> {
  const found = new Set<string>();
  const seen = new Set<unknown>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object" || seen.has(node)) continue;
    seen.add(node);
    if (!Array.isArray(node)) {
      const schema = node as SchemaNode;
      const hasProperties = isPlainObject(schema.properties);
      if (typeof schema.$ref === "string" && (hasProperties || BRANCH_ARRAYS.some((k) => Array.isArray(schema[k])))) found.add(fragmentOf(schema.$ref));
      for (const keyword of BRANCH_ARRAYS) {
        const branches = schema[keyword];
        if (!Array.isArray(branches)) continue;
        if (keyword !== "allOf" && !hasProperties && branches.length > 0) continue;
        for (const branch of branches) {
          if (isPlainObject(branch) && typeof branch.$ref === "string") found.add(fragmentOf(branch.$ref));
        }
      }
    }
    for (const child of Object.values(node)) if (child !== null && typeof child === "object") stack.push(child);
  }
  return found;
}

/** Hardens `schema` (a plain object) as `settings` say. */
export function hardenSchema(schema: SchemaNode, settings: HardenSettings): HardenedSchema {
  const declaredKeys = new Set<string>();
  let maxDeclaredLength = 0;
  const patterns: string[] = [];
  const onPath = new Set<unknown>();
  const extended = settings.extended ?? extendedSchemas(schema);

  function resolve(ref: string): unknown {
    if (ref.startsWith("#")) return resolvePointer(schema, ref);
    return settings.resolveRef?.(ref);
  }

  function isObjectSchema(node: SchemaNode, depth: number): boolean {
    if (node.type !== undefined) return typeIncludes(node, "object");
    if (isPlainObject(node.properties) || isPlainObject(node.patternProperties)) return true;
    if (depth > MAX_RESOLVE_DEPTH) return false;
    const branches: unknown[] = [];
    if (typeof node.$ref === "string") branches.push(resolve(node.$ref));
    if (Array.isArray(node.allOf)) return node.allOf.some((b) => isPlainObject(b) && isObjectSchema(b, depth + 1)) || branches.some((b) => isPlainObject(b) && isObjectSchema(b, depth + 1));
    for (const keyword of ["anyOf", "oneOf"] as const) if (Array.isArray(node[keyword])) branches.push(...(node[keyword] as unknown[]));
    return branches.length > 0 && branches.every((b) => isPlainObject(b) && isObjectSchema(b, depth + 1));
  }

  function isFlagged(property: unknown, flag: string): boolean {
    if (!isPlainObject(property)) return false;
    if (property[flag] === true) return true;
    return typeof property.$ref === "string" && isPlainObject(resolve(property.$ref)) && (resolve(property.$ref) as SchemaNode)[flag] === true;
  }

  function walk(value: unknown, pointer: string, context: Context): unknown {
    if (!isPlainObject(value)) return value;
    if (onPath.has(value)) throw new SchemaCycleError(`the schema contains itself at ${pointer}; use a "$ref" instead`);
    onPath.add(value);
    const node = value as SchemaNode;
    const out: SchemaNode = {};
    for (const [keyword, child] of Object.entries(node)) {
      if (MAP_KEYWORDS.includes(keyword as (typeof MAP_KEYWORDS)[number]) && isPlainObject(child)) {
        const map: SchemaNode = {};
        const isProperties = keyword === "properties";
        for (const [name, sub] of Object.entries(child)) {
          if (isProperties && settings.dropFlagged && isFlagged(sub, settings.dropFlagged)) continue;
          const key = isProperties && context.root && settings.lowerCaseRootNames ? name.toLowerCase() : name;
          if (isProperties) declaredKeys.add(key);
          map[key] = walk(sub, `${pointer}/${keyword}/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`, { root: false, branch: false, untouched: context.untouched });
        }
        out[keyword] = map;
      } else if (BRANCH_ARRAYS.includes(keyword as (typeof BRANCH_ARRAYS)[number]) && Array.isArray(child)) {
        out[keyword] = child.map((sub, i) => walk(sub, `${pointer}/${keyword}/${i}`, { root: false, branch: true, untouched: context.untouched }));
      } else if ((keyword === "then" || keyword === "else") && isPlainObject(child)) {
        out[keyword] = walk(child, `${pointer}/${keyword}`, { root: false, branch: true, untouched: context.untouched });
      } else if ((keyword === "dependentSchemas" || keyword === "dependencies") && isPlainObject(child)) {
        out[keyword] = Object.fromEntries(Object.entries(child).map(([name, sub]) => [name, walk(sub, `${pointer}/${keyword}/${name}`, { root: false, branch: true, untouched: context.untouched })]));
      } else if (UNTOUCHED_SCHEMAS.includes(keyword as (typeof UNTOUCHED_SCHEMAS)[number])) {
        out[keyword] = walk(child, `${pointer}/${keyword}`, { root: false, branch: false, untouched: true });
      } else if (SINGLE_SCHEMAS.includes(keyword as (typeof SINGLE_SCHEMAS)[number]) || keyword === "items") {
        out[keyword] = Array.isArray(child)
          ? child.map((sub, i) => walk(sub, `${pointer}/${keyword}/${i}`, { root: false, branch: false, untouched: context.untouched }))
          : walk(child, `${pointer}/${keyword}`, { root: false, branch: false, untouched: context.untouched });
      } else if (keyword === "prefixItems" && Array.isArray(child)) {
        out[keyword] = child.map((sub, i) => walk(sub, `${pointer}/${keyword}/${i}`, { root: false, branch: false, untouched: context.untouched }));
      } else if (keyword === "required" && Array.isArray(child)) {
        const names = child.map((n) => (typeof n === "string" && context.root && settings.lowerCaseRootNames ? n.toLowerCase() : n));
        out[keyword] = settings.dropFlagged && isPlainObject(node.properties)
          ? names.filter((n) => !(typeof n === "string" && isFlagged((node.properties as SchemaNode)[n], settings.dropFlagged!)))
          : names;
        for (const n of names) if (typeof n === "string") declaredKeys.add(n);
      } else {
        out[keyword] = child;
      }
    }
    if (typeof node.maxLength === "number") maxDeclaredLength = Math.max(maxDeclaredLength, node.maxLength);
    if (typeof node.pattern === "string") patterns.push(node.pattern);
    if (isPlainObject(node.patternProperties)) patterns.push(...Object.keys(node.patternProperties));
    if (!context.untouched) inject(node, out, pointer, context);
    onPath.delete(value);
    return out;
  }

  function inject(node: SchemaNode, out: SchemaNode, pointer: string, context: Context): void {
    const stringish = typeIncludes(node, "string") ||
      (node.type === undefined && (node.format !== undefined || node.pattern !== undefined || node.minLength !== undefined));
    if (settings.stringCap !== undefined && stringish && node.maxLength === undefined) out.maxLength = settings.stringCap;
    if (settings.safeIntegers && typeIncludes(node, "integer")) {
      if (node.maximum === undefined && node.exclusiveMaximum === undefined) out.maximum = Number.MAX_SAFE_INTEGER;
      if (node.minimum === undefined && node.exclusiveMinimum === undefined) out.minimum = Number.MIN_SAFE_INTEGER;
    }
    const closeHere = settings.close && !context.branch && (context.root ? settings.closeRoot : true) && !extended.has(pointer);
    if (!closeHere || node.additionalProperties !== undefined || node.unevaluatedProperties !== undefined) return;
    const composed = COMPOSITION.some((k) => node[k] !== undefined);
    const declares = isPlainObject(node.properties) || isPlainObject(node.patternProperties) || composed;
    if (!declares || !isObjectSchema(node, 0)) return;
    if (composed) {
      out.unevaluatedProperties = false;
      if (node.type === undefined && settings.addObjectType) out.type = "object";
    } else {
      out.additionalProperties = false;
    }
  }

  const hardened = walk(schema, "#", { root: true, branch: false, untouched: false }) as SchemaNode;
  return { schema: hardened, declaredKeys, maxDeclaredLength, patterns };
}
