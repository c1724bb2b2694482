/**
 * The `openapi` option of `bulwark(config)`: an OpenAPI 3.0 or 3.1 document (an object, or the path
 * of a JSON or YAML file read once at startup) that every request is validated against.
 */
import { isPlainObject, type Rule } from "../../config/shape.js";

/** An OpenAPI 3.0.x or 3.1.x document as a plain object. */
export type OpenApiDocument = Readonly<Record<string, unknown>>;

/** OpenAPI validation settings. */
export interface OpenApiOptions {
  /** The document, or the path of a `.json`, `.yaml` or `.yml` file (relative to the working directory). */
  document: OpenApiDocument | string;
  /** Refuse paths the document does not declare (404) and undeclared methods on declared paths (405). Default `false`. */
  strict?: boolean;
  /**
   * Validate JSON responses against the operation's declared responses; a mismatch is reported
   * (`onError` and an `error.internal` event) and answered with a 500 problem instead of the body.
   * Meant for development and test. Default `false`.
   */
  validateResponses?: boolean;
}

/** What `openapi` accepts: a document, a file path, or {@link OpenApiOptions}. */
export type OpenApiOption = OpenApiDocument | string | OpenApiOptions;

/** The option with the document not yet loaded. */
export interface OpenApiSettings {
  readonly source: OpenApiDocument | string;
  readonly strict: boolean;
  readonly validateResponses: boolean;
}

/** True for the `{ document, strict, validateResponses }` form (a document has an `openapi` member instead). */
function isOptionsForm(value: Record<string, unknown>): boolean {
  return Object.prototype.hasOwnProperty.call(value, "document") && !Object.prototype.hasOwnProperty.call(value, "openapi");
}

/** Checks the option's shape (the document itself is checked when it is loaded). */
export const OPENAPI_RULE: Rule = {
  kind: "custom",
  check(value, path) {
    if (typeof value === "string") return value.trim() === "" ? [`${path} must be a document object or a file path, not an empty string.`] : [];
    if (!isPlainObject(value)) return [`${path} must be an OpenAPI document, a file path, or { document, strict, validateResponses }.`];
    if (!isOptionsForm(value)) return [];
    const problems: string[] = [];
    for (const name of Object.keys(value)) {
      if (!["document", "strict", "validateResponses"].includes(name)) problems.push(`${path}.${name} is not a known option. Known options: document, strict, validateResponses.`);
    }
    if (typeof value.document !== "string" && !isPlainObject(value.document)) problems.push(`${path}.document must be an OpenAPI document object or a file path.`);
    for (const flag of ["strict", "validateResponses"]) {
      if (value[flag] !== undefined && typeof value[flag] !== "boolean") problems.push(`${path}.${flag} must be true or false.`);
    }
    return problems;
  },
};

/** Normalises the option (already checked by {@link OPENAPI_RULE}). */
export function openApiSettings(option: OpenApiOption): OpenApiSettings {
  if (typeof option === "string" || !isOptionsForm(option as Record<string, unknown>)) {
    return { source: option as OpenApiDocument | string, strict: false, validateResponses: false };
  }
  const options = option as OpenApiOptions;
  return { source: options.document, strict: options.strict ?? false, validateResponses: options.validateResponses ?? false };
}
