/**
 * `writable: { fields, byRole, mode }` in a route policy: the request body may set only the
 * allowlisted properties (mass assignment, OWASP API3). `reject` (the default) answers 400
 * AUTHZ_FIELD_NOT_WRITABLE listing the offending field paths, never their values; `strip` removes
 * them and hands the handler a new body. Runs after function-level checks and before validation,
 * so that the schema checks what the handler will receive.
 */
import { checkShape, isPlainObject } from "../config/shape.js";
import { SecurityError, type FieldError } from "../errors/security-error.js";
import { STAGE, type Feature } from "../pipeline/feature.js";
import { compileRoleFields } from "./role-fields.js";
import { roleModelFor } from "./role-model.js";
import { MAX_LISTED_FIELDS, stripUnwritable, unwritablePaths } from "./writable-filter.js";

/** Between function-level checks and validation. */
const WRITABLE_STAGE = STAGE.functionLevel + (STAGE.validation - STAGE.functionLevel) / 2;

/** The writable-fields feature. */
export const writableFeature: Feature = {
  name: "writable fields",
  setup({ config }, setupProblems) {
    const model = roleModelFor(config, setupProblems);
    return {
      policyKeys: ["writable"],
      compile(policy, problems) {
        const writable = policy.writable as unknown;
        if (writable === undefined) return undefined;
        if (!isPlainObject(writable)) {
          problems.push('policy.writable must be an object such as { fields: ["name", "email"], byRole: { admin: ["role"] }, mode: "reject" }.');
          return undefined;
        }
        checkShape(writable, {
          fields: { kind: "any" },
          byRole: { kind: "any" },
          mode: { kind: "string", oneOf: ["reject", "strip"] },
        }, "policy.writable", problems);
        const fields = compileRoleFields(writable, "policy.writable", model, config.warn, problems);
        if (fields === undefined) return undefined;
        const strip = writable.mode === "strip";
        return {
          stage: WRITABLE_STAGE,
          step(state) {
            const { request } = state;
            const body = request.body;
            if (body === null || typeof body !== "object" || body instanceof Uint8Array) return;
            const tree = fields.treeFor(state.context.principal);
            if (strip) {
              request.body = stripUnwritable(body, tree);
              return;
            }
            const paths = unwritablePaths(body, tree);
            if (paths.length === 0) return;
            const errors: FieldError[] = paths.map((path) => ({ path, code: "notWritable", message: "may not be set in this request" }));
            throw new SecurityError("AUTHZ_FIELD_NOT_WRITABLE", {
              errors,
              ...(paths.length >= MAX_LISTED_FIELDS ? { detail: `The request sets properties you may not set (the first ${MAX_LISTED_FIELDS} are listed).` } : {}),
            });
          },
        };
      },
    };
  },
};
