/**
 * What a route policy accepts as a schema for `params`, `query`, `headers` or `body`: a zod schema
 * (or any Standard Schema validator), a JSON Schema object compiled once by ajv, or either of them
 * wrapped with per-route validation settings.
 */

/** A Standard Schema (v1) validator, such as a zod 3.24+/4, valibot or arktype schema. */
export interface StandardSchemaLike {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => unknown;
  };
}

/** A JSON Schema (draft 2020-12, the default, or draft-07 when `$schema` says so) as a plain object. */
export type JsonSchemaObject = Readonly<Record<string, unknown>>;

/** What happens to object properties a schema does not declare. */
export type UnknownProperties = "reject" | "strip";

/**
 * A schema with per-route settings, e.g. `body: { schema: userSchema, unknown: "strip" }`.
 * Settings left out fall back to the global `validation` options.
 */
export interface InputSpec {
  /** The schema. */
  readonly schema: StandardSchemaLike | JsonSchemaObject;
  /** `reject` (400 listing them, the default) or `strip` undeclared properties (body and query). */
  readonly unknown?: UnknownProperties;
  /** Longest string accepted where the schema declares no `maxLength`. */
  readonly maxStringLength?: number;
  /** `allow` property names that start with `$` or contain `.` even when the schema does not declare them. */
  readonly operatorKeys?: "reject" | "allow";
}

/** Any schema a route policy accepts for `params`, `query`, `headers` or `body`. */
export type SchemaLike = StandardSchemaLike | JsonSchemaObject | InputSpec;

/** The parts of a request a route policy can validate. */
export type RequestPart = "params" | "query" | "headers" | "body";
