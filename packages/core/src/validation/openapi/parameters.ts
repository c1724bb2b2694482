/**
 * OpenAPI parameters read from a request by their `style` and `explode` (path: simple, label,
 * matrix; query: form, spaceDelimited, pipeDelimited, deepObject; header: simple; cookie: form)
 * and coerced strictly to their schema's types. Everything per parameter is decided at startup.
 */
import { isPlainObject } from "../../config/shape.js";
import type { FieldError } from "../../errors/security-error.js";
import { coerceField, coerceFields, coerceText, coercionPlan, fieldPlan, type CoercionPlan, type FieldPlan } from "../coerce.js";
import { childPointer, fieldError } from "../field-errors.js";

/** Where a parameter is. */
export type ParameterLocation = "path" | "query" | "header" | "cookie";

/** One parameter, compiled. */
export interface ParameterSpec {
  /** Its name (lower case for headers). */
  readonly name: string;
  readonly in: ParameterLocation;
  readonly required: boolean;
  readonly style: string;
  readonly explode: boolean;
  readonly shape: "primitive" | "array" | "object";
  readonly plan: FieldPlan;
  readonly objectPlan: CoercionPlan;
  /** The declared property names of an object parameter. */
  readonly objectKeys: readonly string[];
  /** Declared with `content: { "application/json": ... }`: the value is JSON text. */
  readonly json: boolean;
}

const DEFAULT_STYLE: Readonly<Record<ParameterLocation, string>> = { path: "simple", query: "form", header: "simple", cookie: "form" };
const STYLES: Readonly<Record<ParameterLocation, readonly string[]>> = {
  path: ["simple", "label", "matrix"],
  query: ["form", "spaceDelimited", "pipeDelimited", "deepObject"],
  header: ["simple"],
  cookie: ["form"],
};
const DELIMITERS: Readonly<Record<string, string>> = { spaceDelimited: " ", pipeDelimited: "|" };
// Names that would reach a prototype if used as keys of a plain object.
const PROTOTYPE_NAMES = new Set(["__proto__", "constructor", "prototype"]);

/** Compiles a parameter object (references already resolved) whose schema was converted. */
export function compileParameter(
  parameter: Readonly<Record<string, unknown>>,
  schema: unknown,
  json: boolean,
  resolve: (ref: string) => unknown,
  label: string,
  problems: string[],
): ParameterSpec | undefined {
  const location = parameter.in as ParameterLocation;
  if (!["path", "query", "header", "cookie"].includes(location) || typeof parameter.name !== "string") {
    problems.push(`${label}: a parameter needs a \`name\` and \`in\` ("path", "query", "header" or "cookie").`);
    return undefined;
  }
  const style = typeof parameter.style === "string" ? parameter.style : DEFAULT_STYLE[location];
  if (!STYLES[location].includes(style)) {
    problems.push(`${label}: style ${JSON.stringify(style)} is not valid for a ${location} parameter (use ${STYLES[location].join(", ")}).`);
    return undefined;
  }
  const plan = fieldPlan(schema, resolve);
  const shape = plan.types.has("array") ? "array" : plan.types.has("object") ? "object" : "primitive";
  const objectPlan = shape === "object" && isPlainObject(schema) ? coercionPlan(schema, resolve) : new Map<string, FieldPlan>();
  return {
    name: location === "header" ? parameter.name.toLowerCase() : parameter.name,
    in: location,
    required: location === "path" ? true : parameter.required === true,
    style,
    explode: typeof parameter.explode === "boolean" ? parameter.explode : style === "form",
    shape,
    plan,
    objectPlan,
    objectKeys: [...objectPlan.keys()],
    json,
  };
}

function first(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  return Array.isArray(value) && typeof value[0] === "string" ? value[0] : undefined;
}

/** "k,v,k,v" (or "k=v,k=v" when exploded) into an object. */
function pairs(text: string, explode: boolean, separator: string): Record<string, string> {
  const out: Record<string, string> = {};
  const items = text.split(separator);
  if (explode) {
    for (const item of items) {
      const at = item.indexOf("=");
      if (at > 0 && !PROTOTYPE_NAMES.has(item.slice(0, at))) out[item.slice(0, at)] = item.slice(at + 1);
    }
  } else {
    for (let i = 0; i + 1 < items.length; i += 2) if (!PROTOTYPE_NAMES.has(items[i]!)) out[items[i]!] = items[i + 1]!;
  }
  return out;
}

