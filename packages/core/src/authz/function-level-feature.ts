/**
 * `roles` and `scopes` in a route policy: function-level authorization.
 */
import { SecurityError } from "../errors/security-error.js";
import { STAGE, type Feature } from "../pipeline/feature.js";

function stringList(value: unknown, name: string, problems: string[]): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== "string" || v === "")) {
    problems.push(`policy.${name} must be a non-empty array of names, e.g. ${name}: ["${name === "roles" ? "admin" : "orders:read"}"].`);
    return undefined;
  }
  return Object.freeze([...value]);
}

/** The roles-and-scopes feature. */
export const functionLevelFeature: Feature = {
  name: "roles and scopes",
  setup() {
    return {
      policyKeys: ["roles", "scopes"],
      compile(policy, problems) {
        const roles = stringList(policy.roles, "roles", problems);
        const scopes = stringList(policy.scopes, "scopes", problems);
        if (roles === undefined && scopes === undefined) return undefined;
        if (policy.public === true) problems.push("policy.public: true cannot be combined with roles or scopes; a public route has no principal to check.");
        const scopeChallenge = scopes
          ? { "www-authenticate": `Bearer error="insufficient_scope", scope="${scopes.join(" ")}"` }
          : undefined;
        return {
          stage: STAGE.functionLevel,
          step(state) {
            const principal = state.context.principal;
            if (principal === undefined) throw new SecurityError("AUTH_REQUIRED");
            if (roles && !roles.some((role) => principal.roles.includes(role))) {
              throw new SecurityError("AUTHZ_INSUFFICIENT_ROLE");
            }
            if (scopes && !scopes.every((scope) => principal.scopes.includes(scope))) {
              throw new SecurityError("AUTHZ_INSUFFICIENT_SCOPE", principal.authMethod === "jwt" ? { headers: scopeChallenge! } : {});
            }
          },
        };
      },
    };
  },
};
