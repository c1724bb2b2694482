/**
 * Compiles what a route policy gives for `params`, `query`, `headers` or `body` (a Standard Schema
 * validator, a JSON Schema, or either wrapped as `{ schema, unknown, ... }`) into a part validator.
 */
import { checkShape, isPlainObject, type Shape } from "../config/shape.js";
import type { Warn } from "../config/warnings.js";
import type { AjvInstances } from "./ajv-factory.js";
import { compileJsonSchemaPart } from "./json-schema-part.js";
import type { PartSettings, PartValidator } from "./part-validator.js";
import type { RequestPart } from "./schema.js";
import { compileStandardSchemaPart, isStandardSchema } from "./standard-schema-part.js";
import type { ResolvedValidationOptions } from "./validation-options.js";

const SPEC_SHAPE: Shape = {
  schema: { kind: "any" },
  unknown: { kind: "string", oneOf: ["reject", "strip"] },
  maxStringLength: { kind: "number", integer: true, min: 1 },
  operatorKeys: { kind: "string", oneOf: ["reject", "allow"] },
};

/** A wrapped schema: a plain object whose `schema` member is a schema (`schema` is no JSON Schema keyword). */
function isSpec(value: Record<string, unknown>): boolean {
  return Object.prototype.hasOwnProperty.call(value, "schema") && (isStandardSchema(value.schema) || isPlainObject(value.schema));
}

/** Compiles one part of a policy; `undefined` (with problems pushed) when it cannot work. */
export function compileInput(
  part: RequestPart,
  given: unknown,
  options: ResolvedValidationOptions,
  ajv: AjvInstances,
  problems: string[],
  warn: Warn,
): PartValidator | undefined {
  const label = `policy.${part}`;
  let schema: unknown = given;
  let route: Record<string, unknown> = {};
  if (isPlainObject(given) && isSpec(given)) {
    checkShape(given, SPEC_SHAPE, label, problems);
    schema = given.schema;
    route = given;
  }
  const settings: PartSettings = {
    part,
    unknown: (route.unknown as PartSettings["unknown"] | undefined) ?? options.unknown,
    maxStringLength: (route.maxStringLength as number | undefined) ?? options.maxStringLength,
    operatorKeys: ((route.operatorKeys as string | undefined) ?? options.operatorKeys) === "reject",
    unsafeCharacters: options.unsafeCharacters === "reject",
    maxErrors: options.maxErrors,
  };
  if (isStandardSchema(schema)) return compileStandardSchemaPart(schema, settings, label, problems);
  if (isPlainObject(schema)) return compileJsonSchemaPart(schema, settings, ajv, label, problems, warn);
  problems.push(`${label} must be a zod (or other Standard Schema) schema, a JSON Schema object, or { schema, unknown: "strip" }; got ${describe(schema)}.`);
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object that is neither" : typeof value;
}
