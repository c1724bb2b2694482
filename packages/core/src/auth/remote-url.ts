/**
 * The rule for every URL Bulwark fetches keys or metadata from: https, or plain http on a loopback
 * host only (for development and tests); never credentials in the URL.
 */

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["127.0.0.1", "[::1]", "localhost"]);

/** The parsed URL, or the problem that makes `value` unacceptable as a key source. */
export function checkRemoteUrl(value: unknown, name: string): { url: URL; problem?: undefined } | { url?: undefined; problem: string } {
  if (typeof value !== "string" || value === "") return { problem: `${name} must be an https URL, e.g. "https://id.example.com/.well-known/jwks.json".` };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `${name} is not a valid URL; write a full https URL, e.g. "https://id.example.com/.well-known/jwks.json".` };
  }
  if (url.username !== "" || url.password !== "") {
    return { problem: `${name} must not contain credentials; remove the user and password part.` };
  }
  if (url.protocol === "https:") return { url };
  if (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)) return { url };
  if (url.protocol === "http:") {
    return { problem: `${name} must use https: plain http is accepted only on 127.0.0.1, ::1 or localhost. Write "https://${url.host}${url.pathname}".` };
  }
  return { problem: `${name} must be an https URL, not ${url.protocol}.` };
}
