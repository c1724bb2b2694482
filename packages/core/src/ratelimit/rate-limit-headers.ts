/**
 * The rate-limit header fields: the IETF draft's `RateLimit-Policy` and `RateLimit` (draft 10:
 * Structured Field lists of named policies, `q`/`w` and `r`/`t`), and on option the older
 * `RateLimit-Limit/Remaining/Reset` (draft 6) or the de-facto `X-RateLimit-*` fields.
 */
import type { LegacyRateLimitHeaders } from "./rate-limit-options.js";

/** How one limit stands after a request. */
export interface LimitOutcome {
  /** Policy name. */
  readonly name: string;
  /** The `RateLimit-Policy` item of the limit as it stands now (`"name";q=10;w=60`). */
  readonly policyItem: string;
  /** Points per window as it stands now. */
  readonly quota: number;
  /** Points left in the window. */
  readonly remaining: number;
  /** Milliseconds until the window (or block) ends; negative when unknown. */
  readonly resetMs: number;
  /** True when this limit refused the request. */
  readonly limited: boolean;
}

/** Computes the header fields of a request's limits. */
export type HeaderBuilder = (outcomes: readonly LimitOutcome[]) => Record<string, string>;

/** The `RateLimit-Policy` item of a limit (a Structured Field string plus parameters). */
export function policyItem(name: string, quota: number, windowSeconds: number): string {
  return `"${name}";q=${quota};w=${windowSeconds}`;
}

/** Whole seconds until `ms` have passed, at least 1 (for `Retry-After`). */
export function secondsUntil(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** Builds the header builder for the configured fields. */
export function headerBuilder(current: boolean, legacy: LegacyRateLimitHeaders | false): HeaderBuilder {
  return (outcomes) => {
    const headers: Record<string, string> = {};
    if (outcomes.length === 0) return headers;
    if (current) {
      let policy = "";
      let state = "";
      for (const outcome of outcomes) {
        const separator = policy === "" ? "" : ", ";
        policy += separator + outcome.policyItem;
        state += `${separator}"${outcome.name}";r=${outcome.remaining}` + (outcome.resetMs >= 0 ? `;t=${Math.ceil(outcome.resetMs / 1000)}` : "");
      }
      headers["RateLimit-Policy"] = policy;
      headers["RateLimit"] = state;
    }
    if (legacy !== false) {
      const tightest = mostRestrictive(outcomes);
      const reset = Math.max(0, Math.ceil(tightest.resetMs / 1000));
      if (legacy === "draft-6") {
        headers["RateLimit-Limit"] = String(tightest.quota);
        headers["RateLimit-Remaining"] = String(tightest.remaining);
        headers["RateLimit-Reset"] = String(reset);
      } else {
        headers["X-RateLimit-Limit"] = String(tightest.quota);
        headers["X-RateLimit-Remaining"] = String(tightest.remaining);
        headers["X-RateLimit-Reset"] = String(Math.ceil((Date.now() + Math.max(0, tightest.resetMs)) / 1000));
      }
    }
    return headers;
  };
}

/** The limit with the fewest points left (the longest wait among equals): the one single-limit fields describe. */
function mostRestrictive(outcomes: readonly LimitOutcome[]): LimitOutcome {
  let tightest = outcomes[0]!;
  for (const outcome of outcomes) {
    if (outcome.remaining < tightest.remaining || (outcome.remaining === tightest.remaining && outcome.resetMs > tightest.resetMs)) {
      tightest = outcome;
    }
  }
  return tightest;
}
