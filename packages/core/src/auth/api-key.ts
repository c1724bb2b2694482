/**
 * `apiKey(options)`: the API key authenticator. The key comes from one configured header, never
 * from the URL; a malformed key or a wrong checksum is refused before any lookup; the app's
 * `lookup(id)` returns the record(s) for the key's id (several while a key is being rotated), and
 * the key's hash is compared with each in constant time. Expiry, revocation and scopes come from
 * the record.
 */
import { timingSafeEqual } from "node:crypto";
import type { Principal } from "../context/principal.js";
import { SecurityError } from "../errors/security-error.js";
import type { SecurityErrorCode } from "../errors/codes.js";
import { checkShape, isPlainObject, type Shape } from "../config/shape.js";
import { digestOfHash, digestOfKey, isApiKeyPrefix, parseApiKey } from "./api-key-format.js";
import type { Authenticator } from "./authenticator.js";
import { countRawHeader } from "./bearer-token.js";
import type { ApiKeyRecord } from "./create-api-key.js";
import { copyClaims } from "./jwt-principal.js";
import { challenge } from "./www-authenticate.js";

/** What `lookup` may return. */
export type ApiKeyLookupResult = ApiKeyRecord | readonly ApiKeyRecord[] | null | undefined;

/** Options of `apiKey()`. */
export interface ApiKeyOptions {
  /** The prefix(es) of the keys this API issues (see `createApiKey`). */
  readonly prefix: string | readonly string[];
  /** Finds the stored record(s) of a key id; several while a key's secret is rotated. */
  readonly lookup: (id: string) => ApiKeyLookupResult | Promise<ApiKeyLookupResult>;
  /** The header that carries the key. Default `x-api-key`. */
  readonly header?: string;
}

/** The name `apiKey()` principals carry in `principal.authMethod`. */
export const API_KEY_METHOD = "apiKey";
const FORBIDDEN_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "host"]);
const HEADER_NAME = /^[a-z0-9][a-z0-9-]*$/;
const SHAPE: Shape = { prefix: { kind: "any" }, lookup: { kind: "function" }, header: { kind: "string", minLength: 1 } };

