/**
 * `stepUp` in a route policy (RFC 9470): the token must come from a strong enough and recent enough
 * authentication. When it does not, the answer is 401 with
 * `WWW-Authenticate: Bearer error="insufficient_user_authentication"` and the `acr_values` /
 * `max_age` the client must ask the authorization server for.
 */
import type { StepUpPolicy } from "../authz/authz-policy.js";
import { isPlainObject } from "../config/shape.js";
import { SecurityError } from "../errors/security-error.js";
import { STAGE, type Feature } from "../pipeline/feature.js";
import { MAX_CLOCK_TOLERANCE_SECONDS } from "./token-revocation.js";
import { challenge } from "./www-authenticate.js";

/** Step-up runs right after the authentication requirement, before limits and authorization. */
export const STEP_UP_STAGE = STAGE.authentication + 5;
const TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
/**
 * How far in the future an `auth_time` may be and still count as "just now": the largest clock
 * skew `jwt()` accepts (it refuses a later `auth_time` itself, within its own `clockTolerance`).
 * Strictly "not after now" would refuse every fresh login from an identity provider whose clock
 * runs a few seconds ahead; a bound is still needed for principals of other authenticators.
 */
const AUTH_TIME_SKEW_SECONDS = MAX_CLOCK_TOLERANCE_SECONDS;

/** The step-up feature. */
export const stepUpFeature: Feature = {
  name: "step-up authentication",
  setup({ config }) {
    const now = config.services.now;
    return {
      policyKeys: ["stepUp"],
      compile(policy, problems) {
        const stepUp = policy.stepUp;
        if (stepUp === undefined) return undefined;
        const rule = compileStepUp(stepUp, problems);
        if (policy.public === true) problems.push("policy.stepUp cannot be combined with public: true; a step-up route needs an authenticated user.");
        if (rule === undefined) return undefined;
        const error = () => new SecurityError("AUTH_STEP_UP_REQUIRED", { headers: rule.headers });
        return {
          stage: STEP_UP_STAGE,
          step(state) {
            const principal = state.context.principal;
            if (principal === undefined) throw error();
            if (rule.acr !== undefined && (principal.acr === undefined || !rule.acr.includes(principal.acr))) throw error();
            if (rule.maxAge !== undefined) {
              const authTime = principal.authTime;
              // A future auth_time (beyond clock skew) would satisfy maxAge for ever: it proves nothing.
              const elapsed = authTime === undefined ? Number.NaN : Math.floor(now() / 1000) - authTime;
              if (!(elapsed >= -AUTH_TIME_SKEW_SECONDS && elapsed <= rule.maxAge)) throw error();
            }
            if (rule.amr !== undefined && !rule.amr.every((method) => principal.amr.includes(method))) throw error();
          },
        };
      },
    };
  },
};

interface StepUpRule {
  readonly acr: readonly string[] | undefined;
  readonly maxAge: number | undefined;
  readonly amr: readonly string[] | undefined;
  readonly headers: Readonly<Record<string, string>>;
}

function compileStepUp(value: unknown, problems: string[]): StepUpRule | undefined {
  if (!isPlainObject(value)) {
    problems.push("policy.stepUp must be an object, e.g. stepUp: { acr: \"urn:example:mfa\", maxAge: 300 }.");
    return undefined;
  }
  const given = value as StepUpPolicy;
  const found = problems.length;
  for (const name of Object.keys(value)) {
    if (name !== "acr" && name !== "maxAge" && name !== "amr") problems.push(`policy.stepUp.${name} is not a known option (acr, maxAge, amr).`);
  }
  const acr = typeof given.acr === "string" ? [given.acr] : given.acr;
  if (acr !== undefined && (!Array.isArray(acr) || acr.length === 0 || !acr.every((v) => typeof v === "string" && TOKEN.test(v)))) {
    problems.push("policy.stepUp.acr must be an acr value or a list of them (no spaces or quotes), e.g. acr: \"urn:example:mfa\".");
  }
  if (given.maxAge !== undefined && !(Number.isInteger(given.maxAge) && given.maxAge >= 0)) {
    problems.push("policy.stepUp.maxAge must be a whole number of seconds, e.g. maxAge: 300.");
  }
  if (given.amr !== undefined && (!Array.isArray(given.amr) || given.amr.length === 0 || !given.amr.every((v) => typeof v === "string" && v !== ""))) {
    problems.push("policy.stepUp.amr must be a list of authentication methods, e.g. amr: [\"mfa\"].");
  }
  if (acr === undefined && given.maxAge === undefined && given.amr === undefined) {
    problems.push("policy.stepUp needs at least one of acr, maxAge or amr.");
  }
  if (problems.length > found) return undefined;
  const headers = Object.freeze({
    "www-authenticate": challenge("Bearer", {
      error: "insufficient_user_authentication",
      error_description: "A stronger or more recent authentication is required",
      acr_values: acr?.join(" "),
      max_age: given.maxAge,
    }),
  });
  return {
    acr: acr === undefined ? undefined : Object.freeze([...acr]),
    maxAge: given.maxAge,
    amr: given.amr === undefined ? undefined : Object.freeze([...given.amr]),
    headers,
  };
}
