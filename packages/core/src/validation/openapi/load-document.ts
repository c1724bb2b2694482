/**
 * Reads an OpenAPI document once at startup: an object as given, or a JSON/YAML file. Checks the
 * version (3.0.x or 3.1.x) and the dialect; anything else is a configuration problem.
 */
import { readFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { isPlainObject } from "../../config/shape.js";
import type { OpenApiDocument } from "./openapi-options.js";

/** The OpenAPI versions Bulwark reads. */
export type OpenApiVersion = "3.0" | "3.1";

/** A loaded document and its version. */
export interface LoadedDocument {
  readonly document: OpenApiDocument;
  readonly version: OpenApiVersion;
}

const DIALECT_2020 = "https://json-schema.org/draft/2020-12/schema";

function readSource(source: string, problems: string[]): unknown {
  const file = resolve(source);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    problems.push(`openapi: the document file ${JSON.stringify(source)} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
    return undefined;
  }
  const extension = extname(file).toLowerCase();
  try {
    if (extension === ".json") return JSON.parse(text);
    // YAML is a superset of JSON; `yaml` bounds alias expansion (no "billion laughs").
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    problems.push(`openapi: the document file ${JSON.stringify(source)} is not valid ${extension === ".json" ? "JSON" : "YAML"}: ${(error as Error).message.split("\n")[0]}`);
    return undefined;
  }
}

/** Loads and checks a document; `undefined` (with problems pushed) when it cannot be used. */
export function loadOpenApiDocument(source: OpenApiDocument | string, problems: string[]): LoadedDocument | undefined {
  const value = typeof source === "string" ? readSource(source, problems) : source;
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    problems.push("openapi: the document must be an object with `openapi`, `info` and `paths`.");
    return undefined;
  }
  const declared = value.openapi;
  let version: OpenApiVersion | undefined;
  if (typeof declared === "string" && /^3\.0\.\d+$/.test(declared)) version = "3.0";
  else if (typeof declared === "string" && /^3\.1\.\d+$/.test(declared)) version = "3.1";
  if (version === undefined) {
    problems.push(`openapi: version ${JSON.stringify(declared)} is not supported; Bulwark reads OpenAPI 3.0.x and 3.1.x documents (convert Swagger 2.0 first).`);
    return undefined;
  }
  if (!isPlainObject(value.paths)) {
    problems.push("openapi: the document has no `paths` object.");
    return undefined;
  }
  const dialect = value.jsonSchemaDialect;
  if (version === "3.1" && dialect !== undefined && dialect !== DIALECT_2020) {
    problems.push(`openapi: jsonSchemaDialect ${JSON.stringify(dialect)} is not supported; remove it (the default is JSON Schema 2020-12).`);
    return undefined;
  }
  return { document: value, version };
}
