/**
 * Field errors in one shape whatever validated the request: a JSON pointer to the field, a stable
 * code, and a message written from the schema alone. A message never holds the rejected value, so
 * nothing a client sent is reflected back (validators' own messages can quote it).
 */
import { SecurityError, type FieldError } from "../errors/security-error.js";

/** What a message may mention: facts from the schema, never from the request. */
export interface MessageFacts {
  /** Numeric limit of the failed keyword (`maxLength`, `minimum`...). */
  readonly limit?: number;
  /** Expected JSON types. */
  readonly types?: readonly string[];
  /** Expected format name. */
  readonly format?: string;
  /** A property the schema names (for `dependentRequired`). */
  readonly property?: string;
}

// Keys from the request appear in paths (an unknown property must be named); cut long ones.
const MAX_SEGMENT_LENGTH = 64;

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  integer: "an integer",
  boolean: "true or false",
  array: "an array",
  object: "an object",
  null: "null",
};

/** One JSON pointer segment (RFC 6901), cut to a bounded length. */
export function pointerSegment(segment: string | number): string {
  let text = String(segment);
  if (text.length > MAX_SEGMENT_LENGTH) text = `${text.slice(0, MAX_SEGMENT_LENGTH)}…`;
  return text.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Appends raw segments to a pointer. */
export function childPointer(base: string, ...segments: readonly (string | number)[]): string {
  let out = base;
  for (const segment of segments) out += `/${pointerSegment(segment)}`;
  return out;
}

/** Bounds every segment of an already escaped pointer (ajv's `instancePath`). */
export function boundPointer(pointer: string): string {
  if (pointer.length <= MAX_SEGMENT_LENGTH) return pointer;
  return pointer
    .split("/")
    .map((segment) => (segment.length > MAX_SEGMENT_LENGTH + 4 ? `${segment.slice(0, MAX_SEGMENT_LENGTH)}…` : segment))
    .join("/");
}

// Format names as a reader knows them; zod's and ajv-formats' spellings meet here.
const FORMAT_NAMES: Readonly<Record<string, string>> = {
  email: "e-mail address",
  uri: "URI",
  url: "URI",
  "uri-reference": "URI reference",
  "uri-template": "URI template",
  uuid: "UUID",
  ipv4: "IPv4 address",
  ipv6: "IPv6 address",
  "date-time": "date-time",
  "iso-date-time": "date-time",
  date: "date",
  time: "time",
  "iso-time": "time",
  byte: "base64 string",
  int32: "32-bit integer",
  int64: "64-bit integer",
  "json-pointer": "JSON pointer",
  "relative-json-pointer": "relative JSON pointer",
  regex: "regular expression",
};

function describeTypes(types: readonly string[] | undefined): string {
  if (types === undefined || types.length === 0) return "of the expected type";
  const names = types.map((t) => TYPE_NAMES[t] ?? "of the expected type");
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

function plural(count: number | undefined, one: string, many = `${one}s`): string {
  return `${count ?? "?"} ${count === 1 ? one : many}`;
}

/** The message for `code`, from schema facts only. */
export function messageFor(code: string, facts: MessageFacts = {}): string {
  const { limit } = facts;
  switch (code) {
    case "required": return "is required";
    case "dependentRequired": return facts.property ? `is required when ${facts.property} is present` : "is required";
    case "additionalProperties": return "is not allowed";
    case "type": return `must be ${describeTypes(facts.types)}`;
    case "maxLength": return `must be at most ${plural(limit, "character")}`;
    case "minLength": return `must be at least ${plural(limit, "character")}`;
    case "maximum": return `must be at most ${limit}`;
    case "minimum": return `must be at least ${limit}`;
    case "exclusiveMaximum": return `must be less than ${limit}`;
    case "exclusiveMinimum": return `must be greater than ${limit}`;
    case "multipleOf": return `must be a multiple of ${limit}`;
    case "maxItems": return `must have at most ${plural(limit, "item")}`;
    case "minItems": return `must have at least ${plural(limit, "item")}`;
    case "maxProperties": return `must have at most ${plural(limit, "property", "properties")}`;
    case "minProperties": return `must have at least ${plural(limit, "property", "properties")}`;
    case "uniqueItems": return "must not contain duplicate items";
    case "pattern": return "does not have the expected form";
    case "format": return facts.format ? `must be a valid ${FORMAT_NAMES[facts.format] ?? facts.format}` : "does not have the expected format";
    case "enum": return "must be one of the allowed values";
    case "const": return "must be the allowed value";
    case "anyOf": return "does not match any of the allowed forms";
    case "oneOf": return "must match exactly one of the allowed forms";
    case "not": return "has a form that is not allowed";
    case "contains": return "does not contain an expected item";
    case "propertyNames": return "has a property name that is not allowed";
    case "unevaluatedItems":
    case "additionalItems": return "has more items than allowed";
    case "duplicateParameter": return "must be given only once";
    case "operatorKey": return "is not an allowed property name (it starts with $ or contains a dot)";
    case "unsafeCharacters": return "contains characters that are not allowed";
    case "notAllowed": return "is not allowed here";
    default: return "is not valid";
  }
}

/** Builds one field error. */
export function fieldError(path: string, code: string, facts?: MessageFacts): FieldError {
  return { path, code, message: messageFor(code, facts) };
}

/** Keeps the first error of each field, at most `max` of them. */
export function onePerField(errors: readonly FieldError[], max: number): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of errors) {
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    out.push(error);
    if (out.length >= max) break;
  }
  return out;
}

/** The problem every validation failure becomes. */
export function validationError(errors: readonly FieldError[], status: 400 | 422, max: number): SecurityError {
  return new SecurityError("VALIDATION_FAILED", { status, errors: onePerField(errors, max) });
}
