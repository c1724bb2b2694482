/**
 * The options of `jwt()` and their resolution: every option checked at once (unknown names get a
 * "did you mean"), defaults filled, durations turned into milliseconds. The caller's object is
 * never changed.
 */
import { closestName } from "../config/did-you-mean.js";
import { checkShape, isPlainObject, type Rule, type Shape } from "../config/shape.js";
import { isJwtAlgorithm, JWT_ALGORITHM_NAMES, type JwtAlgorithm } from "./jwt-algorithms.js";
import type { JwtKeyOptions } from "./jwt-key-source.js";
import { compileClaimsMapping, type ClaimsMapping, type JwtClaimsOptions } from "./jwt-principal.js";
import type { RemoteKeySetOptions } from "./remote-key-set.js";
import { MAX_CLOCK_TOLERANCE_SECONDS } from "./token-revocation.js";
import type { TokenCacheOptions } from "./verified-token-cache.js";

/** Options of `jwt()`. Durations are in seconds. */
export interface JwtOptions extends JwtKeyOptions {
  /** Algorithms tokens may be signed with, e.g. `["RS256"]`. Required; `none` is never accepted. */
  readonly algorithms: readonly JwtAlgorithm[];
  /** Expected `iss` (one or several). Required; `false` accepts any issuer (not recommended). */
  readonly issuer: string | readonly string[] | false;
  /** Expected `aud` (the token must name one of them). Required; `false` accepts any audience (not recommended). */
  readonly audience: string | readonly string[] | false;
  /** Clock skew allowed on `exp`, `nbf` and `iat`, in seconds. Default 30, at most 300. */
  readonly clockTolerance?: number;
  /** Refuse tokens issued (`iat`) longer ago than this many seconds; `iat` is then required. */
  readonly maxTokenAge?: number;
  /** Claims that must be present, besides `exp`. */
  readonly requiredClaims?: readonly string[];
  /** Require `exp`. Default `true`; `false` accepts tokens that never expire (warned at startup). */
  readonly requireExp?: boolean;
  /** Required `typ` header, e.g. `"at+jwt"` for RFC 9068 access tokens. */
  readonly typ?: string;
  /** Longest token accepted, in characters; longer ones are refused before any parsing. Default 8192. */
  readonly maxTokenBytes?: number;
  /** How the principal is read from the claims. */
  readonly claims?: JwtClaimsOptions;
  /** Called on every request with the verified claims: return `true` to refuse the token, `false` to accept it. */
  readonly isRevoked?: (claims: Readonly<Record<string, unknown>>) => boolean | Promise<boolean>;
  /**
   * Verified-token cache, which keeps a token from its second verification on: `false` to turn it
   * off. Default `{ maxEntries: 10000, ttl: 60 }`.
   */
  readonly cache?: false | { readonly maxEntries?: number; readonly ttl?: number };
  /** How remote keys (`jwksUri`, `discovery`) are fetched. */
  readonly remoteKeys?: {
    /** Least seconds between two fetches (an unknown `kid` refetches at most this often). Default 30. */
    readonly cooldown?: number;
    /** Seconds fetched keys count as fresh before a refresh is tried. Default 600. */
    readonly cacheMaxAge?: number;
    /**
     * Seconds past `cacheMaxAge` that the last keys fetched keep answering while the JWKS cannot be
     * fetched; after that, requests get 503 until a fetch succeeds. Default 86400 (one day).
     */
    readonly maxStale?: number;
    /** Deadline of one fetch, in seconds. Default 5. */
    readonly timeout?: number;
    /** Largest accepted response, in bytes. Default 262144. */
    readonly maxBytes?: number;
  };
  /** `realm` of the `WWW-Authenticate` challenge. */
  readonly realm?: string;
}

/** The resolved options the verifier runs on. */
export interface ResolvedJwtOptions {
  readonly keyOptions: JwtKeyOptions;
  readonly algorithms: readonly JwtAlgorithm[];
  readonly issuer: string | readonly string[] | undefined;
  readonly audience: string | readonly string[] | undefined;
  readonly clockTolerance: number;
  readonly maxTokenAge: number | undefined;
  readonly requiredClaims: readonly string[];
  readonly typ: string | undefined;
  readonly maxTokenBytes: number;
  readonly mapping: ClaimsMapping;
  readonly isRevoked: JwtOptions["isRevoked"];
  readonly cache: TokenCacheOptions | undefined;
  readonly remote: RemoteKeySetOptions;
  readonly realm: string | undefined;
}