/** Builds an API key authenticator, e.g. `apiKey({ prefix: "bwk", lookup: (id) => db.apiKeys.byId(id) })`. */
export function apiKey(options: ApiKeyOptions): Authenticator {
  const problems: string[] = [];
  if (!isPlainObject(options)) problems.push("apiKey(options) needs an options object, e.g. apiKey({ prefix: \"bwk\", lookup }).");
  else checkShape(options, SHAPE, "", problems);
  const given: Partial<ApiKeyOptions> = isPlainObject(options) ? options : {};
  const prefixes = typeof given.prefix === "string" ? [given.prefix] : Array.isArray(given.prefix) ? [...given.prefix] : [];
  if (prefixes.length === 0 || !prefixes.every(isApiKeyPrefix)) {
    problems.push("prefix must be the prefix of your keys (2 to 32 lower-case letters or digits, words joined by _), or a list of them, e.g. prefix: \"bwk\".");
  }
  if (typeof given.lookup !== "function") problems.push("lookup is required: a function (id) => record(s) of that key id, or undefined.");
  const header = (given.header ?? "x-api-key").toLowerCase();
  if (!HEADER_NAME.test(header)) problems.push("header must be a header name, e.g. header: \"x-api-key\".");
  else if (FORBIDDEN_HEADERS.has(header)) problems.push(`header cannot be "${header}": API keys go in a header of their own, e.g. header: "x-api-key".`);
  const queryNames = [...new Set([header, "api_key", "apikey", "api-key"])];
  const lookup = given.lookup!;
  const challengeValue = challenge("ApiKey", { header });
  const headers = Object.freeze({ "www-authenticate": challengeValue });
  const refuse = (code: SecurityErrorCode) => new SecurityError(code, { headers });
  const invalidRequest = (detail: string) => new SecurityError("AUTH_INVALID_REQUEST", { detail, headers });
  const urlDetail = `Send the API key in the ${header} header only, never in the URL.`;
  const duplicateDetail = `Send exactly one ${header} header.`;
  const frozenProblems = Object.freeze(problems);

  return {
    method: API_KEY_METHOD,
    challenge: challengeValue,
    setup() {
      return frozenProblems;
    },
    async authenticate(request, services) {
      if (frozenProblems.length > 0) throw new SecurityError("INTERNAL", { cause: new Error(frozenProblems.join(" ")) });
      for (const name of queryNames) if (Object.hasOwn(request.query, name)) throw invalidRequest(urlDetail);
      const value = request.headers[header];
      if (value === undefined) return undefined;
      if (typeof value !== "string" || countRawHeader(request.rawHeaders, header) > 1) throw invalidRequest(duplicateDetail);
      const parsed = parseApiKey(value, prefixes);
      if (parsed === undefined) throw refuse("AUTH_API_KEY_INVALID");
      let found: ApiKeyLookupResult;
      try {
        found = await lookup(parsed.id);
      } catch (cause) {
        // The key cannot be checked: refuse, and say so honestly.
        throw new SecurityError("SERVICE_UNAVAILABLE", { cause });
      }
      const records = found === null || found === undefined ? [] : Array.isArray(found) ? found : [found as ApiKeyRecord];
      const digest = digestOfKey(value);
      let match: ApiKeyRecord | undefined;
      let activeMatch: ApiKeyRecord | undefined;
      const now = services.now();
      // Every record is compared, each in constant time, whatever matched before.
      for (const record of records as readonly ApiKeyRecord[]) {
        // Records may be class instances (ORMs): any object with the fields will do.
        if (typeof record !== "object" || record === null || record.id !== parsed.id) continue;
        const stored = digestOfHash(record.hash);
        if (stored === undefined || !timingSafeEqual(stored, digest)) continue;
        match ??= record;
        if (activeMatch === undefined && stateOf(record, now) === "active") activeMatch = record;
      }
      if (activeMatch !== undefined) return principalOf(activeMatch);
      if (match === undefined) throw refuse("AUTH_API_KEY_INVALID");
      throw refuse(stateOf(match, now) === "revoked" ? "AUTH_API_KEY_REVOKED" : "AUTH_API_KEY_EXPIRED");
    },
  };
}

/** Whether a record is usable at `now`. An unreadable date counts against the key. */
function stateOf(record: ApiKeyRecord, now: number): "active" | "revoked" | "expired" {
  if (record.revokedAt !== undefined && record.revokedAt !== null) {
    const revokedAt = timeOf(record.revokedAt);
    if (revokedAt === undefined || revokedAt <= now) return "revoked";
  }
  if (record.expiresAt !== undefined && record.expiresAt !== null) {
    const expiresAt = timeOf(record.expiresAt);
    if (expiresAt === undefined || expiresAt <= now) return "expired";
  }
  return "active";
}

function timeOf(value: unknown): number | undefined {
  const time = value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : Number.NaN;
  return Number.isFinite(time) ? time : undefined;
}

function principalOf(record: ApiKeyRecord): Principal {
  const strings = (list: unknown): readonly string[] =>
    Object.freeze(Array.isArray(list) ? list.filter((item): item is string => typeof item === "string" && item !== "") : []);
  const extra = typeof record.claims === "object" && record.claims !== null ? record.claims : {};
  const claims = copyClaims({ ...extra, keyId: record.id });
  return Object.freeze({
    id: typeof record.principalId === "string" && record.principalId !== "" ? record.principalId : record.id,
    kind: "apiKey",
    roles: strings(record.roles),
    scopes: strings(record.scopes),
    claims,
    authMethod: API_KEY_METHOD,
    authTime: undefined,
    amr: Object.freeze([]),
    acr: undefined,
  });
}
