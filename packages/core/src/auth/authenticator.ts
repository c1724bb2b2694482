/**
 * The contract every authenticator (JWT, API key, mTLS, webhook signature...) fulfils.
 */
import type { Principal } from "../context/principal.js";
import type { SecurityRequest } from "../request/security-request.js";
import type { SecurityStore } from "../store/store.js";

/** What the engine gives an authenticator at startup and on each request. */
export interface AuthenticatorServices {
  /** The configured store (memory unless one was given). */
  readonly store: SecurityStore;
  /** Milliseconds since the epoch; replaced by tests. */
  readonly now: () => number;
}

/**
 * Establishes who made a request from one kind of credential.
 *
 * `authenticate` returns `undefined` when the request carries no credential of this kind (so the
 * next authenticator is tried), a {@link Principal} when it carries a valid one, and throws a
 * `SecurityError` when it carries one that is present but invalid: that is a 401 at once.
 */
export interface Authenticator {
  /** Name of the method, recorded as `principal.authMethod` (`jwt`, `apiKey`...). */
  readonly method: string;
  /** `WWW-Authenticate` challenge sent when a route needs this kind of credential (e.g. `Bearer`). */
  readonly challenge?: string;
  /** Checks options against the services once, at `bulwark()` time; returns problems found. */
  setup?(services: AuthenticatorServices): readonly string[] | void;
  /** Authenticates one request. */
  authenticate(request: SecurityRequest, services: AuthenticatorServices): Promise<Principal | undefined> | Principal | undefined;
}
