/**
 * A whole URL for an `href` or `src` attribute: allowlisted schemes only (http, https, mailto by
 * default) and same-site relative paths, judged both as written and after HTML-entity decoding;
 * anything else becomes a harmless fallback. Encode the result with `encodeHtmlAttribute`.
 */
import { decodeHTML } from "entities";

/** What {@link safeUrl} accepts. */
export interface SafeUrlOptions {
  /** Allowed schemes, lower case, without the colon. Default `["https", "http", "mailto"]`. */
  readonly schemes?: readonly string[];
  /** Accept relative references (`/path`, `page?x=1`, `#anchor`). Default `true`. */
  readonly relative?: boolean;
  /** Returned for a URL that is not safe. Default `"about:blank"`. */
  readonly fallback?: string;
}

const DEFAULT_SCHEMES: readonly string[] = Object.freeze(["https", "http", "mailto"]);
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
// Controls, whitespace and backslashes: browsers strip or reinterpret them inside URLs.
const AMBIGUOUS = /[\u0000-\u0020\u007F-\u009F\u00A0\u1680\u2000-\u200B\u2028\u2029\u202F\u205F\u3000\uFEFF\\]/;
const HIERARCHICAL = new Set(["http", "https", "ws", "wss", "ftp"]);

function acceptable(url: string, schemes: readonly string[], relative: boolean): boolean {
  if (url === "" || AMBIGUOUS.test(url)) return false;
  const scheme = SCHEME.exec(url);
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    if (!schemes.includes(name)) return false;
    if (HIERARCHICAL.has(name) && !url.slice(scheme[0].length).startsWith("//")) return false;
    try {
      new URL(url);
      return true;
    } catch {
      return false;
    }
  }
  if (!relative || url.startsWith("//")) return false;
  // A colon before the first "/", "?" or "#" would be read as a scheme by some parsers.
  const firstDelimiter = url.search(/[/?#]/);
  const colon = url.indexOf(":");
  return colon === -1 || (firstDelimiter !== -1 && colon > firstDelimiter);
}

/** `url` when it is safe to use as a link or resource address, otherwise the fallback. */
export function safeUrl(url: unknown, options: SafeUrlOptions = {}): string {
  const fallback = options.fallback ?? "about:blank";
  if (typeof url !== "string") return fallback;
  const schemes = options.schemes ?? DEFAULT_SCHEMES;
  const relative = options.relative ?? true;
  const decoded = decodeHTML(url);
  return acceptable(url, schemes, relative) && acceptable(decoded, schemes, relative) ? url : fallback;
}
