/**
 * Finds the OpenAPI path template a request path belongs to, with templates compiled to regular
 * expressions once at startup. Concrete paths win over templated ones (as the specification asks),
 * server base paths are honoured, and path parameters come back decoded once. A path that matches
 * no template exactly is matched again ignoring letter case (and one trailing slash is always
 * ignored), as Express and @koa/router route by default, so that `/ORDERS/1/` is validated as the
 * `/orders/{id}` its handler serves.
 *
 * Where a path matches more than one template (`/orders/bulk` and `/orders/{id}` both match
 * `/orders/BULK`, or `/orders/bulk` itself on a router that took `/orders/:id` first), the
 * document alone cannot say which handler serves it: the framework's route template, when the
 * caller gives it, decides. A route that agrees with none of them leaves the path
 * {@link AMBIGUOUS}, so that no request is validated against an operation its handler is not.
 */

/** A compiled path template. */
export interface CompiledPath<T> {
  /** The template as written in the document, e.g. `/orders/{orderId}`. */
  readonly template: string;
  /** Parameter names in order. */
  readonly names: readonly string[];
  /** What the document declares for the path (its operations). */
  readonly item: T;
  readonly regex: RegExp;
  /** `regex` ignoring letter case, tried only when no template matches exactly. */
  readonly anyCase: RegExp;
  readonly literalSegments: number;
  /** Segments relative to the base path: a literal's text, or `undefined` for one with a parameter. */
  readonly segments: readonly (string | undefined)[];
  /** Set when another template of the document can match some path this one matches. */
  mayOverlap: boolean;
}

/** A path that matched. */
export interface PathMatch<T> {
  readonly path: CompiledPath<T>;
  /** Decoded parameter values by name; `undefined` for one that is not valid percent-encoding. */
  readonly values: Readonly<Record<string, string | undefined>>;
  /**
   * Set when other templates match the path too, so that the choice depends on the route given
   * (without one, the document's own preference chose).
   */
  readonly contested: boolean;
}

/** What {@link PathMatcher.match} answers when the path matches several templates and the route agrees with none. */
export const AMBIGUOUS: unique symbol = Symbol("bulwark.openapi.ambiguousPath");

/** Finds the template of a request path. */
export interface PathMatcher<T> {
  /**
   * The template of `requestPath`. `route` is the framework's template of the route that serves
   * it (`/orders/:id`, possibly without its router's mount prefix), when known: it settles a path
   * that several templates match.
   */
  match(requestPath: string, route?: unknown): PathMatch<T> | typeof AMBIGUOUS | undefined;
}

const ESCAPE = /[.*+?^${}()|[\]\\]/g;

function compile<T>(template: string, item: T): CompiledPath<T> {
  const names: string[] = [];
  let literalSegments = 0;
  const shape: (string | undefined)[] = [];
  const segments = template.split("/").filter((s) => s !== "").map((segment) => {
    const parts = segment.split(/(\{[^{}]+\})/).filter((p) => p !== "");
    const literal = parts.every((p) => !p.startsWith("{"));
    if (literal) literalSegments++;
    shape.push(literal ? segment : undefined);
    return parts.map((p) => {
      if (p.startsWith("{") && p.endsWith("}")) {
        names.push(p.slice(1, -1));
        return "([^/]+?)";
      }
      return p.replace(ESCAPE, "\\$&");
    }).join("");
  });
  const source = `^/${segments.join("/")}$`;
  return { template, names, item, regex: new RegExp(source), anyCase: new RegExp(source, "i"), literalSegments, segments: shape, mayOverlap: false };
}

/** True when some path could match both templates: as many segments, and no two literals that differ ignoring case. */
function overlap(a: CompiledPath<unknown>, b: CompiledPath<unknown>): boolean {
  if (a.segments.length !== b.segments.length) return false;
  return a.segments.every((segment, i) => {
    const other = b.segments[i];
    return segment === undefined || other === undefined || segment.toLowerCase() === other.toLowerCase();
  });
}

