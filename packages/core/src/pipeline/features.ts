/**
 * The features every `bulwark()` engine is built with, in the order their global steps run.
 */
import { authRequirementFeature } from "../auth/auth-requirement-feature.js";
import { functionLevelFeature } from "../authz/function-level-feature.js";
import { routeLimitsFeature } from "../transport/route-limits-feature.js";
import type { Feature } from "./feature.js";

/** Built-in features. */
export const FEATURES: readonly Feature[] = Object.freeze([
  routeLimitsFeature,
  authRequirementFeature,
  functionLevelFeature,
  // -- authentication features (issue 3) go here --
  // -- authorization features (issue 4) go here --
  // -- validation features (issue 5) go here --
  // -- rate-limiting features (issue 6) go here --
]);
