/**
 * The features every `bulwark()` engine is built with, in the order their global steps run.
 */
import { authRequirementFeature } from "../auth/auth-requirement-feature.js";
import { authenticationFeature } from "../auth/authentication-feature.js";
import { stepUpFeature } from "../auth/step-up-feature.js";
import { attributeFeature } from "../authz/attribute-feature.js";
import { functionLevelFeature } from "../authz/function-level-feature.js";
import { ownershipFeature } from "../authz/ownership-feature.js";
import { responseFilterFeature } from "../authz/response-feature.js";
import { writableFeature } from "../authz/writable-feature.js";
import { routeLimitsFeature } from "../transport/route-limits-feature.js";
import { rateLimitFeature } from "../ratelimit/rate-limit-feature.js";
import { outputFeature } from "../output/output-feature.js";
import { validationFeature } from "../validation/validation-feature.js";
import type { Feature } from "./feature.js";

/** Built-in features. */
export const FEATURES: readonly Feature[] = Object.freeze([
  // First, so that load shedding and limits by IP answer before any other global step works.
  rateLimitFeature,
  routeLimitsFeature,
  authRequirementFeature,
  functionLevelFeature,
  // Authentication
  authenticationFeature,
  stepUpFeature,
  // Authorization
  writableFeature,
  ownershipFeature,
  attributeFeature,
  responseFilterFeature,
  // Validation
  validationFeature,
  outputFeature,
]);
