/**
 * The ajv instances of one `bulwark()` engine, built on first use and shared by every schema it
 * compiles: draft 2020-12 (the default) and draft-07, strict, reporting every error, never letting
 * an inherited property satisfy `required`, with ajv-formats and the app's own formats.
 */
import AjvModule, { type Options } from "ajv";
import Ajv2020Module from "ajv/dist/2020.js";
import unevaluatedVocabulary from "ajv/dist/vocabularies/unevaluated/index.js";
import addFormatsModule from "ajv-formats";
import type { FormatDefinition } from "./validation-options.js";

/** The ajv class every instance shares (draft-07 and 2020-12 have the same API). */
export type AjvInstance = InstanceType<typeof AjvModule.default>;

/** The JSON Schema dialects Bulwark compiles. */
export type Dialect = "2020-12" | "draft-07";

/** Annotation keywords OpenAPI adds to its schemas; they never change what is valid. */
export const OPENAPI_ANNOTATIONS: readonly string[] = Object.freeze(["example", "discriminator", "xml", "externalDocs", "nullable"]);

/** Lazily built, shared ajv instances. */
export interface AjvInstances {
  /** The instance for route-policy schemas of a dialect. */
  forDialect(dialect: Dialect): AjvInstance;
  /** The instance for OpenAPI documents (2020-12, OpenAPI annotations known, lenient about `type`). */
  forOpenApi(): AjvInstance;
}

/**
 * The default export of a CommonJS module, whichever way it was imported: Node's ESM loader gives
 * `module.exports` (with `.default` on it), CommonJS interop gives `exports.default` itself.
 */
function defaultExport<T>(imported: T | { default: T }): T {
  const inner = (imported as { default?: T }).default;
  return inner === undefined ? (imported as T) : inner;
}

const BASE_OPTIONS: Options = {
  strict: true,
  // A `required` name defined by a sibling branch (allOf/anyOf) is legitimate; ajv would refuse it.
  strictRequired: false,
  allowUnionTypes: true,
  allErrors: true,
  ownProperties: true,
  messages: false,
  verbose: false,
  addUsedSchema: false,
  unevaluated: true,
};

/** Creates the (lazy) instances for one engine. */
export function createAjvInstances(formats: Readonly<Record<string, FormatDefinition>>): AjvInstances {
  const built = new Map<string, AjvInstance>();

  function prepare(ajv: AjvInstance): AjvInstance {
    addFormatsModule.default(ajv);
    for (const [name, format] of Object.entries(formats)) {
      ajv.addFormat(name, format instanceof RegExp ? format : { type: "string", validate: format });
    }
    return ajv;
  }

  function get(key: string, build: () => AjvInstance): AjvInstance {
    let ajv = built.get(key);
    if (ajv === undefined) {
      ajv = prepare(build());
      built.set(key, ajv);
    }
    return ajv;
  }

  return {
    forDialect(dialect) {
      if (dialect === "2020-12") return get(dialect, () => new Ajv2020Module.default(BASE_OPTIONS) as unknown as AjvInstance);
      return get(dialect, () => {
        const ajv = new AjvModule.default(BASE_OPTIONS);
        // Strict objects with allOf/$ref need unevaluatedProperties, which draft-07 lacks natively.
        ajv.addVocabulary(defaultExport(unevaluatedVocabulary));
        return ajv;
      });
    },
    forOpenApi() {
      return get("openapi", () => {
        // Third-party documents often leave `type: object` implicit; validation stays the same.
        const ajv = new Ajv2020Module.default({ ...BASE_OPTIONS, strictTypes: false }) as unknown as AjvInstance;
        for (const keyword of OPENAPI_ANNOTATIONS) if (!ajv.getKeyword(keyword)) ajv.addKeyword(keyword);
        return ajv;
      });
    },
  };
}

const DIALECTS: Readonly<Record<string, Dialect>> = {
  "https://json-schema.org/draft/2020-12/schema": "2020-12",
  "http://json-schema.org/draft-07/schema": "draft-07",
  "https://json-schema.org/draft-07/schema": "draft-07",
};

/** The dialect a schema declares with `$schema` (2020-12 when absent); `undefined` when unsupported. */
export function dialectOf(schema: Readonly<Record<string, unknown>>): Dialect | undefined {
  const declared = schema.$schema;
  if (declared === undefined) return "2020-12";
  if (typeof declared !== "string") return undefined;
  return DIALECTS[declared.replace(/#$/, "")];
}