/** The segments of a framework route template: a literal's text, or `undefined` for one with a parameter or wildcard. */
function routeSegments(route: string): (string | undefined)[] {
  return route.split("/").filter((s) => s !== "").map((segment) => (/[:*({[?+\\]/.test(segment) ? undefined : segment));
}

/**
 * True when the framework's route has the template's shape, compared from the last segment back
 * (a router's route lacks the prefix it is mounted under): literals equal ignoring letter case,
 * parameters where the template has parameters.
 */
function routeAgrees(route: readonly (string | undefined)[], template: CompiledPath<unknown>): boolean {
  const { segments } = template;
  if (route.length === 0 || segments.length === 0) return route.length === segments.length;
  const count = Math.min(route.length, segments.length);
  for (let i = 1; i <= count; i++) {
    const mine = route[route.length - i];
    const theirs = segments[segments.length - i];
    if ((mine === undefined) !== (theirs === undefined)) return false;
    if (mine !== undefined && mine.toLowerCase() !== theirs!.toLowerCase()) return false;
  }
  return true;
}

/** A server base path, with its case-insensitive twin. */
interface BasePath {
  readonly path: string;
  readonly anyCase: RegExp;
}

/** The path part of each server URL (`/v1` in `https://api.example.com/v1`), variables at their defaults. */
export function serverBasePaths(servers: unknown): string[] {
  if (!Array.isArray(servers) || servers.length === 0) return [""];
  const bases = new Set<string>();
  for (const server of servers) {
    if (typeof server !== "object" || server === null || typeof (server as { url?: unknown }).url !== "string") continue;
    const variables = (server as { variables?: Record<string, { default?: unknown }> }).variables ?? {};
    const url = (server as { url: string }).url.replace(/\{([^{}]+)\}/g, (_, name: string) => String(variables[name]?.default ?? ""));
    let path = url;
    const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(url);
    if (scheme) path = url.slice(scheme[0].length);
    else if (url.startsWith("//")) path = url.slice(url.indexOf("/", 2) === -1 ? url.length : url.indexOf("/", 2));
    bases.add(path.replace(/\/+$/, ""));
  }
  return bases.size === 0 ? [""] : [...bases];
}

/** Builds a matcher over `paths` (template to item), under the given base paths. */
export function createPathMatcher<T>(paths: ReadonlyMap<string, T>, basePaths: readonly string[]): PathMatcher<T> {
  const compiled = [...paths].map(([template, item]) => compile(template, item));
  // Concrete before templated: more literal segments first, then fewer parameters.
  compiled.sort((a, b) => b.literalSegments - a.literalSegments || a.names.length - b.names.length);
  const bases: BasePath[] = [...basePaths].sort((a, b) => b.length - a.length)
    .map((path) => ({ path, anyCase: new RegExp(`^${path.replace(ESCAPE, "\\$&")}(?=/|$)`, "i") }));

  for (const [i, a] of compiled.entries()) {
    for (const b of compiled.slice(i + 1)) {
      if (!overlap(a, b)) continue;
      a.mayOverlap = true;
      b.mayOverlap = true;
    }
  }

  /** The first template matching `path` (relative to a base); with `all`, every one, added to it. */
  function matchWithin(path: string, exact: boolean, all?: PathMatch<T>[]): PathMatch<T> | undefined {
    for (const candidate of compiled) {
      const found = (exact ? candidate.regex : candidate.anyCase).exec(path);
      if (!found) continue;
      const values: Record<string, string | undefined> = {};
      candidate.names.forEach((name, i) => {
        try {
          values[name] = decodeURIComponent(found[i + 1]!);
        } catch {
          values[name] = undefined;
        }
      });
      const match = { path: candidate, values, contested: false };
      if (all === undefined) return match;
      if (!all.some((m) => m.path === candidate)) all.push(match);
    }
    return undefined;
  }

  function matchUnder(path: string, exact: boolean, all?: PathMatch<T>[]): PathMatch<T> | undefined {
    for (const base of bases) {
      if (base.path === "") {
        const found = matchWithin(path, exact, all);
        if (found) return found;
        continue;
      }
      let prefix: number | undefined;
      if (exact) prefix = path === base.path || path.startsWith(`${base.path}/`) ? base.path.length : undefined;
      else prefix = base.anyCase.exec(path)?.[0].length;
      if (prefix === undefined) continue;
      const found = matchWithin(path.slice(prefix) || "/", exact, all);
      if (found) return found;
    }
    return undefined;
  }

  return {
    match(requestPath, route) {
      let path = requestPath.length > 1 && requestPath.endsWith("/") ? requestPath.slice(0, -1) : requestPath;
      if (path === "") path = "/";
      // Exactly first, so that templates differing only in case each keep their own paths.
      const first = matchUnder(path, true) ?? matchUnder(path, false);
      if (first === undefined || (!first.path.mayOverlap && bases.length === 1)) return first;
      const all: PathMatch<T>[] = [];
      matchUnder(path, true, all);
      matchUnder(path, false, all);
      if (all.length < 2) return first;
      if (route === undefined) return { ...first, contested: true };
      // A route that is not a template (a regular expression) cannot settle it either.
      const shape = typeof route === "string" ? routeSegments(route) : undefined;
      const agreeing = shape === undefined ? undefined : all.find((m) => routeAgrees(shape, m.path));
      return agreeing === undefined ? AMBIGUOUS : { ...agreeing, contested: true };
    },
  };
}
