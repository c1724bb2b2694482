/**
 * Content-type checks for request bodies: an allowlist of media types, UTF-8 only, and no
 * content coding (a compressed body could expand past every limit).
 */
import { SecurityError } from "../errors/security-error.js";
import type { HeaderMap } from "../request/security-request.js";

/** The body formats the core parses. */
export type BodyFormat = "json" | "urlencoded" | "other";

/** A content-type allowlist compiled once. */
export interface ContentTypeMatcher {
  /** The body format of an allowed media type; throws 415 for anything else. */
  check(headers: HeaderMap): BodyFormat;
}

/** True when the request announces a body (RFC 9112 §6.3). */
export function hasBody(headers: HeaderMap): boolean {
  if (headers["transfer-encoding"] !== undefined) return true;
  const length = headers["content-length"];
  return typeof length === "string" && length !== "0" && length.trim() !== "";
}

/** Compiles an allowlist of media types; `type/*+suffix` patterns are allowed. */
export function contentTypeMatcher(allowed: readonly string[]): ContentTypeMatcher {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of allowed) {
    const lower = entry.toLowerCase();
    const wildcard = /^([a-z0-9.-]+)\/\*\+([a-z0-9.-]+)$/.exec(lower);
    if (wildcard) suffixes.push(`${wildcard[1]}/`, `+${wildcard[2]}`);
    else exact.add(lower);
  }

  function allowedType(mediaType: string): boolean {
    if (exact.has(mediaType)) return true;
    for (let i = 0; i < suffixes.length; i += 2) {
      if (mediaType.startsWith(suffixes[i]!) && mediaType.endsWith(suffixes[i + 1]!)) return true;
    }
    return false;
  }

  return {
    check(headers) {
      const encoding = headers["content-encoding"];
      if (typeof encoding === "string" && encoding.trim().toLowerCase() !== "identity") {
        throw new SecurityError("UNSUPPORTED_MEDIA_TYPE", { detail: "Compressed request bodies are not accepted." });
      }
      const header = headers["content-type"];
      if (typeof header !== "string" || header.trim() === "") {
        throw new SecurityError("UNSUPPORTED_MEDIA_TYPE", { detail: "A request body needs a Content-Type header." });
      }
      const [rawType, ...parameters] = header.split(";");
      const mediaType = rawType!.trim().toLowerCase();
      if (!allowedType(mediaType)) throw new SecurityError("UNSUPPORTED_MEDIA_TYPE");
      for (const parameter of parameters) {
        const [name, value] = parameter.split("=");
        if (name?.trim().toLowerCase() === "charset") {
          const charset = (value ?? "").trim().replace(/^"|"$/g, "").toLowerCase();
          if (charset !== "utf-8" && charset !== "utf8") {
            throw new SecurityError("UNSUPPORTED_MEDIA_TYPE", { detail: "Request bodies must be encoded in UTF-8." });
          }
        }
      }
      if (mediaType === "application/json" || mediaType.endsWith("+json")) return "json";
      if (mediaType === "application/x-www-form-urlencoded") return "urlencoded";
      return "other";
    },
  };
}
