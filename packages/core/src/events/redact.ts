/**
 * Redaction of values that must never leave in an event or a log line.
 */

const SECRET_NAME = /(pass(word)?|secret|token|authorization|cookie|api[-_]?key|credential|private|signature|session)/i;
const REDACTED = "[redacted]";
const MAX_DEPTH = 4;

/**
 * A copy of `detail` with every value under a secret-looking name replaced, long strings cut,
 * and nesting bounded. Never throws.
 */
export function redact(detail: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return redactObject(detail, 0);
}

function redactObject(value: Readonly<Record<string, unknown>>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, child] of Object.entries(value)) {
    if (name === "__proto__") continue;
    out[name] = SECRET_NAME.test(name) ? REDACTED : redactValue(child, depth + 1);
  }
  return out;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === "string") return looksLikeCredential(value) ? REDACTED : value.slice(0, 256);
  if (value === null || typeof value !== "object") return typeof value === "function" ? undefined : value;
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (Array.isArray(value)) return value.slice(0, 20).map((item) => redactValue(item, depth + 1));
  return redactObject(value as Record<string, unknown>, depth);
}

/** JWTs and bearer strings are recognisable by shape even under an innocent name. */
function looksLikeCredential(value: string): boolean {
  return /^(Bearer|Basic)\s/i.test(value) || /^eyJ[\w-]*\.[\w-]*\.?[\w-]*$/.test(value);
}
