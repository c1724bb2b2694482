/**
 * A request part validated by a Standard Schema validator (zod, valibot, arktype...): the input
 * guard first, then the validator (possibly async), its issues mapped to Bulwark's field errors,
 * and properties the validator silently dropped reported as unknown unless the route strips them.
 */
import { SecurityError, type FieldError } from "../errors/security-error.js";
import { childPointer, fieldError } from "./field-errors.js";
import { guardInput, type GuardSettings } from "./input-guard.js";
import {
  closesUnknown,
  droppedProperties,
  guardSettingsFor,
  markRepeatedParameters,
  partBase,
  removeProperty,
  type PartOutcome,
  type PartSettings,
  type PartValidator,
} from "./part-validator.js";
import type { StandardSchemaLike } from "./schema.js";
import { inspectStandardSchema, undeclaredProperties } from "./schema-insight.js";
import { fromStandardIssues, issuePath, type StandardIssue } from "./standard-issues.js";

type StandardOutcome = { readonly value: unknown; readonly issues?: undefined } | { readonly issues: readonly StandardIssue[] };

/** True for a Standard Schema (v1) validator. */
export function isStandardSchema(value: unknown): value is StandardSchemaLike {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  const standard = (value as { "~standard"?: { version?: unknown; validate?: unknown } })["~standard"];
  return typeof standard === "object" && standard !== null && standard.version === 1 && typeof standard.validate === "function";
}

function asOutcome(result: unknown): StandardOutcome {
  if (typeof result !== "object" || result === null) throw new TypeError("a Standard Schema validator returned no result");
  const issues = (result as { issues?: unknown }).issues;
  if (Array.isArray(issues)) return { issues: issues as StandardIssue[] };
  return { value: (result as { value?: unknown }).value };
}

/** Compiles a Standard Schema validator for one part; pushes problems (with `label`) instead of throwing. */
export function compileStandardSchemaPart(
  schema: StandardSchemaLike,
  settings: PartSettings,
  label: string,
  problems: string[],
): PartValidator | undefined {
  const { part } = settings;
  const insight = inspectStandardSchema(schema);
  const topLevel = insight.topLevelKeys;
  if (part === "headers" && topLevel) {
    const upper = topLevel.filter((name) => name !== name.toLowerCase());
    if (upper.length > 0) {
      problems.push(`${label}: header names are matched in lower case; write ${upper.map((n) => JSON.stringify(n.toLowerCase())).join(", ")} instead of ${upper.map((n) => JSON.stringify(n)).join(", ")}.`);
      return undefined;
    }
  }
  const guard: GuardSettings = part === "headers" && topLevel === undefined
    ? { ...guardSettingsFor(settings, insight.declaredKeys, 0), maxString: Number.POSITIVE_INFINITY }
    : guardSettingsFor(settings, insight.declaredKeys, insight.maxDeclaredLength);
  const base = partBase(part);
  const closes = closesUnknown(part);
  const strip = settings.unknown === "strip" && closes;
  const validate = schema["~standard"].validate;

  async function check(value: unknown): Promise<{ value: unknown } | { errors: FieldError[]; issues: readonly StandardIssue[] }> {
    const outcome = asOutcome(await validate(value));
    if (outcome.issues) return { errors: markRepeatedParameters(fromStandardIssues(outcome.issues, base, value), part, value), issues: outcome.issues };
    return { value: outcome.value };
  }

  return {
    part,
    async run(input): Promise<PartOutcome> {
      if (part === "body" && input instanceof Uint8Array) {
        throw new SecurityError("UNSUPPORTED_MEDIA_TYPE", { detail: "This endpoint expects a JSON or form body." });
      }
      const subject = prepare(input);
      const errors: FieldError[] = [];
      guardInput(subject, base, guard, errors, settings.maxErrors);
      if (errors.length > 0) return { ok: false, errors };
      let result = await check(subject);
      if ("errors" in result && strip) {
        const unknown = result.issues.filter((issue) => issue.code === "unrecognized_keys");
        if (unknown.length > 0) {
          const copy = structuredClone(subject);
          for (const issue of unknown) {
            for (const key of Array.isArray(issue.keys) ? issue.keys : []) removeProperty(copy, issuePath(issue).map(String), String(key));
          }
          result = await check(copy);
        }
      }
      if ("errors" in result) {
        // The validator stops short of naming properties it would have dropped; name them too.
        const unknown = closes && !strip ? undeclaredProperties(schema, subject, settings.maxErrors) : [];
        return { ok: false, errors: [...result.errors, ...unknown.map((s) => fieldError(childPointer(base, ...s), "additionalProperties"))] };
      }
      if (closes && !strip) {
        const dropped = droppedProperties(subject, result.value, base, settings.maxErrors);
        if (dropped.length > 0) return { ok: false, errors: dropped.map((d) => fieldError(d.path, "additionalProperties")) };
      }
      return { ok: true, value: result.value };
    },
  };

  /** Headers narrowed to the declared names; a lone query value given where a list is declared becomes a list. */
  function prepare(input: unknown): unknown {
    if (input === null || typeof input !== "object") return input;
    const record = input as Record<string, unknown>;
    if (part === "headers" && topLevel) {
      const out: Record<string, unknown> = {};
      for (const name of topLevel) if (Object.prototype.hasOwnProperty.call(record, name)) out[name] = record[name];
      return out;
    }
    if (part === "query" && insight.arrayFields.size > 0) {
      const out: Record<string, unknown> = { ...record };
      for (const name of insight.arrayFields) if (typeof out[name] === "string") out[name] = [out[name]];
      return out;
    }
    return input;
  }
}
