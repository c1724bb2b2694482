/**
 * Standard Schema issues (zod and others) turned into the same field errors as ajv's: codes named
 * after the JSON Schema keyword that says the same thing, messages from the schema's facts only.
 */
import type { FieldError } from "../errors/security-error.js";
import { childPointer, fieldError } from "./field-errors.js";

/** One issue as a Standard Schema validator reports it (zod adds `code` and its parameters). */
export interface StandardIssue {
  readonly message?: unknown;
  readonly path?: readonly unknown[];
  readonly code?: unknown;
  readonly [detail: string]: unknown;
}

const ZOD_TYPES: Readonly<Record<string, string>> = {
  int: "integer",
  number: "number",
  bigint: "integer",
  string: "string",
  boolean: "boolean",
  array: "array",
  tuple: "array",
  set: "array",
  object: "object",
  record: "object",
  map: "object",
  null: "null",
};

const ZOD_FORMATS: Readonly<Record<string, string>> = {
  datetime: "date-time",
  date: "date",
  time: "time",
  duration: "duration",
  email: "email",
  url: "url",
  uuid: "uuid",
  guid: "uuid",
  ipv4: "ipv4",
  ipv6: "ipv6",
  cidrv4: "ipv4 range",
  cidrv6: "ipv6 range",
  base64: "byte",
  base64url: "base64url string",
  jwt: "JWT",
  e164: "phone number",
  hostname: "hostname",
};

function segmentOf(entry: unknown): string | number {
  const key = typeof entry === "object" && entry !== null && "key" in entry ? (entry as { key: unknown }).key : entry;
  return typeof key === "number" ? key : String(key);
}

/** The raw segments of an issue's path. */
export function issuePath(issue: StandardIssue): (string | number)[] {
  return Array.isArray(issue.path) ? issue.path.map(segmentOf) : [];
}

function hasValueAt(root: unknown, segments: readonly (string | number)[]): boolean {
  let current = root;
  for (const segment of segments) {
    if (current === null || typeof current !== "object") return false;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return false;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current !== undefined;
}

function sizeCode(issue: StandardIssue, big: boolean): { code: string; limit: number } {
  const origin = typeof issue.origin === "string" ? issue.origin : "";
  const limit = Number(big ? issue.maximum : issue.minimum);
  if (origin === "string") return { code: big ? "maxLength" : "minLength", limit };
  if (origin === "array" || origin === "set") return { code: big ? "maxItems" : "minItems", limit };
  if (origin === "object" || origin === "map" || origin === "record") return { code: big ? "maxProperties" : "minProperties", limit };
  if (issue.inclusive === false) return { code: big ? "exclusiveMaximum" : "exclusiveMinimum", limit };
  return { code: big ? "maximum" : "minimum", limit };
}

/** Maps the issues of one validation of `input` under `base` (e.g. `/body`). */
export function fromStandardIssues(issues: readonly StandardIssue[], base: string, input: unknown): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const segments = issuePath(issue);
    const path = childPointer(base, ...segments);
    switch (issue.code) {
      case "invalid_type": {
        if (!hasValueAt(input, segments)) {
          out.push(fieldError(path, "required"));
          break;
        }
        const expected = typeof issue.expected === "string" ? ZOD_TYPES[issue.expected] : undefined;
        out.push(fieldError(path, "type", expected ? { types: [expected] } : undefined));
        break;
      }
      case "too_big":
      case "too_small": {
        const { code, limit } = sizeCode(issue, issue.code === "too_big");
        out.push(fieldError(path, code, Number.isFinite(limit) ? { limit } : undefined));
        break;
      }
      case "invalid_format":
        if (issue.format === "regex" || issue.format === "starts_with" || issue.format === "ends_with" || issue.format === "includes") {
          out.push(fieldError(path, "pattern"));
        } else {
          const format = typeof issue.format === "string" ? ZOD_FORMATS[issue.format] : undefined;
          out.push(fieldError(path, "format", format ? { format } : undefined));
        }
        break;
      case "not_multiple_of":
        out.push(fieldError(path, "multipleOf", Number.isFinite(Number(issue.divisor)) ? { limit: Number(issue.divisor) } : undefined));
        break;
      case "unrecognized_keys":
        for (const key of Array.isArray(issue.keys) ? issue.keys : []) out.push(fieldError(childPointer(path, String(key)), "additionalProperties"));
        break;
      case "invalid_union":
        out.push(fieldError(path, "anyOf"));
        break;
      case "invalid_value":
        out.push(fieldError(path, Array.isArray(issue.values) && issue.values.length === 1 ? "const" : "enum"));
        break;
      case "invalid_key":
        out.push(fieldError(path, "propertyNames"));
        break;
      default:
        out.push(fieldError(path, "invalid"));
    }
  }
  return out;
}
