/**
 * A request part validated by a JSON Schema: hardened and compiled once by the engine's shared ajv
 * instance of the schema's dialect; text parts coerced strictly first; undeclared properties
 * refused or stripped.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import type { Warn } from "../config/warnings.js";
import { SecurityError, type FieldError } from "../errors/security-error.js";
import { fromAjvErrors } from "./ajv-errors.js";
import { dialectOf, type AjvInstances } from "./ajv-factory.js";
import { coerceFields, coercionPlan, type CoercionPlan } from "./coerce.js";
import { fieldError } from "./field-errors.js";
import { hardenSchema, SchemaCycleError } from "./harden-schema.js";
import { guardInput, type GuardSettings } from "./input-guard.js";
import {
  closesUnknown,
  guardSettingsFor,
  markRepeatedParameters,
  partBase,
  removeProperty,
  type PartOutcome,
  type PartSettings,
  type PartValidator,
} from "./part-validator.js";
import { warnAboutBacktracking } from "./regex-safety.js";

const DRAFT_07_META = "http://json-schema.org/draft-07/schema#";
const UNKNOWN_KEYWORDS = new Set(["additionalProperties", "unevaluatedProperties"]);

/** Compiles a JSON Schema for one part; pushes problems (with `label`) instead of throwing. */
export function compileJsonSchemaPart(
  schema: Readonly<Record<string, unknown>>,
  settings: PartSettings,
  ajv: AjvInstances,
  label: string,
  problems: string[],
  warn: Warn,
): PartValidator | undefined {
  const dialect = dialectOf(schema);
  if (dialect === undefined) {
    problems.push(`${label}: $schema ${JSON.stringify(schema.$schema)} is not supported; use "https://json-schema.org/draft/2020-12/schema" (the default) or "http://json-schema.org/draft-07/schema#".`);
    return undefined;
  }
  const { part } = settings;
  let hardened;
  try {
    hardened = hardenSchema(schema as Record<string, unknown>, {
      close: closesUnknown(part),
      closeRoot: closesUnknown(part),
      stringCap: settings.maxStringLength,
      safeIntegers: true,
      lowerCaseRootNames: part === "headers",
      addObjectType: true,
    });
  } catch (error) {
    if (error instanceof SchemaCycleError) {
      problems.push(`${label}: ${error.message}.`);
      return undefined;
    }
    throw error;
  }
  warnAboutBacktracking(hardened.patterns, label, warn);
  const compiled = { ...hardened.schema };
  if (dialect === "draft-07") compiled.$schema = DRAFT_07_META;
  let validate: ValidateFunction;
  try {
    validate = ajv.forDialect(dialect).compile(compiled);
  } catch (error) {
    problems.push(`${label}: the JSON Schema does not compile: ${(error as Error).message}.`);
    return undefined;
  }
  const textPart = part !== "body";
  const plan: CoercionPlan = coercionPlan(compiled);
  const guard: GuardSettings = guardSettingsFor(settings, hardened.declaredKeys, hardened.maxDeclaredLength);
  const declaredHeaders = part === "headers" ? [...plan.keys()] : undefined;
  const base = partBase(part);
  const strip = settings.unknown === "strip" && closesUnknown(part);

  function check(value: unknown, input: unknown): FieldError[] | undefined {
    if (validate(value)) return undefined;
    return markRepeatedParameters(fromAjvErrors(validate.errors ?? [], base), part, input);
  }

  return {
    part,
    run(input, format): PartOutcome {
      if (part === "body") {
        if (input === undefined) return { ok: false, errors: [fieldError(base, "required")] };
        if (input instanceof Uint8Array) throw new SecurityError("UNSUPPORTED_MEDIA_TYPE", { detail: "This endpoint expects a JSON or form body." });
      }
      const subject = declaredHeaders ? pick(input, declaredHeaders) : input;
      const errors: FieldError[] = [];
      guardInput(subject, base, guard, errors, settings.maxErrors);
      if (errors.length > 0) return { ok: false, errors };
      const coerce = textPart || format === "urlencoded";
      let value = coerce && isObject(subject) ? coerceFields(subject, plan, part === "headers" ? "," : undefined) : subject;
      let failed = check(value, subject);
      if (failed && strip) {
        const unknown = (validate.errors ?? []).filter((e) => UNKNOWN_KEYWORDS.has(e.keyword));
        if (unknown.length > 0) {
          value = value === subject ? structuredClone(value) : value;
          for (const error of unknown) removeUnknown(value, error);
          failed = check(value, subject);
        }
      }
      return failed ? { ok: false, errors: failed } : { ok: true, value };
    },
  };
}

function removeUnknown(root: unknown, error: ErrorObject): void {
  const params = error.params as { additionalProperty?: string; unevaluatedProperty?: string };
  const key = params.additionalProperty ?? params.unevaluatedProperty;
  if (key === undefined) return;
  const segments = error.instancePath === "" ? [] : error.instancePath.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  removeProperty(root, segments, key);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function pick(input: unknown, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isObject(input)) return out;
  for (const name of names) if (Object.prototype.hasOwnProperty.call(input, name)) out[name] = input[name];
  return out;
}
