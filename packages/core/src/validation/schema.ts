/**
 * What a route policy accepts as a schema: a zod schema (or any Standard Schema validator), or a
 * JSON Schema object compiled once by ajv.
 */

/** A Standard Schema (v1) validator, such as a zod 3.24+/4 schema. */
export interface StandardSchemaLike {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => unknown;
  };
}

/** A JSON Schema (draft 2020-12 or draft-07) as a plain object. */
export type JsonSchemaObject = Readonly<Record<string, unknown>>;

/** Any schema a route policy accepts for `params`, `query`, `headers` or `body`. */
export type SchemaLike = StandardSchemaLike | JsonSchemaObject;
