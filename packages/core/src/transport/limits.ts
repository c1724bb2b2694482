/**
 * Transport limits: what a request may weigh before any of it reaches the app.
 */

/** Transport limits. Every one has a safe default. */
export interface TransportLimits {
  /** Largest body in bytes (413 past it). Default 102,400 (100 KiB). */
  bodyBytes?: number;
  /** Deepest nesting of objects and arrays in a JSON body (400). Default 32. */
  jsonDepth?: number;
  /** Longest array in a body (400). Default 1,000. */
  arrayLength?: number;
  /** Most properties in one object of a body (400). Default 1,000. */
  objectKeys?: number;
  /** Longest string in a body, in characters (400). Default 65,536. */
  stringLength?: number;
  /** Most query parameters (400). Default 100. */
  queryParams?: number;
  /** Most bracket or dot segments in one query parameter name (400). Default 5. */
  queryKeyDepth?: number;
  /** Longest request target (path plus query) in characters (414). Default 8,192. */
  urlLength?: number;
  /**
   * Media types a request body may have (415 for others). Default `application/json`,
   * `application/*+json` and `application/x-www-form-urlencoded`.
   */
  contentTypes?: readonly string[];
}

/** Limits with every default filled in. */
export type ResolvedTransportLimits = Required<TransportLimits>;

/** The default transport limits. */
export const DEFAULT_LIMITS: Readonly<ResolvedTransportLimits> = Object.freeze({
  bodyBytes: 100 * 1024,
  jsonDepth: 32,
  arrayLength: 1_000,
  objectKeys: 1_000,
  stringLength: 65_536,
  queryParams: 100,
  queryKeyDepth: 5,
  urlLength: 8_192,
  contentTypes: Object.freeze(["application/json", "application/*+json", "application/x-www-form-urlencoded"]),
});

/** Fills in defaults; a route's limits start from the global ones. */
export function resolveLimits(limits: TransportLimits | undefined, base: ResolvedTransportLimits = DEFAULT_LIMITS): ResolvedTransportLimits {
  return { ...base, ...(limits ?? {}) } as ResolvedTransportLimits;
}
