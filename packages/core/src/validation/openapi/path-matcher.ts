/**
 * Finds the OpenAPI path template a request path belongs to, with templates compiled to regular
 * expressions once at startup. Concrete paths win over templated ones (as the specification asks),
 * server base paths are honoured, and path parameters come back decoded once. A path that matches
 * no template exactly is matched again ignoring letter case (and one trailing slash is always
 * ignored), as Express and @koa/router route by default, so that `/ORDERS/1/` is validated as the
 * `/orders/{id}` its handler serves.
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
}

/** A path that matched. */
export interface PathMatch<T> {
  readonly path: CompiledPath<T>;
  /** Decoded parameter values by name; `undefined` for one that is not valid percent-encoding. */
  readonly values: Readonly<Record<string, string | undefined>>;
}

/** Finds the template of a request path. */
export interface PathMatcher<T> {
  match(requestPath: string): PathMatch<T> | undefined;
}

const ESCAPE = /[.*+?^${}()|[\]\\]/g;

function compile<T>(template: string, item: T): CompiledPath<T> {
  const names: string[] = [];
  let literalSegments = 0;
  const segments = template.split("/").filter((s) => s !== "").map((segment) => {
    const parts = segment.split(/(\{[^{}]+\})/).filter((p) => p !== "");
    if (parts.every((p) => !p.startsWith("{"))) literalSegments++;
    return parts.map((p) => {
      if (p.startsWith("{") && p.endsWith("}")) {
        names.push(p.slice(1, -1));
        return "([^/]+?)";
      }
      return p.replace(ESCAPE, "\\$&");
    }).join("");
  });
  const source = `^/${segments.join("/")}$`;
  return { template, names, item, regex: new RegExp(source), anyCase: new RegExp(source, "i"), literalSegments };
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

  function matchWithin(path: string, exact: boolean): PathMatch<T> | undefined {
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
      return { path: candidate, values };
    }
    return undefined;
  }

  function matchUnder(path: string, exact: boolean): PathMatch<T> | undefined {
    for (const base of bases) {
      if (base.path === "") {
        const found = matchWithin(path, exact);
        if (found) return found;
        continue;
      }
      let prefix: number | undefined;
      if (exact) prefix = path === base.path || path.startsWith(`${base.path}/`) ? base.path.length : undefined;
      else prefix = base.anyCase.exec(path)?.[0].length;
      if (prefix === undefined) continue;
      const found = matchWithin(path.slice(prefix) || "/", exact);
      if (found) return found;
    }
    return undefined;
  }

  return {
    match(requestPath) {
      let path = requestPath.length > 1 && requestPath.endsWith("/") ? requestPath.slice(0, -1) : requestPath;
      if (path === "") path = "/";
      // Exactly first, so that templates differing only in case each keep their own paths.
      return matchUnder(path, true) ?? matchUnder(path, false);
    },
  };
}
