/**
 * The global `validation` options of `bulwark(config)`: how strict input validation is and how its
 * failures are answered. Every setting has a safe default.
 */
import type { Rule, Shape } from "../config/shape.js";
import type { UnknownProperties } from "./schema.js";

/** A custom string format: a regular expression or a predicate. */
export type FormatDefinition = RegExp | ((value: string) => boolean);

/** Global input-validation options. */
export interface ValidationOptions {
  /** Status of a validation problem: 400 (default) or 422. */
  status?: 400 | 422;
  /** Undeclared body and query properties: `reject` (default, 400 listing them) or `strip`. */
  unknown?: UnknownProperties;
  /** Longest string accepted where a schema declares no `maxLength`. Default 1,000. */
  maxStringLength?: number;
  /** Most field errors listed in one problem. Default 20. */
  maxErrors?: number;
  /**
   * Property names that start with `$` or contain `.` (NoSQL operators and dotted paths) in a body
   * or query: `reject` (default) unless the schema declares that exact name, or `allow`.
   */
  operatorKeys?: "reject" | "allow";
  /**
   * Strings holding control characters (other than tab, line feed, carriage return), lone
   * surrogates, bidirectional overrides, zero-width spaces or byte-order marks: `reject` (default)
   * or `allow`.
   */
  unsafeCharacters?: "reject" | "allow";
  /** Extra string formats for JSON Schema `format`, by name. */
  formats?: Readonly<Record<string, FormatDefinition>>;
}

/** The validation options with every default filled in. */
export interface ResolvedValidationOptions {
  readonly status: 400 | 422;
  readonly unknown: UnknownProperties;
  readonly maxStringLength: number;
  readonly maxErrors: number;
  readonly operatorKeys: "reject" | "allow";
  readonly unsafeCharacters: "reject" | "allow";
  readonly formats: Readonly<Record<string, FormatDefinition>>;
}

/** The defaults. */
export const DEFAULT_VALIDATION: ResolvedValidationOptions = Object.freeze({
  status: 400,
  unknown: "reject",
  maxStringLength: 1_000,
  maxErrors: 20,
  operatorKeys: "reject",
  unsafeCharacters: "reject",
  formats: Object.freeze({}),
});

const formatsRule: Rule = {
  kind: "custom",
  check(value, path) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return [`${path} must be an object of format names to a RegExp or a (value) => boolean function.`];
    }
    const problems: string[] = [];
    for (const [name, format] of Object.entries(value)) {
      if (!(format instanceof RegExp) && typeof format !== "function") {
        problems.push(`${path}.${name} must be a RegExp or a (value) => boolean function.`);
      }
    }
    return problems;
  },
};

/** The shape of `validation`, checked by the configuration checker. */
export const VALIDATION_SHAPE: Shape = {
  status: { kind: "oneOf", describe: "400 or 422", rules: [{ kind: "number", min: 400, max: 400 }, { kind: "number", min: 422, max: 422 }] },
  unknown: { kind: "string", oneOf: ["reject", "strip"] },
  maxStringLength: { kind: "number", integer: true, min: 1 },
  maxErrors: { kind: "number", integer: true, min: 1, max: 1_000 },
  operatorKeys: { kind: "string", oneOf: ["reject", "allow"] },
  unsafeCharacters: { kind: "string", oneOf: ["reject", "allow"] },
  formats: formatsRule,
};

/** Fills in the defaults (the options were checked against {@link VALIDATION_SHAPE} already). */
export function resolveValidationOptions(options: ValidationOptions | undefined): ResolvedValidationOptions {
  return Object.freeze({
    status: options?.status ?? DEFAULT_VALIDATION.status,
    unknown: options?.unknown ?? DEFAULT_VALIDATION.unknown,
    maxStringLength: options?.maxStringLength ?? DEFAULT_VALIDATION.maxStringLength,
    maxErrors: options?.maxErrors ?? DEFAULT_VALIDATION.maxErrors,
    operatorKeys: options?.operatorKeys ?? DEFAULT_VALIDATION.operatorKeys,
    unsafeCharacters: options?.unsafeCharacters ?? DEFAULT_VALIDATION.unsafeCharacters,
    formats: Object.freeze({ ...(options?.formats ?? {}) }),
  });
}
