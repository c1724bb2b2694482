/**
 * Keys from a remote JWKS URL: jose's `createRemoteJWKSet`, wrapped so that two of its behaviours
 * cannot hurt the server.
 *
 * Measured against a real JWKS server (jose 6.2): while the server answers, jose refetches at most
 * once per cooldown however many unknown `kid`s arrive. But a failed fetch does not start the
 * cooldown, so once the server is down every token with an unknown `kid` makes another request to
 * it; and once `cacheMaxAge` has passed, a failed refresh fails every token, even those whose key
 * was cached. The wrapper therefore:
 * - allows at most one network attempt per cooldown, failed or not (through jose's `customFetch`);
 * - keeps the last key set that was fetched successfully and answers from it whenever a refresh
 *   fails, so a JWKS that goes down leaves the cached keys working, for `maxStaleMs` past
 *   `cacheMaxAgeMs` (a key the identity provider withdrew during a long outage stops working then);
 * - bounds the response body.
 */
import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, type JSONWebKeySet } from "jose";
import { fetchLimited } from "./fetch-limited.js";
import { KeySetUnavailableError, type KeyResolver } from "./key-resolver.js";

/** How a remote key set is fetched and cached. */
export interface RemoteKeySetOptions {
  /** Least time between two network attempts, in milliseconds. */
  readonly cooldownMs: number;
  /** How long fetched keys count as fresh, in milliseconds (a refresh is tried after). */
  readonly cacheMaxAgeMs: number;
  /** How long past `cacheMaxAgeMs` the last keys fetched still answer while refreshes fail, in milliseconds. */
  readonly maxStaleMs: number;
  /** Deadline of one fetch, in milliseconds. */
  readonly timeoutMs: number;
  /** Largest accepted response body, in bytes. */
  readonly maxBytes: number;
}

class CoolingDownError extends Error {
  constructor() {
    super("key set fetched recently; waiting for the cooldown");
    this.name = "CoolingDownError";
  }
}

// Statuses whose response may not have a body (the Response constructor refuses one).
const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/** A key resolver over the JWKS at `url`. */
export function remoteKeySet(url: URL, options: RemoteKeySetOptions): KeyResolver {
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let lastGood: ReturnType<typeof createLocalJWKSet> | undefined;
  let lastGoodAt = Number.NEGATIVE_INFINITY;

  async function gatedFetch(href: string, init: { headers: Headers; signal: AbortSignal }): Promise<Response> {
    const now = Date.now();
    if (now - lastAttempt < options.cooldownMs) throw new CoolingDownError();
    lastAttempt = now;
    const response = await fetchLimited(href, { signal: init.signal, headers: init.headers }, options.maxBytes);
    if (response.status === 200) rememberLastGood(response.body);
    const body = NULL_BODY_STATUS.has(response.status) ? null : response.body;
    return new Response(body, { status: response.status, headers: response.headers });
  }

  function rememberLastGood(body: Uint8Array): void {
    try {
      lastGood = createLocalJWKSet(JSON.parse(new TextDecoder().decode(body)) as JSONWebKeySet);
      lastGoodAt = Date.now();
    } catch {
      // jose rejects the same document; the previous good set stays.
    }
  }

  const remote = createRemoteJWKSet(url, {
    cooldownDuration: options.cooldownMs,
    cacheMaxAge: options.cacheMaxAgeMs,
    timeoutDuration: Math.max(1, Math.round(options.timeoutMs)),
    [customFetch]: gatedFetch,
  });

  return async function remoteKey(header, token) {
    try {
      return await remote(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported) throw error;
      // The refresh failed or is cooling down: answer from the last good set while it is not too old.
      if (lastGood !== undefined && Date.now() - lastGoodAt <= options.cacheMaxAgeMs + options.maxStaleMs) return lastGood(header, token);
      throw new KeySetUnavailableError("the JSON Web Key Set could not be fetched", { cause: error });
    }
  };
}