function parseJson(text: string, path: string, errors: FieldError[]): unknown {
  try {
    return JSON.parse(text);
  } catch {
    errors.push(fieldError(path, "type"));
    return undefined;
  }
}

/** Reads one text-valued parameter (path, header, cookie, or a simple query one) and coerces it. */
function fromText(spec: ParameterSpec, raw: unknown, path: string, errors: FieldError[]): unknown {
  if (spec.json) {
    const text = first(raw);
    return text === undefined ? raw : parseJson(text, path, errors);
  }
  if (Array.isArray(raw) && spec.shape !== "array") return raw;
  if (typeof raw !== "string" && !Array.isArray(raw)) return raw;
  let text = Array.isArray(raw) ? undefined : raw;
  if (text !== undefined && spec.in === "path") {
    if (spec.style === "label") text = text.startsWith(".") ? text.slice(1) : text;
    if (spec.style === "matrix") text = text.startsWith(`;${spec.name}=`) ? text.slice(spec.name.length + 2) : text;
  }
  const separator = spec.in === "path" && spec.style === "label" && spec.explode ? "." : ",";
  if (spec.shape === "array") {
    if (Array.isArray(raw)) return coerceField(raw, spec.plan);
    const items = spec.in === "query" && spec.explode ? [text!] : text!.split(spec.in === "query" ? (DELIMITERS[spec.style] ?? ",") : separator);
    return coerceField(items, spec.plan);
  }
  if (spec.shape === "object") return coerceFields(pairs(text!, spec.explode, separator), spec.objectPlan);
  return coerceText(text!, spec.plan.types);
}

/** The values of path parameters, by name. */
export function readPathParameters(specs: readonly ParameterSpec[], values: Readonly<Record<string, string | undefined>>, errors: FieldError[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const path = childPointer("/params", spec.name);
    const raw = values[spec.name];
    if (raw === undefined) {
      errors.push(fieldError(path, Object.prototype.hasOwnProperty.call(values, spec.name) ? "invalid" : "required"));
      continue;
    }
    out[spec.name] = fromText(spec, raw, path, errors);
  }
  return out;
}

/** The values of header or cookie parameters, by name (absent ones left out). */
export function readTextParameters(specs: readonly ParameterSpec[], source: Readonly<Record<string, unknown>>, base: string, errors: FieldError[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const raw = source[spec.name];
    if (raw === undefined) continue;
    out[spec.name] = fromText(spec, raw, childPointer(base, spec.name), errors);
  }
  return out;
}

/** Query parameters, and the names they used (any other name is undeclared). */
export function readQueryParameters(
  specs: readonly ParameterSpec[],
  query: Readonly<Record<string, unknown>>,
  errors: FieldError[],
): { values: Record<string, unknown>; used: Set<string> } {
  const values: Record<string, unknown> = {};
  const used = new Set<string>();
  for (const spec of specs) {
    const path = childPointer("/query", spec.name);
    if (spec.shape === "object" && !spec.json && (spec.style === "deepObject" || spec.explode)) {
      const object: Record<string, unknown> = {};
      for (const name of Object.keys(query)) {
        const key = spec.style === "deepObject"
          ? (name.startsWith(`${spec.name}[`) && name.endsWith("]") ? name.slice(spec.name.length + 1, -1) : undefined)
          : (spec.objectKeys.includes(name) ? name : undefined);
        if (key === undefined || key === "" || key.includes("[")) continue;
        used.add(name);
        object[key] = query[name];
      }
      if (Object.keys(object).length > 0) values[spec.name] = coerceFields(object, spec.objectPlan);
      continue;
    }
    const raw = query[spec.name];
    if (raw === undefined) continue;
    used.add(spec.name);
    values[spec.name] = fromText(spec, raw, path, errors);
  }
  return { values, used };
}

/** The cookies of a `Cookie` header, by name (the first of a repeated name wins). */
export function parseCookies(header: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const text = Array.isArray(header) ? header.join("; ") : header;
  if (typeof text !== "string") return out;
  for (const part of text.split(";")) {
    const at = part.indexOf("=");
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (name === "" || PROTOTYPE_NAMES.has(name) || Object.prototype.hasOwnProperty.call(out, name)) continue;
    let value = part.slice(at + 1).trim();
    if (value.startsWith("\"") && value.endsWith("\"") && value.length >= 2) value = value.slice(1, -1);
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}
