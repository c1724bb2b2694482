/**
 * Validation of requests (and, on request, responses) against an OpenAPI document: the document is
 * loaded, converted and compiled once; each request is matched to its operation by path template
 * and method, then its path, query, header and cookie parameters and its body are read by their
 * declared styles, coerced, guarded and validated.
 */
import { SecurityError, type FieldError } from "../../errors/security-error.js";
import type { Warn } from "../../config/warnings.js";
import type { RequestState } from "../../pipeline/request-state.js";
import { fromAjvErrors } from "../ajv-errors.js";
import type { AjvInstances } from "../ajv-factory.js";
import { coerceFields } from "../coerce.js";
import { childPointer, fieldError } from "../field-errors.js";
import { guardInput, type GuardSettings } from "../input-guard.js";
import { markRepeatedParameters } from "../part-validator.js";
import type { ResolvedValidationOptions } from "../validation-options.js";
import { compileOperations, type CompiledOperation, type CompiledPathItem, type ParameterPart } from "./compile-operations.js";
import type { CompiledSchema } from "./document-schemas.js";
import { documentSchemas } from "./document-schemas.js";
import { loadOpenApiDocument } from "./load-document.js";
import type { OpenApiSettings } from "./openapi-options.js";
import { parseCookies, readPathParameters, readQueryParameters, readTextParameters } from "./parameters.js";
import { AMBIGUOUS, createPathMatcher, serverBasePaths, type PathMatch, type PathMatcher } from "./path-matcher.js";

/** The operation a request was matched to. */
export interface OperationMatch {
  readonly operation: CompiledOperation;
  readonly path: PathMatch<CompiledPathItem>;
}

/** What a request's validation produced: errors, or the values the handler must see. */
export interface OpenApiRequestOutcome {
  readonly errors: readonly FieldError[];
  readonly params?: Record<string, unknown>;
  readonly query?: Record<string, unknown>;
  readonly body?: { readonly value: unknown };
}

/** Validation against one document. */
export interface OpenApiValidator {
  readonly strict: boolean;
  readonly validateResponses: boolean;
  /**
   * The request's operation (cached on the request once the route is known), or `undefined` when
   * the document does not declare it. Throws a 404 `SecurityError` when the path matches several
   * templates and the framework's route agrees with none of them.
   */
  find(state: RequestState): OperationMatch | undefined;
  /** Refuses undeclared paths (404) and methods (405). */
  checkDeclared(state: RequestState): void;
  /** Validates a request against its operation. */
  validateRequest(state: RequestState, match: OperationMatch): OpenApiRequestOutcome;
  /**
   * Errors of a JSON payload that does not match the operation's response for `status` (or, when
   * the status is not known, none of its JSON responses); `undefined` when it matches.
   */
  validateResponse(match: OperationMatch, payload: unknown, status?: number): readonly FieldError[] | undefined;
}

const MATCH = Symbol("bulwark.openapi.match");
const NO_MATCH = Symbol("bulwark.openapi.none");
const PARTS: readonly ParameterPart[] = ["params", "query", "headers", "cookies"];

