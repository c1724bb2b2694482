/**
 * `public` and `auth` in a route policy: whether a principal is required, and which
 * authentication methods the route accepts. With authenticators configured, authentication is
 * required unless the route says otherwise.
 */
import { SecurityError } from "../errors/security-error.js";
import { STAGE, type Feature } from "../pipeline/feature.js";

/** The authentication-requirement feature. */
export const authRequirementFeature: Feature = {
  name: "authentication requirement",
  setup({ config }) {
    const challenges = config.authenticators.map((a) => a.challenge).filter((c): c is string => typeof c === "string");
    const challengeHeaders = challenges.length > 0 ? { "www-authenticate": challenges.join(", ") } : undefined;
    return {
      policyKeys: ["public", "auth"],
      compile(policy, problems) {
        if (policy.public !== undefined && typeof policy.public !== "boolean") problems.push("policy.public must be true or false.");
        const auth = policy.auth;
        let optional = policy.public === true;
        let methods: readonly string[] | undefined;
        if (auth === "optional") optional = true;
        else if (auth === "required") optional = false;
        else if (auth !== undefined) {
          if (typeof auth !== "object" || auth === null) {
            problems.push('policy.auth must be "required", "optional" or { optional, methods }.');
          } else {
            optional = auth.optional ?? optional;
            methods = auth.methods;
            const known = config.authenticators.map((a) => a.method);
            for (const method of methods ?? []) {
              if (!known.includes(method)) problems.push(`policy.auth.methods names "${method}", but no such authenticator is configured (configured: ${known.join(", ") || "none"}).`);
            }
          }
        }
        if (policy.public === true && (auth === "required" || (typeof auth === "object" && auth?.optional === false))) {
          problems.push("policy.public: true contradicts policy.auth requiring authentication; keep one of them.");
        }
        if (!optional && config.authenticators.length === 0) {
          problems.push("this route requires authentication but no authenticator is configured: add `authenticate: [jwt(...)]` to bulwark(), or mark the route `public: true`.");
        }
        if (optional && methods === undefined) return { stage: STAGE.authentication };
        return {
          stage: STAGE.authentication,
          step(state) {
            const principal = state.context.principal;
            if (principal === undefined) {
              if (optional) return;
              throw new SecurityError("AUTH_REQUIRED", challengeHeaders ? { headers: challengeHeaders } : {});
            }
            if (methods !== undefined && !methods.includes(principal.authMethod)) {
              throw new SecurityError("AUTH_METHOD_NOT_ALLOWED", challengeHeaders ? { headers: challengeHeaders } : {});
            }
          },
        };
      },
    };
  },
};
