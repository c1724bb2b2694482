/**
 * Turns raw body bytes into the value the app sees, by format, with every transport check.
 */
import { SecurityError } from "../errors/security-error.js";
import type { BodyFormat } from "./content-type.js";
import { parseJsonText } from "./json-guard.js";
import type { ResolvedTransportLimits } from "./limits.js";
import { parseQuery } from "./query.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes strict UTF-8 (a leading BOM is dropped); invalid bytes are a 400. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch (error) {
    throw new SecurityError("MALFORMED_BODY", { detail: "The request body is not valid UTF-8.", cause: error });
  }
}

/** Parses a body of the given format. An empty JSON body is malformed JSON. */
export function parseBody(bytes: Uint8Array, format: BodyFormat, limits: ResolvedTransportLimits): unknown {
  if (format === "other") return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = decodeUtf8(bytes);
  if (format === "json") return parseJsonText(text, limits);
  const fields = parseQuery(text, { ...limits, queryParams: limits.objectKeys });
  if (Object.keys(fields).length === 0 && text.trim() !== "") throw new SecurityError("MALFORMED_BODY");
  return fields;
}
