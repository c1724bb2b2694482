/**
 * Keys found through OpenID Connect discovery: the issuer's `/.well-known/openid-configuration`
 * names its `jwks_uri`. The document must name the configured issuer exactly (OpenID Connect
 * Discovery §4.3) and a `jwks_uri` that obeys the https rule; it is fetched once, with the same
 * deadline, size bound and cooldown as the keys.
 */
import { fetchLimited } from "./fetch-limited.js";
import { KeySetMisconfiguredError, KeySetUnavailableError, type KeyResolver } from "./key-resolver.js";
import { remoteKeySet, type RemoteKeySetOptions } from "./remote-key-set.js";
import { checkRemoteUrl } from "./remote-url.js";

/** The discovery document's address for `issuer` (OpenID Connect Discovery §4). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
}

/** A key resolver that discovers the issuer's `jwks_uri` on first use. */
export function discoveredKeySet(issuer: string, options: RemoteKeySetOptions): KeyResolver {
  const documentUrl = discoveryUrl(issuer);
  let keys: KeyResolver | undefined;
  let pending: Promise<KeyResolver> | undefined;
  let lastAttempt = Number.NEGATIVE_INFINITY;

  async function discover(): Promise<KeyResolver> {
    const response = await fetchLimited(documentUrl, {
      signal: AbortSignal.timeout(Math.max(1, Math.round(options.timeoutMs))),
      headers: { accept: "application/json" },
    }, options.maxBytes);
    if (response.status !== 200) throw new KeySetUnavailableError(`OpenID discovery answered ${response.status}`);
    let document: unknown;
    try {
      document = JSON.parse(new TextDecoder().decode(response.body));
    } catch (cause) {
      throw new KeySetUnavailableError("OpenID discovery document is not JSON", { cause });
    }
    if (typeof document !== "object" || document === null || Array.isArray(document)) {
      throw new KeySetUnavailableError("OpenID discovery document is not a JSON object");
    }
    const fields = document as { issuer?: unknown; jwks_uri?: unknown };
    if (fields.issuer !== issuer) {
      throw new KeySetMisconfiguredError(`OpenID discovery document of ${documentUrl} names another issuer; the configured issuer must match its "issuer" exactly.`);
    }
    const checked = checkRemoteUrl(fields.jwks_uri, `the jwks_uri published at ${documentUrl}`);
    if (checked.problem !== undefined) throw new KeySetMisconfiguredError(checked.problem);
    return remoteKeySet(checked.url, options);
  }

  function resolve(): Promise<KeyResolver> {
    if (keys !== undefined) return Promise.resolve(keys);
    if (pending !== undefined) return pending;
    const now = Date.now();
    if (now - lastAttempt < options.cooldownMs) {
      return Promise.reject(new KeySetUnavailableError("OpenID discovery failed recently; waiting for the cooldown"));
    }
    lastAttempt = now;
    pending = discover().then(
      (found) => {
        keys = found;
        pending = undefined;
        return found;
      },
      (error: unknown) => {
        pending = undefined;
        if (error instanceof KeySetMisconfiguredError || error instanceof KeySetUnavailableError) throw error;
        throw new KeySetUnavailableError("OpenID discovery failed", { cause: error });
      },
    );
    return pending;
  }

  return async function discoveredKey(header, token) {
    const resolver = await resolve();
    return resolver(header, token);
  };
}
