/**
 * The full Bulwark policy of the bench, the same for the three adapters: security headers (the
 * defaults), JWT ES256 from a local JWK set, an IP limit before authentication, a per-user limit
 * after it, validation, ownership and a response allowlist.
 *
 * `leaveOut` (the stage-cost measurement) drops named parts: `headers` (the security headers),
 * `ip-limit`, `user-limit`, `params` (validation of params) and `filter` (the response allowlist).
 *
 * Every part is tried against the built packages first. A part the build does not provide yet
 * (an option or policy key no feature claims, a builder not exported) is left out and named in
 * `missing`, which the server announces and the runner prints: a figure is never presented as the
 * full policy when a stage did not run.
 */
import * as core from "@bulwark/core";
import {
  AUDIENCE,
  BODY_SCHEMA,
  ISSUER,
  ITEM_FIELDS,
  LIMIT_POINTS,
  LIMIT_WINDOW_SECONDS,
  PARAMS_SCHEMA,
  items,
} from "./fixtures.mjs";
import { onStop, redisPrefix } from "./server-process.mjs";

/** The parts `leaveOut` may name. */
export const LEAVABLE = Object.freeze(["headers", "ip-limit", "user-limit", "params", "filter"]);

/** Why a part was left out, from the `ConfigError` the engine threw. */
function reason(error) {
  const problems = Array.isArray(error?.problems) ? error.problems : [String(error?.message ?? error)];
  return problems.join(" ").slice(0, 200);
}

/**
 * Builds the `bulwark(config)` options and the two route policies from what the built packages
 * provide. `adapter` is the adapter package's namespace (a builder it re-exports wins over core's).
 */
export async function bulwarkSetup(adapter, { jwks, redisUrl, leaveOut = [] }, name) {
  for (const part of leaveOut) if (!LEAVABLE.includes(part)) throw new Error(`BENCH_LEAVE_OUT: ${part} is not one of ${LEAVABLE.join(", ")}.`);
  const without = (part) => leaveOut.includes(part);
  const missing = [];
  const config = {};
  const jwt = adapter.jwt ?? core.jwt;
  if (typeof jwt === "function") {
    config.authenticate = [jwt({ issuer: ISSUER, audience: AUDIENCE, algorithms: ["ES256"], jwks })];
  } else {
    missing.push("authentication (jwt() is not exported)");
  }
  if (redisUrl !== undefined) {
    const { default: Redis } = await import("ioredis");
    const client = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: true });
    onStop(() => client.quit());
    config.store = (adapter.redisStore ?? core.redisStore)(client, { prefix: redisPrefix(name) });
  }
  if (!without("ip-limit")) tryOption(config, "rateLimit", { points: LIMIT_POINTS, duration: LIMIT_WINDOW_SECONDS }, "IP rate limit before authentication", missing);
  if (without("headers")) config.headers = false;

  const engine = core.createEngine(config, core.FEATURES);
  const perUser = { points: LIMIT_POINTS, duration: LIMIT_WINDOW_SECONDS, by: "principal", name: "per-user" };
  const getParts = {
    params: [PARAMS_SCHEMA, "validation of params"],
    owns: [{ load: (request) => items.get(request.params.id), owner: (item) => item.owner }, "ownership"],
    response: [{ fields: ITEM_FIELDS }, "response allowlist"],
    rateLimit: [perUser, "per-user rate limit after authentication"],
  };
  const postParts = {
    body: [BODY_SCHEMA, "validation of the body"],
    rateLimit: [perUser, "per-user rate limit after authentication"],
  };
  if (without("params")) delete getParts.params;
  if (without("filter")) delete getParts.response;
  if (without("user-limit")) delete getParts.rateLimit;
  const getPolicy = policyOf(engine, getParts, missing);
  const postPolicy = policyOf(engine, postParts, missing);
  return { config, getPolicy, postPolicy, missing: [...new Set(missing)] };
}

/** Adds `config[key] = value` when the engine accepts it; otherwise records the missing stage. */
function tryOption(config, key, value, stage, missing) {
  try {
    core.createEngine({ ...config, [key]: value }, core.FEATURES);
    config[key] = value;
  } catch (error) {
    if (!(error instanceof core.ConfigError)) throw error;
    missing.push(`${stage} (${reason(error)})`);
  }
}

/** The policy made of every part the engine compiles. */
function policyOf(engine, parts, missing) {
  const policy = {};
  for (const [key, [value, stage]] of Object.entries(parts)) {
    try {
      engine.compile({ [key]: value });
      policy[key] = value;
    } catch (error) {
      if (!(error instanceof core.ConfigError)) throw error;
      missing.push(`${stage} (${reason(error)})`);
    }
  }
  return policy;
}