/** Loads and compiles the document; `undefined` (with problems pushed) when it cannot be used. */
export function compileOpenApi(
  settings: OpenApiSettings,
  options: ResolvedValidationOptions,
  ajv: AjvInstances,
  problems: string[],
  warn: Warn,
): OpenApiValidator | undefined {
  const loaded = loadOpenApiDocument(settings.source, problems);
  if (loaded === undefined) return undefined;
  const found: string[] = [];
  const schemas = documentSchemas(loaded, ajv.forOpenApi(), options.maxStringLength, found, warn);
  const items = compileOperations(loaded, schemas, found);
  if (found.length > 0) {
    problems.push(...found);
    return undefined;
  }
  const matcher: PathMatcher<CompiledPathItem> = createPathMatcher(items, serverBasePaths(loaded.document.servers));
  const rejectUnknown = options.unknown === "reject";
  const unsafe = options.unsafeCharacters === "reject";
  const operators = options.operatorKeys === "reject";

  function find(state: RequestState): OperationMatch | undefined {
    const cached = state.extras.get(MATCH) as OperationMatch | typeof NO_MATCH | undefined;
    if (cached !== undefined) return cached === NO_MATCH ? undefined : cached;
    const { route } = state.request;
    const path = matcher.match(state.request.path, route);
    // Refused rather than validated against an operation whose handler may not be the one serving it.
    if (path === AMBIGUOUS) throw new SecurityError("NOT_FOUND");
    const method = state.request.method;
    const operation = path?.path.item.get(method) ?? (method === "HEAD" ? path?.path.item.get("GET") : undefined);
    const match = path && operation ? { operation, path } : undefined;
    // Before routing, a contested path is only the document's guess: the route guard looks again.
    if (path?.contested !== true || route !== undefined) state.extras.set(MATCH, match ?? NO_MATCH);
    return match;
  }

  function checkDeclared(state: RequestState): void {
    if (find(state) !== undefined) return;
    const path = matcher.match(state.request.path, state.request.route);
    if (path === undefined || path === AMBIGUOUS) throw new SecurityError("NOT_FOUND");
    // CORS preflights go to declared paths whatever the document says about OPTIONS.
    if (state.request.method === "OPTIONS") return;
    const allow = [...path.path.item.keys()];
    if (allow.includes("GET") && !allow.includes("HEAD")) allow.push("HEAD");
    throw new SecurityError("METHOD_NOT_ALLOWED", { headers: { allow: allow.join(", ") } });
  }

  function check(compiled: CompiledSchema, value: unknown, base: string, errors: FieldError[]): boolean {
    if (compiled.validate(value)) return true;
    errors.push(...fromAjvErrors(compiled.validate.errors ?? [], base));
    return false;
  }

  function validateRequest(state: RequestState, match: OperationMatch): OpenApiRequestOutcome {
    const { operation } = match;
    const { request } = state;
    const errors: FieldError[] = [];
    const guard: GuardSettings = {
      maxString: Math.max(options.maxStringLength, operation.maxDeclaredLength),
      unsafeCharacters: unsafe,
      operatorKeys: operators,
      declaredKeys: operation.declaredKeys,
    };
    const max = options.maxErrors;
    const cookies = operation.parameters.cookies.length > 0 ? parseCookies(request.headers.cookie) : {};
    guardInput(match.path.values, "/params", { ...guard, operatorKeys: false }, errors, max);
    guardInput(request.query, "/query", guard, errors, max);
    // Only declared headers and cookies are bounded: others never reach a pattern.
    const textOnly = { ...guard, operatorKeys: false, unsafeCharacters: false };
    guardInput(declared(request.headers, operation.parameters.headers), "/headers", textOnly, errors, max);
    guardInput(declared(cookies, operation.parameters.cookies), "/cookies", textOnly, errors, max);
    const hasBody = request.body !== undefined && !(request.body instanceof Uint8Array);
    if (hasBody) guardInput(request.body, "/body", guard, errors, max);
    if (errors.length > 0) return { errors };

    const values: Record<ParameterPart, Record<string, unknown>> = {
      params: readPathParameters(operation.parameters.params, match.path.values, errors),
      query: {},
      headers: readTextParameters(operation.parameters.headers, request.headers, "/headers", errors),
      cookies: readTextParameters(operation.parameters.cookies, cookies, "/cookies", errors),
    };
    const query = readQueryParameters(operation.parameters.query, request.query, errors);
    values.query = query.values;
    if (rejectUnknown) {
      for (const name of Object.keys(request.query)) if (!query.used.has(name)) errors.push(fieldError(childPointer("/query", name), "additionalProperties"));
    }
    for (const part of PARTS) {
      const compiled = operation.validators[part];
      if (compiled === undefined) continue;
      const partErrors: FieldError[] = [];
      check(compiled, values[part], `/${part}`, partErrors);
      errors.push(...(part === "query" ? markRepeatedParameters(partErrors, "query", values.query) : partErrors));
    }
    const body = validateBody(state, operation, errors);
    if (errors.length > 0) return { errors };
    return { errors, params: values.params, query: values.query, ...(body === undefined ? {} : { body }) };
  }

  function validateBody(state: RequestState, operation: CompiledOperation, errors: FieldError[]): { value: unknown } | undefined {
    const { body } = state.request;
    const declared = operation.body;
    if (body === undefined) {
      if (declared?.required) errors.push(fieldError("/body", "required"));
      return undefined;
    }
    if (declared === undefined) {
      errors.push(fieldError("/body", "notAllowed"));
      return undefined;
    }
    const header = state.request.headers["content-type"];
    const type = (typeof header === "string" ? header : "").split(";")[0]!.trim().toLowerCase();
    const media = declared.media.get(type) ?? declared.media.get(`${type.split("/")[0]}/*`) ?? declared.media.get("*/*");
    if (media === undefined) throw new SecurityError("UNSUPPORTED_MEDIA_TYPE");
    if (media.schema === undefined || body instanceof Uint8Array) return undefined;
    if (media.kind === "json" && state.bodyFormat === "urlencoded") throw new SecurityError("UNSUPPORTED_MEDIA_TYPE");
    const value = media.kind === "form" && typeof body === "object" && body !== null ? coerceFields(body as Record<string, unknown>, media.plan) : body;
    return check(media.schema, value, "/body", errors) ? { value } : undefined;
  }

  function validateResponse(match: OperationMatch, payload: unknown, status?: number): readonly FieldError[] | undefined {
    const responses = responsesFor(match.operation, status);
    if (responses.length === 0 || payload === undefined) return undefined;
    const text = JSON.stringify(payload);
    if (text === undefined) return undefined;
    const sent: unknown = JSON.parse(text);
    let first: FieldError[] | undefined;
    for (const response of responses) {
      const errors: FieldError[] = [];
      if (check(response, sent, "/response", errors)) return undefined;
      first ??= errors;
    }
    return first;
  }

  function responsesFor(operation: CompiledOperation, status: number | undefined): CompiledSchema[] {
    const all = operation.responses;
    if (status === undefined) return all.map((r) => r.schema);
    const exact = all.filter((r) => r.status === String(status));
    if (exact.length > 0) return exact.map((r) => r.schema);
    const range = all.filter((r) => r.status === `${String(status)[0]}XX`);
    if (range.length > 0) return range.map((r) => r.schema);
    return all.filter((r) => r.status === "DEFAULT").map((r) => r.schema);
  }

  function declared(source: Readonly<Record<string, unknown>>, specs: readonly { readonly name: string }[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const spec of specs) if (source[spec.name] !== undefined) out[spec.name] = source[spec.name];
    return out;
  }

  return { strict: settings.strict, validateResponses: settings.validateResponses, find, checkDeclared, validateRequest, validateResponse };
}
