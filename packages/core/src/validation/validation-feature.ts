/**
 * Input validation as an engine feature: the route-policy keys `params`, `query`, `headers` and
 * `body`, and the global `validation` and `openapi` options. Schemas are compiled when a policy is
 * compiled (startup); each request runs the OpenAPI operation first (when the document declares
 * it), then the policy's schemas, reports every failing field at once, and hands the handler the
 * validated, coerced values.
 */
import { SecurityError, type FieldError } from "../errors/security-error.js";
import { STAGE, type Feature, type PolicyPart, type Step } from "../pipeline/feature.js";
import type { RequestState } from "../pipeline/request-state.js";
import type { QueryMap } from "../request/security-request.js";
import { createAjvInstances } from "./ajv-factory.js";
import { compileInput } from "./compile-input.js";
import { validationError } from "./field-errors.js";
import { compileOpenApi, type OpenApiValidator } from "./openapi/openapi-validator.js";
import { OPENAPI_RULE, openApiSettings, type OpenApiOption } from "./openapi/openapi-options.js";
import type { PartOutcome, PartValidator } from "./part-validator.js";
import { ResponseValidationError } from "./response-validation-error.js";
import type { RequestPart } from "./schema.js";
import { resolveValidationOptions, VALIDATION_SHAPE, type ValidationOptions } from "./validation-options.js";

/** Response validation runs after property filtering and before masking. */
const RESPONSE_VALIDATION_STAGE = 85;
const PARTS: readonly RequestPart[] = ["params", "query", "headers", "body"];

interface Replacements {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: { value: unknown };
}

/** The validation feature. */
export const validationFeature: Feature = {
  name: "validation",
  shape: {
    validation: { kind: "object", shape: VALIDATION_SHAPE },
    openapi: OPENAPI_RULE,
  },
  setup({ config }, problems) {
    const given = config.options as { validation?: ValidationOptions; openapi?: OpenApiOption };
    const options = resolveValidationOptions(given.validation);
    const ajv = createAjvInstances(options.formats);
    let openapi: OpenApiValidator | undefined;
    if (given.openapi !== undefined) {
      openapi = compileOpenApi(openApiSettings(given.openapi), options, ajv, problems, config.warn);
      if (openapi?.validateResponses && process.env.NODE_ENV === "production") {
        config.warn("BULWARK_RESPONSE_VALIDATION_IN_PRODUCTION", "Bulwark: `openapi.validateResponses` is on and NODE_ENV is production; it is meant for development and test (a mismatch answers 500). Turn it off in production.");
      }
    }

    function inputOf(state: RequestState, part: RequestPart, replaced: Replacements): unknown {
      const { request } = state;
      if (part === "params") return replaced.params ?? request.params;
      if (part === "query") return replaced.query ?? request.query;
      if (part === "headers") return request.headers;
      return replaced.body ? replaced.body.value : request.body;
    }

    /** Notes one validator's outcome. */
    function take(validator: PartValidator, outcome: PartOutcome, errors: FieldError[], replaced: Replacements): void {
      if (!outcome.ok) errors.push(...outcome.errors);
      else if (validator.part === "body") replaced.body = { value: outcome.value };
      else if (validator.part !== "headers") replaced[validator.part] = outcome.value as Record<string, unknown>;
    }

    /** Refuses the request, or puts the validated values in its place. */
    function finish(state: RequestState, errors: FieldError[], replaced: Replacements): void {
      if (errors.length > 0) throw validationError(errors, options.status, options.maxErrors);
      const { request } = state;
      if (replaced.params) request.params = replaced.params as Record<string, string>;
      if (replaced.query) {
        request.query = replaced.query as QueryMap;
        state.queryReplaced = true;
      }
      if (replaced.body) request.body = replaced.body.value;
    }

    /** The rest of the validators once one answered with a promise (an async Standard Schema). */
    async function finishLater(state: RequestState, validators: readonly PartValidator[], from: number, first: Promise<PartOutcome>, errors: FieldError[], replaced: Replacements): Promise<void> {
      take(validators[from]!, await first, errors, replaced);
      for (let i = from + 1; i < validators.length; i++) {
        const validator = validators[i]!;
        take(validator, await validator.run(inputOf(state, validator.part, replaced), state.bodyFormat), errors, replaced);
      }
      finish(state, errors, replaced);
    }

    function buildStep(validators: readonly PartValidator[], api: OpenApiValidator | undefined): Step {
      // Synchronous while every validator is (JSON Schema, zod without async refinements), so
      // that the engine need not wait a turn for it.
      return function validateRequest(state) {
        const errors: FieldError[] = [];
        const replaced: Replacements = {};
        const match = api?.find(state);
        if (api && match) {
          const outcome = api.validateRequest(state, match);
          if (outcome.errors.length > 0) errors.push(...outcome.errors);
          else Object.assign(replaced, { params: frameworkParams(state, outcome.params), query: outcome.query, body: outcome.body });
        }
        if (errors.length === 0) {
          for (let i = 0; i < validators.length; i++) {
            const validator = validators[i]!;
            const outcome = validator.run(inputOf(state, validator.part, replaced), state.bodyFormat);
            if (outcome instanceof Promise) return finishLater(state, validators, i, outcome, errors, replaced);
            take(validator, outcome, errors, replaced);
          }
        }
        finish(state, errors, replaced);
        return undefined;
      };
    }

    function respond(payload: unknown, state: RequestState): unknown {
      const match = openapi?.find(state);
      if (openapi === undefined || match === undefined) return payload;
      const errors = openapi.validateResponse(match, payload);
      if (errors === undefined) return payload;
      throw new SecurityError("INTERNAL", { cause: new ResponseValidationError(`${match.operation.method} ${match.operation.template}`, errors) });
    }

    return {
      policyKeys: ["params", "query", "headers", "body"],
      ...(openapi?.strict ? { afterAuth: (state: RequestState) => openapi!.checkDeclared(state) } : {}),
      compile(policy, found) {
        const validators: PartValidator[] = [];
        for (const part of PARTS) {
          if (policy[part] === undefined) continue;
          const validator = compileInput(part, policy[part], options, ajv, found, config.warn);
          if (validator) validators.push(validator);
        }
        if (validators.length === 0 && openapi === undefined) return undefined;
        const parts: PolicyPart[] = [{ stage: STAGE.validation, step: buildStep(validators, openapi) }];
        if (openapi?.validateResponses) parts.push({ stage: RESPONSE_VALIDATION_STAGE, respond });
        return parts;
      },
    };
  },
};

/**
 * The framework's path parameters with the document's coerced values where the names agree
 * (`:id` in the route, `{id}` in the document); names only one side knows are left as they are.
 */
function frameworkParams(state: RequestState, coerced: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const current = state.request.params;
  // Not isPlainObject: routers build params objects with their own prototypes (find-my-way does).
  if (coerced === undefined || typeof current !== "object" || current === null || Object.keys(current).length === 0) return undefined;
  const merged: Record<string, unknown> = { ...current };
  let changed = false;
  for (const [name, value] of Object.entries(coerced)) {
    if (Object.prototype.hasOwnProperty.call(current, name)) {
      merged[name] = value;
      changed = true;
    }
  }
  return changed ? merged : undefined;
}
