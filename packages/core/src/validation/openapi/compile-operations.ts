/**
 * Every operation of an OpenAPI document compiled at startup: its parameters (path-item ones
 * merged under the operation's), one validator per parameter location, its request body by media
 * type, and its JSON responses.
 */
import { isPlainObject } from "../../config/shape.js";
import { coercionPlan, type CoercionPlan } from "../coerce.js";
import { resolvePointer } from "../harden-schema.js";
import type { CompiledSchema, DocumentSchemas } from "./document-schemas.js";
import type { LoadedDocument } from "./load-document.js";
import { compileParameter, type ParameterLocation, type ParameterSpec } from "./parameters.js";

/** The HTTP methods an OpenAPI path item can declare. */
export const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** Validation locations of parameters, as they appear in error paths. */
export type ParameterPart = "params" | "query" | "headers" | "cookies";

const PART_OF: Readonly<Record<ParameterLocation, ParameterPart>> = { path: "params", query: "query", header: "headers", cookie: "cookies" };
// The specification says these header parameters are ignored (other mechanisms cover them).
const IGNORED_HEADERS = new Set(["accept", "content-type", "authorization"]);

/** One media type of a request body. */
export interface CompiledMedia {
  readonly kind: "json" | "form" | "other";
  readonly schema: CompiledSchema | undefined;
  readonly plan: CoercionPlan;
}

/** A compiled operation. */
export interface CompiledOperation {
  readonly method: string;
  readonly template: string;
  readonly parameters: Readonly<Record<ParameterPart, readonly ParameterSpec[]>>;
  readonly validators: Readonly<Partial<Record<ParameterPart, CompiledSchema>>>;
  /** `undefined` when the operation declares no request body. */
  readonly body: { readonly required: boolean; readonly media: ReadonlyMap<string, CompiledMedia> } | undefined;
  /** JSON responses by status (`200`, `2XX`, `default`). */
  readonly responses: readonly { readonly status: string; readonly schema: CompiledSchema }[];
  /** The largest `maxLength` any of its schemas declares. */
  readonly maxDeclaredLength: number;
  /** Every property and parameter name it declares. */
  readonly declaredKeys: ReadonlySet<string>;
}

/** A path template and its operations by upper-case method. */
export type CompiledPathItem = ReadonlyMap<string, CompiledOperation>;

interface PendingOperation {
  readonly method: string;
  readonly template: string;
  readonly label: string;
  readonly parameters: { readonly raw: Record<string, unknown>; readonly schema: unknown; readonly json: boolean; readonly label: string }[];
  readonly body: { readonly required: boolean; readonly media: { type: string; schema: unknown }[] } | undefined;
  readonly responses: { readonly status: string; readonly schema: unknown; readonly label: string }[];
}

function mediaKind(type: string): CompiledMedia["kind"] {
  if (type === "application/json" || type.endsWith("+json")) return "json";
  if (type === "application/x-www-form-urlencoded") return "form";
  return "other";
}

function jsonContent(content: unknown): { type: string; schema: unknown } | undefined {
  if (!isPlainObject(content)) return undefined;
  for (const [type, media] of Object.entries(content)) {
    if (mediaKind(type.toLowerCase()) === "json" && isPlainObject(media) && media.schema !== undefined) return { type, schema: media.schema };
  }
  return undefined;
}

