/**
 * The contract every compiled request-part validator meets, whatever library validates: run the
 * input guard, validate (coercing text parts first), report field errors in one shape, and hand
 * back the value the handler must see.
 */
import type { FieldError } from "../errors/security-error.js";
import type { BodyFormat } from "../transport/content-type.js";
import { pointerSegment } from "./field-errors.js";
import type { GuardSettings } from "./input-guard.js";
import type { RequestPart, UnknownProperties } from "./schema.js";

/** The outcome of validating one part. */
export type PartOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

/** A request part's validator, compiled once. */
export interface PartValidator {
  /** The part it validates. */
  readonly part: RequestPart;
  /** Validates `input`; `format` is the body's format when the part is the body. */
  run(input: unknown, format: BodyFormat | undefined): PartOutcome | Promise<PartOutcome>;
}

/** Settings of one part, after route settings were merged over the global ones. */
export interface PartSettings {
  readonly part: RequestPart;
  readonly unknown: UnknownProperties;
  readonly maxStringLength: number;
  readonly operatorKeys: boolean;
  readonly unsafeCharacters: boolean;
  readonly maxErrors: number;
}

/** The pointer every error of a part starts with. */
export function partBase(part: RequestPart): string {
  return `/${part}`;
}

/** Whether undeclared properties are an error (or stripped) in this part. */
export function closesUnknown(part: RequestPart): boolean {
  return part === "body" || part === "query";
}

/** The guard settings of a part, given what its schema declares. */
export function guardSettingsFor(settings: PartSettings, declaredKeys: ReadonlySet<string>, maxDeclaredLength: number): GuardSettings {
  const headers = settings.part === "headers";
  return {
    maxString: Math.max(settings.maxStringLength, maxDeclaredLength),
    unsafeCharacters: settings.unsafeCharacters && !headers,
    operatorKeys: settings.operatorKeys && (settings.part === "body" || settings.part === "query"),
    declaredKeys,
  };
}

/**
 * A scalar query parameter given several times (`?role=user&role=admin`) fails the schema as a
 * type error on a list (and perhaps more: enum, pattern); name it once for what it is.
 */
export function markRepeatedParameters(errors: readonly FieldError[], part: RequestPart, input: unknown): FieldError[] {
  if (part !== "query" || input === null || typeof input !== "object") return [...errors];
  const repeated = new Set<string>();
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    if (Array.isArray(value)) repeated.add(`/query/${pointerSegment(name)}`);
  }
  const polluted = new Set(errors.filter((e) => e.code === "type" && repeated.has(e.path)).map((e) => e.path));
  if (polluted.size === 0) return [...errors];
  const out: FieldError[] = [...polluted].map((path) => ({ path, code: "duplicateParameter", message: "must be given only once" }));
  for (const error of errors) if (![...polluted].some((p) => error.path === p || error.path.startsWith(`${p}/`))) out.push(error);
  return out;
}

/** Removes `key` from the object at `segments` below `root` (a copy the validator owns). */
export function removeProperty(root: unknown, segments: readonly string[], key: string): void {
  let current = root;
  for (const segment of segments) {
    if (current === null || typeof current !== "object") return;
    current = (current as Record<string, unknown>)[segment];
  }
  if (current !== null && typeof current === "object" && Object.prototype.hasOwnProperty.call(current, key)) {
    delete (current as Record<string, unknown>)[key];
  }
}

/** Properties of `input` that a validator's output dropped (a zod object strips them silently). */
export function droppedProperties(input: unknown, output: unknown, base: string, max: number): { path: string; segments: string[] }[] {
  const found: { path: string; segments: string[] }[] = [];
  const stack: { input: unknown; output: unknown; segments: string[] }[] = [{ input, output, segments: [] }];
  while (stack.length > 0 && found.length < max) {
    const { input: a, output: b, segments } = stack.pop()!;
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length === b.length) a.forEach((item, i) => stack.push({ input: item, output: b[i], segments: [...segments, String(i)] }));
      continue;
    }
    if (!isRecord(a) || !isRecord(b)) continue;
    for (const key of Object.keys(a)) {
      if (!Object.prototype.hasOwnProperty.call(b, key)) {
        found.push({ path: [base, ...[...segments, key].map(pointerSegment)].join("/"), segments: [...segments, key] });
      } else {
        stack.push({ input: a[key], output: b[key], segments: [...segments, key] });
      }
    }
  }
  return found;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
