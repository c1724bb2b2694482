/**
 * `allow` in a route policy: an attribute-based rule (tenant, time of day, object state...) that
 * sees the principal, the request and the object `owns` loaded. It runs after ownership. Only
 * `true` allows; anything else, a rejection or a throw, denies with 403. A rule that fails is an
 * app bug rather than a server error: the client gets the same 403, and an `authz.denied` event
 * with code AUTHZ_RULE_FAILED records it.
 */
import { SecurityError } from "../errors/security-error.js";
import { STAGE, type Feature } from "../pipeline/feature.js";

/** The event code recording a rule that threw or rejected. */
export const RULE_FAILED_EVENT_CODE = "AUTHZ_RULE_FAILED";

/** The ABAC feature. */
export const attributeFeature: Feature = {
  name: "attribute rules",
  setup({ emit }) {
    return {
      policyKeys: ["allow"],
      compile(policy, problems) {
        const rule = policy.allow as unknown;
        if (rule === undefined) return undefined;
        if (typeof rule !== "function") {
          problems.push("policy.allow must be a function ({ principal, request, resource }) => boolean (or a promise of one).");
          return undefined;
        }
        const allow = policy.allow!;
        return {
          stage: STAGE.attributes,
          async step(state) {
            const { principal, resource } = state.context;
            let verdict: unknown;
            try {
              verdict = await allow({ principal, request: state.request, resource });
            } catch (error) {
              emit("authz.denied", state, RULE_FAILED_EVENT_CODE, { error: error instanceof Error ? error.name : typeof error });
              throw new SecurityError("AUTHZ_FORBIDDEN", { cause: error, reported: true });
            }
            if (verdict !== true) throw new SecurityError("AUTHZ_FORBIDDEN");
          },
        };
      },
    };
  },
};
