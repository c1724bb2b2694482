/**
 * `response: { fields, byRole }` in a route policy: property-level filtering of what the route
 * sends (OWASP API3, excessive data exposure). Whatever the handler returns, only allowlisted
 * properties leave, so a column added to a table is never sent until someone allowlists it.
 */
import { checkShape, isPlainObject } from "../config/shape.js";
import { STAGE, type Feature } from "../pipeline/feature.js";
import { filterResponse } from "./response-filter.js";
import { compileRoleFields } from "./role-fields.js";
import { roleModelFor } from "./role-model.js";

/** The response-allowlist feature. */
export const responseFilterFeature: Feature = {
  name: "response fields",
  setup({ config }, setupProblems) {
    const model = roleModelFor(config, setupProblems);
    return {
      policyKeys: ["response"],
      compile(policy, problems) {
        const response = policy.response as unknown;
        if (response === undefined) return undefined;
        if (!isPlainObject(response)) {
          problems.push('policy.response must be an object such as { fields: ["id", "status"], byRole: { admin: ["internalNote"] } }.');
          return undefined;
        }
        checkShape(response, { fields: { kind: "any" }, byRole: { kind: "any" } }, "policy.response", problems);
        const fields = compileRoleFields(response, "policy.response", model, config.warn, problems);
        if (fields === undefined) return undefined;
        return {
          stage: STAGE.attributes,
          respond: (payload, state) => filterResponse(payload, fields.treeFor(state.context.principal)),
        };
      },
    };
  },
};
