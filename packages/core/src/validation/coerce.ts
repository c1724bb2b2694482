/**
 * Strict coercion of text (path segments, query values, header values, form fields) to the types a
 * JSON Schema declares, decided per field once at startup. Only canonical spellings convert: "5"
 * becomes 5, but "0x10", " 5 ", "1e3" for an integer, "" for a number, or "yes" for a boolean stay
 * text and fail validation, unlike ajv's `coerceTypes`. A repeated name stays a list unless the
 * schema declares an array, so parameter pollution is visible to the validator.
 */
import { isPlainObject } from "../config/shape.js";
import { resolvePointer } from "./harden-schema.js";

/** The JSON types one field accepts, and those of its items when it is an array. */
export interface FieldPlan {
  readonly types: ReadonlySet<string>;
  readonly items: ReadonlySet<string>;
}

/** Coercion plans by field name. */
export type CoercionPlan = ReadonlyMap<string, FieldPlan>;

const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const MAX_DEPTH = 16;

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** The JSON types a schema accepts (empty when it does not say). */
export function typesOf(schema: unknown, resolve: (ref: string) => unknown, depth = 0): Set<string> {
  const types = new Set<string>();
  if (!isPlainObject(schema) || depth > MAX_DEPTH) return types;
  if (typeof schema.$ref === "string") for (const t of typesOf(resolve(schema.$ref), resolve, depth + 1)) types.add(t);
  if (typeof schema.type === "string") {
    types.add(schema.type);
  } else if (Array.isArray(schema.type)) {
    for (const t of schema.type) if (typeof t === "string") types.add(t);
  } else if (Array.isArray(schema.enum)) {
    for (const v of schema.enum) types.add(jsonType(v));
  } else if ("const" in schema) {
    types.add(jsonType(schema.const));
  }
  if (types.size === 0) {
    for (const keyword of ["anyOf", "oneOf", "allOf"] as const) {
      const branches = schema[keyword];
      if (Array.isArray(branches)) for (const branch of branches) for (const t of typesOf(branch, resolve, depth + 1)) types.add(t);
    }
  }
  return types;
}

function itemSchema(schema: unknown, resolve: (ref: string) => unknown): unknown {
  if (!isPlainObject(schema)) return undefined;
  if (typeof schema.$ref === "string" && schema.items === undefined) return itemSchema(resolve(schema.$ref), resolve);
  return schema.items;
}

/** The plan of one field schema. */
export function fieldPlan(schema: unknown, resolve: (ref: string) => unknown): FieldPlan {
  return { types: typesOf(schema, resolve), items: typesOf(itemSchema(schema, resolve), resolve) };
}

/** Plans for each declared property of an object schema. */
export function coercionPlan(root: Readonly<Record<string, unknown>>, resolveRef?: (ref: string) => unknown): CoercionPlan {
  const resolve = (ref: string) => (ref.startsWith("#") ? resolvePointer(root, ref) : resolveRef?.(ref));
  const plan = new Map<string, FieldPlan>();
  let object: unknown = root;
  if (typeof root.$ref === "string" && root.properties === undefined) object = resolve(root.$ref);
  const properties = isPlainObject(object) ? object.properties : undefined;
  if (!isPlainObject(properties)) return plan;
  for (const [name, schema] of Object.entries(properties)) plan.set(name, fieldPlan(schema, resolve));
  return plan;
}

/** Converts one text value to the first declared type it spells exactly; otherwise keeps the text. */
export function coerceText(value: string, types: ReadonlySet<string>): unknown {
  if (types.size === 0 || types.has("string")) return value;
  if (types.has("integer") && INTEGER.test(value)) {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  if (types.has("number") && NUMBER.test(value)) {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  if (types.has("boolean") && (value === "true" || value === "false")) return value === "true";
  if (types.has("null") && value === "") return null;
  return value;
}

/** Coerces one field's value (text or repeated text) by its plan; `split` separates list items in one value. */
export function coerceField(value: unknown, plan: FieldPlan | undefined, split?: string): unknown {
  if (plan === undefined) return value;
  const wantsArray = plan.types.has("array");
  if (Array.isArray(value)) {
    return wantsArray && value.every((v) => typeof v === "string") ? value.map((v: string) => coerceText(v, plan.items)) : value;
  }
  if (typeof value !== "string") return value;
  if (wantsArray && !plan.types.has("string")) {
    const items = split === undefined ? [value] : value.split(split).map((v) => v.trim());
    return items.map((v) => coerceText(v, plan.items));
  }
  return coerceText(value, plan.types);
}

/** A coerced copy of a flat record of text fields. */
export function coerceFields(input: Readonly<Record<string, unknown>>, plan: CoercionPlan, split?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) out[name] = coerceField(value, plan.get(name), split);
  return out;
}
