/**
 * OpenAPI schema objects turned into plain JSON Schema 2020-12 for ajv, on a copy: references to
 * `#/components/schemas/...` point into a compiled components schema, `x-` extensions go, and
 * OpenAPI 3.0's dialect (`nullable`, boolean `exclusiveMinimum`/`exclusiveMaximum`) is rewritten.
 */
import { isPlainObject } from "../../config/shape.js";
import type { OpenApiVersion } from "./load-document.js";

type Node = Record<string, unknown>;

const COMPONENT_SCHEMAS = "#/components/schemas/";
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const SCHEMA_VALUES = new Set([
  "items", "additionalProperties", "unevaluatedProperties", "additionalItems", "unevaluatedItems",
  "contains", "propertyNames", "not", "if", "then", "else",
]);

/** Where converted references point. */
export interface ConvertSettings {
  readonly version: OpenApiVersion;
  /** The `$id` of the compiled components schema the references point into (`""` for inside it). */
  readonly componentsId: string;
  /** Where the schema is, for messages. */
  readonly label: string;
}

/** Converts one schema object; pushes problems (unsupported references) instead of throwing. */
export function convertSchema(schema: unknown, settings: ConvertSettings, problems: string[]): unknown {
  const onPath = new Set<unknown>();

  function convert(value: unknown): unknown {
    if (!isPlainObject(value)) return value;
    if (onPath.has(value)) {
      problems.push(`${settings.label}: the schema contains itself; use a "$ref" instead.`);
      return {};
    }
    onPath.add(value);
    let out: Node = {};
    for (const [keyword, child] of Object.entries(value)) {
      if (keyword.startsWith("x-")) continue;
      if (keyword === "$ref" && typeof child === "string") out.$ref = rewriteRef(child);
      else if (SCHEMA_MAPS.has(keyword) && isPlainObject(child)) out[keyword] = Object.fromEntries(Object.entries(child).map(([k, v]) => [k, convert(v)]));
      else if (SCHEMA_LISTS.has(keyword) && Array.isArray(child)) out[keyword] = child.map(convert);
      else if (SCHEMA_VALUES.has(keyword)) out[keyword] = Array.isArray(child) ? child.map(convert) : convert(child);
      else out[keyword] = child;
    }
    if (settings.version === "3.0") out = fromOpenApi30(out);
    onPath.delete(value);
    return out;
  }

  function rewriteRef(ref: string): string {
    if (ref.startsWith(COMPONENT_SCHEMAS)) return `${settings.componentsId}#/$defs/${ref.slice(COMPONENT_SCHEMAS.length)}`;
    if (ref.startsWith("#/$defs/") || ref.startsWith("#/definitions/")) return ref;
    problems.push(`${settings.label}: the reference ${JSON.stringify(ref)} is not supported; point schemas at "#/components/schemas/..." (bundle external files into the document first).`);
    return ref;
  }

  return convert(schema);
}

/** OpenAPI 3.0's differences from JSON Schema, rewritten. */
function fromOpenApi30(node: Node): Node {
  const out: Node = { ...node };
  for (const [bound, limit] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]] as const) {
    if (typeof out[bound] === "boolean") {
      if (out[bound] === true && typeof out[limit] === "number") {
        out[bound] = out[limit];
        delete out[limit];
      } else {
        delete out[bound];
      }
    }
  }
  if (out.nullable !== true) {
    delete out.nullable;
    return out;
  }
  delete out.nullable;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}
