/**
 * `createApiKey({ prefix })`: a new API key to show once, and the record to store. The record
 * holds a hash of the key, never the key or its secret.
 */
import { ConfigError } from "../errors/security-error.js";
import { formatApiKey, hashApiKey, isApiKeyId, isApiKeyPrefix, randomBase62, API_KEY_ID_LENGTH, API_KEY_SECRET_LENGTH } from "./api-key-format.js";

/** What the app stores for one API key (it may add fields of its own). */
export interface ApiKeyRecord {
  /** The key's id (public; the part `lookup` receives). */
  readonly id: string;
  /** The key's prefix. */
  readonly prefix?: string;
  /** `sha256:` and the base64url SHA-256 of the whole key. */
  readonly hash: string;
  /** Who the key acts for (`principal.id`); the key id when absent. */
  readonly principalId?: string;
  /** Scopes the key grants. */
  readonly scopes?: readonly string[];
  /** Roles the key grants. */
  readonly roles?: readonly string[];
  /** When the key was created (ISO 8601). */
  readonly createdAt?: string | Date;
  /** When the key stops working (ISO 8601 or Date); never when absent. */
  readonly expiresAt?: string | Date | null;
  /** When the key was revoked (ISO 8601 or Date); a revoked key never works again. */
  readonly revokedAt?: string | Date | null;
  /** Further attributes, exposed as `principal.claims` (besides `keyId`). */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** Options of {@link createApiKey}. */
export interface CreateApiKeyOptions {
  /** Recognisable prefix, e.g. `"bwk"` or `"acme_live"` (lower-case letters, digits, `_`). */
  readonly prefix: string;
  /** Reuse an existing key's id to rotate its secret (both keys then share the id). */
  readonly id?: string;
  /** Who the key acts for. */
  readonly principalId?: string;
  /** Scopes the key grants. */
  readonly scopes?: readonly string[];
  /** Roles the key grants. */
  readonly roles?: readonly string[];
  /** When the key stops working. */
  readonly expiresAt?: Date;
  /** Creation time; now when absent. */
  readonly now?: Date;
}

/** A new key and its record. */
export interface CreatedApiKey {
  /** The key: show it once, never store it. */
  readonly key: string;
  /** The record to store. */
  readonly record: ApiKeyRecord;
}

/** Creates a new API key and the record to store for it. */
export function createApiKey(options: CreateApiKeyOptions): CreatedApiKey {
  const problems: string[] = [];
  if (!isApiKeyPrefix(options?.prefix)) {
    problems.push("createApiKey prefix must be 2 to 32 lower-case letters or digits, words joined by _, e.g. prefix: \"bwk\" or \"acme_live\".");
  }
  if (options?.id !== undefined && !isApiKeyId(options.id)) {
    problems.push(`createApiKey id must be an existing key's id (${API_KEY_ID_LENGTH} letters and digits); leave it out for a new key.`);
  }
  if (options?.expiresAt !== undefined && !(options.expiresAt instanceof Date && Number.isFinite(options.expiresAt.getTime()))) {
    problems.push("createApiKey expiresAt must be a valid Date.");
  }
  for (const name of ["scopes", "roles"] as const) {
    const list = options?.[name];
    if (list !== undefined && (!Array.isArray(list) || list.some((item) => typeof item !== "string" || item === ""))) {
      problems.push(`createApiKey ${name} must be a list of non-empty strings.`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, "createApiKey options");
  const id = options.id ?? randomBase62(API_KEY_ID_LENGTH);
  const key = formatApiKey(options.prefix, id, randomBase62(API_KEY_SECRET_LENGTH));
  const record: ApiKeyRecord = Object.freeze({
    id,
    prefix: options.prefix,
    hash: hashApiKey(key),
    ...(options.principalId === undefined ? {} : { principalId: options.principalId }),
    scopes: Object.freeze([...(options.scopes ?? [])]),
    roles: Object.freeze([...(options.roles ?? [])]),
    createdAt: (options.now ?? new Date()).toISOString(),
    ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt.toISOString() }),
  });
  return { key, record };
}