/** Compiles every operation; pushes problems instead of throwing. */
export function compileOperations(loaded: LoadedDocument, schemas: DocumentSchemas, problems: string[]): Map<string, CompiledPathItem> {
  const { document } = loaded;

  function deref(value: unknown, label: string): Record<string, unknown> | undefined {
    let current = value;
    for (let i = 0; i < 10 && isPlainObject(current) && typeof current.$ref === "string"; i++) {
      const ref = current.$ref;
      if (!ref.startsWith("#/")) {
        problems.push(`${label}: the reference ${JSON.stringify(ref)} is not supported; bundle external files into the document first.`);
        return undefined;
      }
      current = resolvePointer(document, ref);
      if (current === undefined) {
        problems.push(`${label}: the reference ${JSON.stringify(ref)} points at nothing.`);
        return undefined;
      }
    }
    return isPlainObject(current) ? current : undefined;
  }

  const pending: PendingOperation[] = [];
  for (const [template, rawItem] of Object.entries(document.paths as Record<string, unknown>)) {
    const itemLabel = `openapi paths[${JSON.stringify(template)}]`;
    if (!template.startsWith("/")) {
      problems.push(`${itemLabel}: a path must start with "/".`);
      continue;
    }
    const item = deref(rawItem, itemLabel);
    if (item === undefined) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const operation = deref(item[method], `${itemLabel}.${method}`);
      if (operation === undefined) continue;
      const label = `${itemLabel}.${method}`;
      const byKey = new Map<string, { raw: Record<string, unknown>; label: string }>();
      const own = Array.isArray(operation.parameters) ? operation.parameters : [];
      [...shared.map((p, i) => [p, `${itemLabel}.parameters[${i}]`] as const), ...own.map((p, i) => [p, `${label}.parameters[${i}]`] as const)]
        .forEach(([p, where]) => {
          const raw = deref(p, where);
          if (raw === undefined) return;
          const name = typeof raw.name === "string" ? raw.name : "";
          byKey.set(`${String(raw.in)}:${raw.in === "header" ? name.toLowerCase() : name}`, { raw, label: where });
        });
      const parameters: PendingOperation["parameters"] = [];
      for (const { raw, label: where } of byKey.values()) {
        if (raw.in === "header" && typeof raw.name === "string" && IGNORED_HEADERS.has(raw.name.toLowerCase())) continue;
        const content = jsonContent(raw.content);
        const schema = content ? content.schema : raw.schema ?? {};
        parameters.push({ raw, schema: schemas.convert(schema, `${where}.schema`, problems), json: content !== undefined, label: where });
      }
      let body: PendingOperation["body"];
      if (operation.requestBody !== undefined) {
        const requestBody = deref(operation.requestBody, `${label}.requestBody`);
        if (requestBody !== undefined) {
          const media: { type: string; schema: unknown }[] = [];
          for (const [type, entry] of Object.entries(isPlainObject(requestBody.content) ? requestBody.content : {})) {
            const schema = isPlainObject(entry) && entry.schema !== undefined ? schemas.convert(entry.schema, `${label}.requestBody.content[${JSON.stringify(type)}].schema`, problems) : undefined;
            media.push({ type: type.toLowerCase().split(";")[0]!.trim(), schema });
          }
          body = { required: requestBody.required === true, media };
        }
      }
      const responses: PendingOperation["responses"] = [];
      for (const [status, rawResponse] of Object.entries(isPlainObject(operation.responses) ? operation.responses : {})) {
        const response = deref(rawResponse, `${label}.responses[${status}]`);
        const content = response ? jsonContent(response.content) : undefined;
        if (content) responses.push({ status: status.toUpperCase(), schema: schemas.convert(content.schema, `${label}.responses[${status}]`, problems), label: `${label}.responses[${status}]` });
      }
      pending.push({ method: method.toUpperCase(), template, label, parameters, body, responses });
    }
  }

  schemas.seal(problems);

  const items = new Map<string, Map<string, CompiledOperation>>();
  for (const op of pending) {
    const parameters: Record<ParameterPart, ParameterSpec[]> = { params: [], query: [], headers: [], cookies: [] };
    const locationSchemas: Record<ParameterPart, { properties: Record<string, unknown>; required: string[] }> = {
      params: { properties: {}, required: [] }, query: { properties: {}, required: [] }, headers: { properties: {}, required: [] }, cookies: { properties: {}, required: [] },
    };
    const declaredKeys = new Set<string>();
    for (const p of op.parameters) {
      const spec = compileParameter(p.raw, p.schema, p.json, (ref) => schemas.resolve(ref), p.label, problems);
      if (spec === undefined) continue;
      const part = PART_OF[spec.in];
      parameters[part].push(spec);
      locationSchemas[part].properties[spec.name] = p.schema;
      if (spec.required) locationSchemas[part].required.push(spec.name);
      declaredKeys.add(spec.name);
      for (const key of spec.objectKeys) declaredKeys.add(key);
    }
    if (op.template.includes("{")) {
      const names = new Set(parameters.params.map((s) => s.name));
      for (const name of (op.template.match(/\{[^{}]+\}/g) ?? []).map((n) => n.slice(1, -1))) {
        if (!names.has(name)) problems.push(`${op.label}: the path parameter "${name}" is not declared in parameters.`);
      }
    }
    let maxDeclaredLength = 0;
    const track = (compiled: CompiledSchema | undefined) => {
      if (compiled === undefined) return compiled;
      maxDeclaredLength = Math.max(maxDeclaredLength, compiled.maxDeclaredLength);
      for (const key of compiled.declaredKeys) declaredKeys.add(key);
      return compiled;
    };
    const validators: Partial<Record<ParameterPart, CompiledSchema>> = {};
    for (const part of ["params", "query", "headers", "cookies"] as const) {
      if (parameters[part].length === 0) continue;
      const schema = { type: "object", ...locationSchemas[part] };
      const compiled = track(schemas.compile(schema, "request", { close: false }, `${op.label} ${part} parameters`, problems));
      if (compiled) validators[part] = compiled;
    }
    let body: CompiledOperation["body"];
    if (op.body) {
      const media = new Map<string, CompiledMedia>();
      for (const { type, schema } of op.body.media) {
        const kind = mediaKind(type);
        const compiled = kind !== "other" && isPlainObject(schema)
          ? track(schemas.compile(schema, "request", { close: true }, `${op.label}.requestBody[${JSON.stringify(type)}]`, problems))
          : undefined;
        media.set(type, { kind, schema: compiled, plan: kind === "form" && isPlainObject(schema) ? coercionPlan(schema, (ref) => schemas.resolve(ref)) : new Map() });
      }
      body = { required: op.body.required, media };
    }
    const responses: { status: string; schema: CompiledSchema }[] = [];
    for (const response of op.responses) {
      if (!isPlainObject(response.schema)) continue;
      const compiled = schemas.compile(response.schema, "response", { close: true }, response.label, problems);
      if (compiled) responses.push({ status: response.status, schema: compiled });
    }
    let item = items.get(op.template);
    if (item === undefined) items.set(op.template, (item = new Map()));
    item.set(op.method, { method: op.method, template: op.template, parameters, validators, body, responses, maxDeclaredLength, declaredKeys });
  }
  return items;
}