/** A startup warning: its code (for `silence`) and message. */
export interface StartupWarning {
  readonly code: string;
  readonly message: string;
}

/** Defaults of `jwt()`. */
export const JWT_DEFAULTS = Object.freeze({
  clockTolerance: 30,
  maxTokenBytes: 8192,
  cache: Object.freeze({ maxEntries: 10_000, ttl: 60 }),
  remoteKeys: Object.freeze({ cooldown: 30, cacheMaxAge: 600, maxStale: 86_400, timeout: 5, maxBytes: 256 * 1024 }),
});

const identityRule = (name: "issuer" | "audience", example: string): Rule => ({
  kind: "custom",
  check: (value, path) => {
    if (value === false) return [];
    const ok = (typeof value === "string" && value !== "")
      || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string" && v !== ""));
    return ok ? [] : [`${path} must be the expected ${name === "issuer" ? "iss" : "aud"} (a string or a list of strings), e.g. ${name}: ${example}; or false to accept any.`];
  },
});

const JWT_SHAPE: Shape = {
  algorithms: { kind: "any" },
  issuer: identityRule("issuer", "\"https://id.example.com/\""),
  audience: identityRule("audience", "\"orders-api\""),
  secret: { kind: "any" },
  publicKey: { kind: "any" },
  jwks: { kind: "any" },
  jwksUri: { kind: "any" },
  discovery: { kind: "boolean" },
  clockTolerance: { kind: "number", min: 0, max: MAX_CLOCK_TOLERANCE_SECONDS },
  maxTokenAge: { kind: "number", min: 1 },
  requiredClaims: { kind: "array", items: { kind: "string", minLength: 1 } },
  requireExp: { kind: "boolean" },
  typ: { kind: "string", minLength: 1 },
  maxTokenBytes: { kind: "number", integer: true, min: 256, max: 65_536 },
  claims: {
    kind: "object",
    shape: { subject: { kind: "any" }, roles: { kind: "any" }, scopes: { kind: "any" }, kind: { kind: "function" } },
  },
  isRevoked: { kind: "function" },
  cache: {
    kind: "oneOf",
    describe: "false, or { maxEntries, ttl }",
    rules: [
      { kind: "boolean" },
      { kind: "object", shape: { maxEntries: { kind: "number", integer: true, min: 1, max: 1_000_000 }, ttl: { kind: "number", min: 1, max: 3600 } } },
    ],
  },
  remoteKeys: {
    kind: "object",
    shape: {
      cooldown: { kind: "number", min: 1, max: 3600 },
      cacheMaxAge: { kind: "number", min: 1, max: 86_400 },
      maxStale: { kind: "number", min: 0, max: 30 * 86_400 },
      timeout: { kind: "number", min: 0.1, max: 60 },
      maxBytes: { kind: "number", integer: true, min: 1024, max: 10 * 1024 * 1024 },
    },
  },
  realm: { kind: "string", minLength: 1 },
};

