/**
 * The schemas of one OpenAPI document, ready for ajv: `components.schemas` converted and added once
 * to the engine's OpenAPI ajv instance in two variants (requests without `readOnly` properties,
 * responses without `writeOnly` ones), and a compiler for the schemas of each operation that
 * applies the same strictness as route schemas.
 */
import type { ValidateFunction } from "ajv";
import { isPlainObject } from "../../config/shape.js";
import type { Warn } from "../../config/warnings.js";
import type { AjvInstance } from "../ajv-factory.js";
import { warnAboutBacktracking } from "../regex-safety.js";
import { extendedSchemas, fragmentOf, hardenSchema, resolvePointer, SchemaCycleError, type HardenSettings } from "../harden-schema.js";
import { convertSchema } from "./convert-schema.js";
import type { LoadedDocument } from "./load-document.js";

/** Whether a schema describes something a client sends or something the API answers. */
export type Direction = "request" | "response";

const IDS: Readonly<Record<Direction, string>> = {
  request: "https://openapi.bulwark.invalid/components/request.json",
  response: "https://openapi.bulwark.invalid/components/response.json",
};

/** A compiled schema and the largest `maxLength` it declares. */
export interface CompiledSchema {
  readonly validate: ValidateFunction;
  readonly maxDeclaredLength: number;
  readonly declaredKeys: ReadonlySet<string>;
  /** The converted schema (before hardening), for coercion plans. */
  readonly converted: Readonly<Record<string, unknown>>;
}

/**
 * Compiles the schemas of a document's operations, in two phases: every operation's schemas are
 * converted first, then `seal()` adds the components (knowing which of them other schemas extend),
 * then each converted schema is compiled.
 */
export interface DocumentSchemas {
  /** Converts a schema object found at `label` (references rewritten). */
  convert(schema: unknown, label: string, problems: string[]): unknown;
  /** Resolves a converted reference (`...#/$defs/Name`) to its converted schema. */
  resolve(ref: string): unknown;
  /** Adds the components to ajv; call once, after every `convert` and before any `compile`. */
  seal(problems: string[]): void;
  /** Hardens and compiles a converted schema; `undefined` (with a problem) when it does not compile. */
  compile(converted: Record<string, unknown>, direction: Direction, root: { close: boolean }, label: string, problems: string[]): CompiledSchema | undefined;
}

/** Prepares the document's components on `ajv`. */
export function documentSchemas(loaded: LoadedDocument, ajv: AjvInstance, stringCap: number, problems: string[], warn: Warn): DocumentSchemas {
  const components = isPlainObject(loaded.document.components) ? loaded.document.components : {};
  const schemas = isPlainObject(components.schemas) ? components.schemas : {};
  const convertedDefs: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    convertedDefs[name] = convertSchema(schema, { version: loaded.version, componentsId: "", label: `openapi components.schemas.${name}` }, problems);
  }
  const container = { $defs: convertedDefs };
  // Schemas that others extend with allOf stay open; the extending schema closes the whole.
  const extended = new Set<string>();
  const converted: unknown[] = [container];

  function settings(direction: Direction, close: boolean): HardenSettings {
    return {
      close: true,
      closeRoot: close,
      stringCap: direction === "request" ? stringCap : undefined,
      safeIntegers: direction === "request",
      lowerCaseRootNames: false,
      dropFlagged: direction === "request" ? "readOnly" : "writeOnly",
      addObjectType: false,
      resolveRef: (ref) => resolvePointer(container, fragmentOf(ref)),
      extended,
    };
  }

  return {
    convert(schema, label, found) {
      const result = convertSchema(schema, { version: loaded.version, componentsId: "@", label }, found);
      converted.push(result);
      return result;
    },
    resolve(ref) {
      return resolvePointer(container, fragmentOf(ref));
    },
    seal(found) {
      for (const schema of converted) for (const fragment of extendedSchemas(schema)) if (fragment !== "#") extended.add(fragment);
      for (const direction of ["request", "response"] as const) {
        try {
          const hardened = hardenSchema(container, settings(direction, false));
          if (direction === "request") warnAboutBacktracking(hardened.patterns, "openapi components.schemas", warn);
          ajv.addSchema({ ...hardened.schema, $id: IDS[direction] });
        } catch (error) {
          found.push(`openapi components.schemas: ${error instanceof SchemaCycleError ? error.message : (error as Error).message}.`);
        }
      }
    },
    compile(schema, direction, root, label, found) {
      try {
        const hardened = hardenSchema(withIds(schema, IDS[direction]) as Record<string, unknown>, settings(direction, root.close));
        if (direction === "request") warnAboutBacktracking(hardened.patterns, label, warn);
        const validate = ajv.compile(hardened.schema);
        return { validate, maxDeclaredLength: hardened.maxDeclaredLength, declaredKeys: hardened.declaredKeys, converted: schema };
      } catch (error) {
        found.push(`${label}: the schema does not compile: ${(error as Error).message}.`);
        return undefined;
      }
    },
  };
}

/** Points the placeholder references (`@#/$defs/...`) of a converted schema at a components variant. */
function withIds(value: unknown, id: string): unknown {
  if (Array.isArray(value)) return value.map((v) => withIds(v, id));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = key === "$ref" && typeof child === "string" && child.startsWith("@#") ? id + child.slice(1) : withIds(child, id);
  }
  return out;
}
