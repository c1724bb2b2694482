/**
 * Security response headers, computed once by helmet at startup and then replayed on every
 * response, so no request pays for building them.
 */
import helmet, { type HelmetOptions } from "helmet";
import { ConfigError } from "../errors/security-error.js";

/** Header changes to apply to every response. */
export interface SecurityHeaders {
  /** Headers to set, names in helmet's casing. */
  readonly set: readonly (readonly [string, string])[];
  /** Headers to remove (`X-Powered-By`). */
  readonly remove: readonly string[];
}

/**
 * Defaults tuned for a JSON API: a CSP that allows nothing (an API response is never a page),
 * no framing, HSTS for a year, no referrer; helmet's other defaults stay.
 */
export const API_HELMET_DEFAULTS: HelmetOptions = Object.freeze({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { "default-src": ["'none'"], "frame-ancestors": ["'none'"] },
  },
  referrerPolicy: { policy: "no-referrer" },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
}) as HelmetOptions;

/** Runs helmet once against a recording response and returns the header changes it made. */
export function computeSecurityHeaders(options: HelmetOptions | false | undefined): SecurityHeaders {
  if (options === false) return { set: [], remove: ["X-Powered-By"] };
  const merged = { ...API_HELMET_DEFAULTS, ...(options ?? {}) } as HelmetOptions;
  assertStaticDirectives(merged);
  const set: [string, string][] = [];
  const remove: string[] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      set.push([name, Array.isArray(value) ? value.join(", ") : String(value)]);
    },
    removeHeader(name: string) {
      remove.push(name);
    },
  };
  let failure: unknown;
  try {
    helmet(merged)({} as never, recorder as never, (error?: unknown) => {
      failure = error;
    });
  } catch (error) {
    failure = error;
  }
  if (failure !== undefined) {
    throw new ConfigError([`headers: helmet refused the options: ${(failure as Error).message ?? String(failure)}`]);
  }
  return { set: Object.freeze(set), remove: Object.freeze(remove) };
}

function assertStaticDirectives(options: HelmetOptions): void {
  const csp = options.contentSecurityPolicy;
  if (typeof csp !== "object" || csp === null || !csp.directives) return;
  for (const [name, value] of Object.entries(csp.directives)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((item) => typeof item === "function")) {
      throw new ConfigError([
        `headers.contentSecurityPolicy.directives.${name} holds a function; Bulwark builds headers once at startup, so give a fixed value.`,
      ]);
    }
  }
}
