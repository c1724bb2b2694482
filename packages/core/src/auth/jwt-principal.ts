/**
 * From verified claims to the principal: subject, kind, roles and scopes from configurable claims
 * (`scope` string, `scp` array, nested paths such as Keycloak's `realm_access.roles`), and the
 * authentication facts step-up needs (`acr`, `amr`, `auth_time`). Claims are copied into a
 * null-prototype object, own properties only, so a `__proto__` claim stays a plain value.
 */
import type { Principal, PrincipalKind } from "../context/principal.js";
import { claimReader, isClaimPath, type ClaimReader } from "./claim-path.js";
import { TokenRejection } from "./jwt-errors.js";

/** How `jwt()` reads the principal from the claims. */
export interface JwtClaimsOptions {
  /**
   * Claim holding the principal id. Default `sub`. A token without it is refused, except with the
   * default `sub`: a client-credentials token without `sub` is the service named by its
   * `client_id` (or `azp`).
   */
  readonly subject?: string;
  /** Claims (names or dotted paths) holding roles, merged. Default `["roles"]`. */
  readonly roles?: string | readonly string[];
  /** Claims (names or dotted paths) holding scopes, merged. Default `["scope", "scp"]`. */
  readonly scopes?: string | readonly string[];
  /**
   * Whether the token stands for a user or a service (client credentials). The default says
   * `service` when `gty` is `client-credentials`, `idtyp` is `app`, there is no subject, or the
   * subject equals `client_id` (RFC 9068 §2.2); otherwise `user`. A token without `sub` that is
   * named by its client is refused when this says `user`.
   */
  readonly kind?: (claims: Readonly<Record<string, unknown>>) => "user" | "service";
}

/** The compiled mapping. */
export interface ClaimsMapping {
  readonly subject: ClaimReader;
  /** True with the default `sub` subject: a token without `sub` is then named by its client. */
  readonly clientFallback: boolean;
  readonly roles: readonly ListClaim[];
  readonly scopes: readonly ListClaim[];
  readonly kind: (claims: Readonly<Record<string, unknown>>) => "user" | "service";
}

interface ListClaim {
  readonly read: ClaimReader;
  /** `scope` is a space-separated string only (RFC 8693 §4.2, RFC 9068 §2.2.3). */
  readonly stringOnly: boolean;
}

const MAX_ID_LENGTH = 1024;

/** Compiles the claims options, pushing problems. */
export function compileClaimsMapping(options: JwtClaimsOptions | undefined, problems: string[]): ClaimsMapping {
  const subjectPath = options?.subject ?? "sub";
  if (!isClaimPath(subjectPath)) problems.push("claims.subject must be a claim name, e.g. \"sub\".");
  const list = (value: string | readonly string[] | undefined, fallback: readonly string[], name: string): ListClaim[] => {
    const paths = value === undefined ? fallback : typeof value === "string" ? [value] : value;
    if (!Array.isArray(paths) || !paths.every(isClaimPath)) {
      problems.push(`claims.${name} must be a claim name or path, or a list of them, e.g. ["${name === "roles" ? "realm_access.roles" : "scope"}"].`);
      return [];
    }
    return paths.map((path) => ({ read: claimReader(path), stringOnly: path === "scope" }));
  };
  if (options?.kind !== undefined && typeof options.kind !== "function") problems.push("claims.kind must be a function (claims) => \"user\" | \"service\".");
  return {
    subject: claimReader(isClaimPath(subjectPath) ? subjectPath : "sub"),
    clientFallback: subjectPath === "sub",
    roles: list(options?.roles, ["roles"], "roles"),
    scopes: list(options?.scopes, ["scope", "scp"], "scopes"),
    kind: typeof options?.kind === "function" ? options.kind : defaultKind,
  };
}

/** The default user-or-service rule (see {@link JwtClaimsOptions.kind}). */
export function defaultKind(claims: Readonly<Record<string, unknown>>): "user" | "service" {
  if (claims.gty === "client-credentials" || claims.idtyp === "app") return "service";
  const subject = claims.sub;
  if (typeof subject !== "string" || subject === "") return "service";
  const clientId = Object.hasOwn(claims, "client_id") ? claims.client_id : undefined;
  return typeof clientId === "string" && clientId === subject ? "service" : "user";
}

