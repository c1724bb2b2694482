/**
 * Who made a request, once an authenticator has established it.
 */

/** The kind of party behind a request. */
export type PrincipalKind = "user" | "service" | "apiKey";

/** The authenticated party of a request. */
export interface Principal {
  /** Stable identifier (token subject, API key id...). */
  readonly id: string;
  /** What kind of party this is. */
  readonly kind: PrincipalKind;
  /** Role names, for role checks. */
  readonly roles: readonly string[];
  /** Granted scopes, for scope checks. */
  readonly scopes: readonly string[];
  /** Verified claims or record attributes (tenant, email...). */
  readonly claims: Readonly<Record<string, unknown>>;
  /** Which authenticator established this principal (`jwt`, `apiKey`...). */
  readonly authMethod: string;
  /** When the user authenticated (seconds since the epoch), when known. */
  readonly authTime: number | undefined;
  /** Authentication methods references (RFC 8176), when known. */
  readonly amr: readonly string[];
  /** Authentication context class reference, when known. */
  readonly acr?: string | undefined;
}
