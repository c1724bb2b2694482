/**
 * Output masking as an engine feature: the global `mask` rules, and a route's `response.mask`
 * rules (they add to or override the global ones), applied to every JSON response of a guarded
 * route after property filtering.
 */
import { isPlainObject, type Rule } from "../config/shape.js";
import type { Feature } from "../pipeline/feature.js";
import { checkMaskRules, createMasker, type MaskRules } from "./mask.js";

/** Masking runs last among response transforms. */
const MASK_STAGE = 90;

const maskRule: Rule = { kind: "custom", check: (value, path) => checkMaskRules(value, path) };

/** The masking feature. */
export const outputFeature: Feature = {
  name: "output masking",
  shape: { mask: maskRule },
  setup({ config }) {
    const global = (config.options as { mask?: MaskRules }).mask;
    const globalMasker = global === undefined ? undefined : createMasker(global);
    // One function for every policy that only has the global masks: policies stacked on one
    // request then share it, and it runs once, however many of them ran.
    const globalRespond = globalMasker === undefined ? undefined : (payload: unknown) => globalMasker(payload);
    return {
      compile(policy, problems) {
        const response: unknown = policy.response;
        const route = isPlainObject(response) ? response.mask : undefined;
        if (route !== undefined) {
          const found = checkMaskRules(route, "policy.response.mask");
          if (found.length > 0) {
            problems.push(...found);
            return undefined;
          }
        }
        if (route === undefined) return globalRespond === undefined ? undefined : { stage: MASK_STAGE, respond: globalRespond };
        const masker = createMasker({ ...(global ?? {}), ...(route as MaskRules) });
        return { stage: MASK_STAGE, respond: (payload) => masker(payload) };
      },
    };
  },
};
