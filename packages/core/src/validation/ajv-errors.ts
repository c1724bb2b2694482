/**
 * ajv's errors turned into Bulwark field errors: the keyword and the schema's parameters pick the
 * code and the message; ajv's own messages (which can quote values) are never used.
 */
import type { ErrorObject } from "ajv";
import type { FieldError } from "../errors/security-error.js";
import { boundPointer, childPointer, fieldError } from "./field-errors.js";

const LIMIT_KEYWORDS = new Set([
  "maxLength", "minLength", "maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum",
  "maxItems", "minItems", "maxProperties", "minProperties",
]);

// Keywords whose failure explains every other error at or below the same place.
const COMPOSITE = new Set(["anyOf", "oneOf"]);

function typesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((t): t is string => typeof t === "string");
  return typeof value === "string" ? value.split(",") : [];
}

/** Maps ajv errors under `base` (e.g. `/body`). */
export function fromAjvErrors(errors: readonly ErrorObject[], base: string): FieldError[] {
  const composite = errors.filter((e) => COMPOSITE.has(e.keyword)).map((e) => e.instancePath);
  const out: FieldError[] = [];
  for (const error of errors) {
    const at = error.instancePath;
    if (error.keyword === "if") continue;
    if (!COMPOSITE.has(error.keyword) && composite.some((p) => at === p || at.startsWith(`${p}/`))) continue;
    const params = error.params as Record<string, unknown>;
    const path = base + boundPointer(at);
    switch (error.keyword) {
      case "required":
        out.push(fieldError(childPointer(path, String(params.missingProperty)), "required"));
        break;
      case "dependentRequired":
      case "dependencies":
        out.push(fieldError(childPointer(path, String(params.missingProperty)), "dependentRequired", { property: String(params.property) }));
        break;
      case "additionalProperties":
        out.push(fieldError(childPointer(path, String(params.additionalProperty)), "additionalProperties"));
        break;
      case "unevaluatedProperties":
        out.push(fieldError(childPointer(path, String(params.unevaluatedProperty)), "additionalProperties"));
        break;
      case "propertyNames":
        out.push(fieldError(childPointer(path, String(params.propertyName)), "propertyNames"));
        break;
      case "type":
        out.push(fieldError(path, "type", { types: typesOf(params.type) }));
        break;
      case "format":
        out.push(fieldError(path, "format", { format: String(params.format) }));
        break;
      case "multipleOf":
        out.push(fieldError(path, "multipleOf", { limit: Number(params.multipleOf) }));
        break;
      case "false schema":
        out.push(fieldError(path, "notAllowed"));
        break;
      default:
        out.push(fieldError(path, error.keyword, LIMIT_KEYWORDS.has(error.keyword) ? { limit: Number(params.limit) } : undefined));
    }
  }
  return out;
}
