/**
 * Output masking as an engine feature: the global `mask` rules, applied to every JSON response of
 * a guarded route after property filtering. (A route policy has no mask rules of its own:
 * `response` takes `fields` and `byRole` only.)
 */
import type { Rule } from "../config/shape.js";
import type { Feature, PolicyPart } from "../pipeline/feature.js";
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
    if (global === undefined) return {};
    const masker = createMasker(global);
    // One part for every policy: policies stacked on one request then share its function, and the
    // masks run once, however many of them ran.
    const part: PolicyPart = { stage: MASK_STAGE, respond: (payload) => masker(payload) };
    return { compile: () => part };
  },
};