/** A frozen null-prototype copy of the own enumerable properties of `claims`. */
export function copyClaims(claims: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  // Not Object.create(null): V8 keeps such objects in dictionary mode, where every later claim
  // read is a hash lookup. An empty literal given a null prototype keeps fast properties, and
  // with no prototype a "__proto__" claim is stored as an own property like any other.
  const copy = Object.setPrototypeOf({}, null) as Record<string, unknown>;
  for (const name of Object.keys(claims)) copy[name] = claims[name];
  // Nested values too: a cached token's claims are shared by every request that presents it, so a
  // handler changing `claims.realm_access.roles` must not change what the next request sees.
  freezeNested(Object.values(copy));
  return Object.freeze(copy);
}

/** Freezes every object and array under `values` (the verified payload's own, fresh from parsing). */
function freezeNested(values: unknown[]): void {
  const pending = values;
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== "object" || value === null || Object.isFrozen(value)) continue;
    Object.freeze(value);
    pending.push(...Object.values(value));
  }
}

/** Builds the principal of a verified token; throws {@link TokenRejection} for a malformed claim. */
export function principalFromClaims(verified: Readonly<Record<string, unknown>>, mapping: ClaimsMapping): Principal {
  const claims = copyClaims(verified);
  let id = mapping.subject(claims);
  // Only a token with no `sub` at all, under the default mapping, is a client-credentials token
  // named by its client (claims has no prototype to read from). A token without a configured
  // subject claim is refused: given its client's id, all such users would share one identity.
  const namedByClient = id === undefined && mapping.clientFallback;
  if (namedByClient) id = claims.client_id ?? claims.azp;
  if (typeof id !== "string" || id === "" || id.length > MAX_ID_LENGTH) throw new TokenRejection("AUTH_CLAIM_INVALID");
  const kind: PrincipalKind = mapping.kind(claims);
  if (kind !== "user" && kind !== "service") throw new TypeError("jwt claims.kind must return \"user\" or \"service\".");
  // A custom claims.kind may call it a user; a client's id never names a user.
  if (namedByClient && kind === "user") throw new TokenRejection("AUTH_CLAIM_INVALID");
  const amr = Object.hasOwn(claims, "amr") ? claims.amr : undefined;
  if (amr !== undefined && !isStringArray(amr)) throw new TokenRejection("AUTH_CLAIM_INVALID");
  const acr = Object.hasOwn(claims, "acr") ? claims.acr : undefined;
  if (acr !== undefined && typeof acr !== "string") throw new TokenRejection("AUTH_CLAIM_INVALID");
  const authTime = Object.hasOwn(claims, "auth_time") ? claims.auth_time : undefined;
  if (authTime !== undefined && !(typeof authTime === "number" && Number.isFinite(authTime))) throw new TokenRejection("AUTH_CLAIM_INVALID");
  return Object.freeze({
    id,
    kind,
    roles: Object.freeze(collect(claims, mapping.roles)),
    scopes: Object.freeze(collect(claims, mapping.scopes)),
    claims,
    authMethod: "jwt",
    authTime,
    amr: Object.freeze(amr === undefined ? [] : [...amr]),
    acr,
  });
}

function collect(claims: Readonly<Record<string, unknown>>, sources: readonly ListClaim[]): string[] {
  const found = new Set<string>();
  for (const source of sources) {
    const value = source.read(claims);
    if (value === undefined) continue;
    if (typeof value === "string") {
      for (const item of value.split(" ")) if (item !== "") found.add(item);
    } else if (!source.stringOnly && isStringArray(value)) {
      for (const item of value) if (item !== "") found.add(item);
    } else {
      // A list claim of the wrong type is a malformed token, not an empty list.
      throw new TokenRejection("AUTH_CLAIM_INVALID");
    }
  }
  return [...found];
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}
