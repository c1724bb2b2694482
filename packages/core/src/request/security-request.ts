/**
 * The normalised request every adapter builds from its framework's request. The core reads only
 * this shape, so it never needs to know which framework it runs in.
 */

/** Request headers with lower-case names, as Node delivers them. */
export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

/** A parsed query string: each name maps to its value, or to every value when repeated. */
export type QueryMap = Readonly<Record<string, string | readonly string[]>>;

/** The framework-neutral request the core works on. */
export interface SecurityRequest {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The request target as received: path plus query string. */
  readonly url: string;
  /** The path without the query string, as received (not decoded). */
  readonly path: string;
  /** The route template (`/orders/:id`) once the framework matched one. */
  route: string | undefined;
  /** Request headers with lower-case names. */
  readonly headers: HeaderMap;
  /** Raw header lines `[name, value, name, value...]`, to see duplicates Node folded away. */
  readonly rawHeaders: readonly string[];
  /** Path parameters once the framework matched a route. */
  params: Readonly<Record<string, string>>;
  /** The query string, parsed by the core (flat, no nesting). */
  query: QueryMap;
  /** The parsed body; `undefined` when the request has none. */
  body: unknown;
  /** The TCP peer address. */
  readonly remoteAddress: string | undefined;
  /** True when the connection itself is TLS. */
  readonly encrypted: boolean;
}
