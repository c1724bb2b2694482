/**
 * The query string, parsed flat by the core (no nesting is ever built from names) and checked:
 * parameter count, name complexity, prototype member names, value length.
 */
import { SecurityError } from "../errors/security-error.js";
import type { QueryMap } from "../request/security-request.js";
import type { ResolvedTransportLimits } from "./limits.js";

type QueryLimits = Pick<ResolvedTransportLimits, "queryParams" | "queryKeyDepth" | "stringLength">;

// Names that reach Object.prototype when a nesting parser (qs and friends) expands a name.
const FORBIDDEN_SEGMENTS = new Set<string>([...Object.getOwnPropertyNames(Object.prototype), "prototype"]);
const SEGMENT_SPLIT = /[[\].]+/;

/** Parses and checks a raw query string (without the leading `?`). */
export function parseQuery(raw: string, limits: QueryLimits): QueryMap {
  const query: Record<string, string | string[]> = {};
  if (raw === "") return query;
  let count = 0;
  for (const [name, value] of new URLSearchParams(raw)) {
    if (++count > limits.queryParams) throw new SecurityError("TOO_MANY_KEYS", { detail: "The query string has too many parameters." });
    if (name === "") continue;
    assertSafeName(name, limits);
    if (value.length > limits.stringLength) throw new SecurityError("STRING_TOO_LONG");
    const previous = query[name];
    if (previous === undefined) query[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else query[name] = [previous as string, value];
  }
  return query;
}

/** Checks one parameter name (also used for urlencoded body fields). */
export function assertSafeName(name: string, limits: Pick<QueryLimits, "queryKeyDepth" | "stringLength">): void {
  if (name.length > limits.stringLength) throw new SecurityError("STRING_TOO_LONG");
  const segments = name.split(SEGMENT_SPLIT);
  let count = 0;
  for (const segment of segments) {
    if (segment === "") continue;
    if (FORBIDDEN_SEGMENTS.has(segment)) throw new SecurityError("FORBIDDEN_KEY");
    count++;
  }
  if (count > limits.queryKeyDepth) throw new SecurityError("QUERY_TOO_COMPLEX");
}
