/**
 * The example's API key table. Bulwark never sees or stores keys: the app keeps the records
 * (here in memory; in production in its database) and gives `apiKey()` a `lookup`.
 */
import { createApiKey, type ApiKeyRecord } from "@bulwark/express";

/** The prefix of this API's keys: people and secret scanners recognise `demo_...` as ours. */
export const API_KEY_PREFIX = "demo";

/** API key records by key id. */
export class ApiKeyTable {
  readonly #records = new Map<string, ApiKeyRecord[]>();

  /** Creates a key for `owner`; returns the key, to show once. Only its hash is kept. */
  issue(owner: string, scopes: readonly string[], expiresAt?: Date): string {
    const { key, record } = createApiKey({ prefix: API_KEY_PREFIX, principalId: owner, scopes, ...(expiresAt ? { expiresAt } : {}) });
    this.#records.set(record.id, [...(this.#records.get(record.id) ?? []), record]);
    return key;
  }

  /** Revokes every key with this id from now on. */
  revoke(id: string): void {
    const revokedAt = new Date().toISOString();
    this.#records.set(id, (this.#records.get(id) ?? []).map((record) => ({ ...record, revokedAt })));
  }

  /** The records of one key id: what `apiKey({ lookup })` needs. */
  find(id: string): readonly ApiKeyRecord[] | undefined {
    return this.#records.get(id);
  }
}