/** Checks and resolves `options`; every problem goes into `problems`. */
export function resolveJwtOptions(options: unknown): { resolved: ResolvedJwtOptions; problems: string[]; warnings: StartupWarning[] } {
  const problems: string[] = [];
  const warnings: StartupWarning[] = [];
  const given: Partial<JwtOptions> = isPlainObject(options) ? (options as Partial<JwtOptions>) : {};
  if (!isPlainObject(options)) {
    problems.push("jwt(options) needs an options object, e.g. jwt({ issuer, audience, algorithms: [\"RS256\"], jwksUri }).");
  } else {
    checkShape(options, JWT_SHAPE, "", problems);
  }
  const algorithms = checkAlgorithms(given.algorithms, problems);
  if (given.issuer === undefined) {
    problems.push("issuer is required: the expected iss of tokens, e.g. issuer: \"https://id.example.com/\" (or issuer: false to accept any issuer).");
  }
  if (given.audience === undefined) {
    problems.push("audience is required: the aud this API expects, e.g. audience: \"orders-api\" (or audience: false to accept any audience).");
  }
  if (given.issuer === false) {
    warnings.push({ code: "BULWARK_JWT_ANY_ISSUER", message: "Bulwark: jwt({ issuer: false }) accepts tokens from any issuer the keys verify. Give the expected iss, e.g. issuer: \"https://id.example.com/\"." });
  }
  if (given.audience === false) {
    warnings.push({ code: "BULWARK_JWT_ANY_AUDIENCE", message: "Bulwark: jwt({ audience: false }) accepts tokens issued for any API, so a token your identity provider issued for another service works here too. Give this API's audience, e.g. audience: \"orders-api\"." });
  }
  const requireExp = given.requireExp !== false;
  if (!requireExp) {
    warnings.push({ code: "BULWARK_JWT_EXP_NOT_REQUIRED", message: "Bulwark: jwt({ requireExp: false }) accepts tokens without exp, which never expire. Have the issuer set exp and remove requireExp." });
  }
  const requiredClaims = [...new Set([...(requireExp ? ["exp"] : []), ...(Array.isArray(given.requiredClaims) ? given.requiredClaims : [])])];
  const cacheOption = given.cache;
  const cache = cacheOption === false
    ? undefined
    : {
        maxEntries: (isPlainObject(cacheOption) ? cacheOption.maxEntries : undefined) ?? JWT_DEFAULTS.cache.maxEntries,
        ttlMs: ((isPlainObject(cacheOption) ? cacheOption.ttl : undefined) ?? JWT_DEFAULTS.cache.ttl) * 1000,
      };
  const remoteGiven = isPlainObject(given.remoteKeys) ? given.remoteKeys : {};
  const remote: RemoteKeySetOptions = {
    cooldownMs: (remoteGiven.cooldown ?? JWT_DEFAULTS.remoteKeys.cooldown) * 1000,
    cacheMaxAgeMs: (remoteGiven.cacheMaxAge ?? JWT_DEFAULTS.remoteKeys.cacheMaxAge) * 1000,
    maxStaleMs: (remoteGiven.maxStale ?? JWT_DEFAULTS.remoteKeys.maxStale) * 1000,
    timeoutMs: (remoteGiven.timeout ?? JWT_DEFAULTS.remoteKeys.timeout) * 1000,
    maxBytes: remoteGiven.maxBytes ?? JWT_DEFAULTS.remoteKeys.maxBytes,
  };
  if (remote.cacheMaxAgeMs < remote.cooldownMs) problems.push("remoteKeys.cacheMaxAge must not be shorter than remoteKeys.cooldown.");
  const identity = (value: unknown): string | readonly string[] | undefined =>
    typeof value === "string" ? value : Array.isArray(value) ? Object.freeze([...value] as string[]) : undefined;
  const resolved: ResolvedJwtOptions = {
    keyOptions: {
      secret: given.secret,
      publicKey: given.publicKey,
      jwks: given.jwks,
      jwksUri: given.jwksUri,
      discovery: given.discovery,
    },
    algorithms,
    issuer: identity(given.issuer),
    audience: identity(given.audience),
    clockTolerance: typeof given.clockTolerance === "number" ? given.clockTolerance : JWT_DEFAULTS.clockTolerance,
    maxTokenAge: typeof given.maxTokenAge === "number" ? given.maxTokenAge : undefined,
    requiredClaims: Object.freeze(requiredClaims),
    typ: typeof given.typ === "string" ? given.typ : undefined,
    maxTokenBytes: typeof given.maxTokenBytes === "number" ? given.maxTokenBytes : JWT_DEFAULTS.maxTokenBytes,
    mapping: compileClaimsMapping(isPlainObject(given.claims) ? given.claims : undefined, problems),
    isRevoked: typeof given.isRevoked === "function" ? given.isRevoked : undefined,
    cache,
    remote,
    realm: typeof given.realm === "string" ? given.realm : undefined,
  };
  return { resolved, problems, warnings };
}

function checkAlgorithms(value: unknown, problems: string[]): JwtAlgorithm[] {
  const example = "e.g. algorithms: [\"RS256\"] (the algorithm your issuer signs with); Bulwark never takes it from the token.";
  if (value === undefined) {
    problems.push(`algorithms is required, ${example}`);
    return [];
  }
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`algorithms must be a non-empty list, ${example}`);
    return [];
  }
  const accepted: JwtAlgorithm[] = [];
  value.forEach((name: unknown, i) => {
    if (typeof name === "string" && name.trim().toLowerCase() === "none") {
      problems.push(`algorithms[${i}] is "${name}": "none" is never accepted in any letter case, as it would let anyone write unsigned tokens. Remove it.`);
    } else if (isJwtAlgorithm(name)) {
      if (!accepted.includes(name)) accepted.push(name);
    } else {
      const hint = typeof name === "string" ? closestName(name, JWT_ALGORITHM_NAMES) : undefined;
      problems.push(`algorithms[${i}] is not an accepted algorithm.${hint ? ` Did you mean "${hint}"?` : ""} Accepted: ${JWT_ALGORITHM_NAMES.join(", ")}.`);
    }
  });
  return accepted;
}
