/**
 * `limits` in a route policy: tighter transport limits for one route, checked on the URL, the
 * query string and the body the global layer already read and checked against the global limits.
 */
import { LIMITS_SHAPE } from "../config/resolve-config.js";
import { checkShape, isPlainObject } from "../config/shape.js";
import { SecurityError } from "../errors/security-error.js";
import { STAGE, type Feature } from "../pipeline/feature.js";
import type { RequestState } from "../pipeline/request-state.js";
import { assertSafeValue } from "./json-guard.js";
import { resolveLimits, type ResolvedTransportLimits } from "./limits.js";
import { parseQuery } from "./query.js";

/** The limits the query string is checked against. */
const QUERY_LIMITS = ["queryParams", "queryKeyDepth", "stringLength"] as const;

const NUMERIC_LIMITS = ["bodyBytes", "jsonDepth", "arrayLength", "objectKeys", "stringLength", "queryParams", "queryKeyDepth", "urlLength"] as const;

/** The route-limits feature. */
export const routeLimitsFeature: Feature = {
  name: "limits",
  setup({ config }) {
    return {
      policyKeys: ["limits"],
      compile(policy, problems) {
        if (policy.limits === undefined) return undefined;
        if (!isPlainObject(policy.limits)) {
          problems.push("policy.limits must be an object of transport limits.");
          return undefined;
        }
        checkShape(policy.limits as Record<string, unknown>, LIMITS_SHAPE, "policy.limits", problems);
        const routeLimits: ResolvedTransportLimits = resolveLimits(policy.limits, config.limits);
        for (const name of NUMERIC_LIMITS) {
          if (routeLimits[name] > config.limits[name]) {
            problems.push(`policy.limits.${name} (${routeLimits[name]}) is above the global limit (${config.limits[name]}); raise the global \`limits.${name}\` instead, route limits can only lower it.`);
          }
        }
        if (policy.limits.contentTypes !== undefined) {
          problems.push("policy.limits.contentTypes cannot be set per route; set the global `limits.contentTypes`.");
        }
        const checksQuery = QUERY_LIMITS.some((name) => routeLimits[name] < config.limits[name]);
        return {
          stage: STAGE.limits,
          step(state) {
            if (state.request.url.length > routeLimits.urlLength) throw new SecurityError("URI_TOO_LONG");
            if (checksQuery) checkQuery(state, routeLimits);
            const declared = Number(state.request.headers["content-length"]);
            if (declared > routeLimits.bodyBytes) throw new SecurityError("BODY_TOO_LARGE");
            // The bytes received when Bulwark read the body (chunked bodies declare no length).
            if (state.bodyBytes !== undefined && state.bodyBytes > routeLimits.bodyBytes) throw new SecurityError("BODY_TOO_LARGE");
            const body = state.request.body;
            if (body instanceof Uint8Array) {
              if (body.byteLength > routeLimits.bodyBytes) throw new SecurityError("BODY_TOO_LARGE");
            } else if (body !== undefined) {
              if (Buffer.byteLength(JSON.stringify(body) ?? "") > routeLimits.bodyBytes) throw new SecurityError("BODY_TOO_LARGE");
              assertSafeValue(body, routeLimits);
            }
          },
        };
      },
    };
  },
};

/** Checks the query string again, as the global layer did, against the route's lower limits. */
function checkQuery(state: RequestState, limits: ResolvedTransportLimits): void {
  const { url } = state.request;
  const queryStart = url.indexOf("?");
  if (queryStart !== -1) parseQuery(url.slice(queryStart + 1), limits);
}
