/**
 * `WWW-Authenticate` challenges (RFC 6750 §3, RFC 9470 §3). Values are built at startup, and every
 * parameter is reduced to the characters RFC 6750 allows inside its quoted strings, so no value can
 * break out of the header.
 */

/** Parameters of one challenge, in the order they are written. */
export type ChallengeParameters = Readonly<Record<string, string | number | undefined>>;

// RFC 6750 §3: error, error_description and scope values use %x20-21 / %x23-5B / %x5D-7E only.
const OUTSIDE_ALLOWED = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

/** `value` with every character RFC 6750 forbids in a quoted parameter removed. */
export function safeParameterValue(value: string): string {
  return value.replace(OUTSIDE_ALLOWED, "");
}

/** Builds one challenge, e.g. `Bearer realm="api", error="invalid_token"`. */
export function challenge(scheme: string, parameters: ChallengeParameters = {}): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(parameters)) {
    if (value === undefined) continue;
    parts.push(`${name}="${safeParameterValue(String(value))}"`);
  }
  return parts.length === 0 ? scheme : `${scheme} ${parts.join(", ")}`;
}
