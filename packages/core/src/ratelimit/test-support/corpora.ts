/**
 * TEST ONLY: the repository root, and the shared corpora kept beside it (`../shared/corpora`).
 */
import { loadCorpus as readCorpus } from "../../../../../test/support/corpora.js";

export { readCorpus };
export { repositoryRoot } from "../../../../../test/support/corpora.js";

/** The IETF RateLimit header fields entry of `http-standards.json`. */
export interface RateLimitHeadersCorpus {
  readonly latest_draft10: { readonly examples: readonly string[]; readonly serverRules: readonly string[] };
  readonly acceptance: readonly string[];
}

/** Reads the RateLimit header fields corpus. */
export function rateLimitHeadersCorpus(): RateLimitHeadersCorpus {
  return readCorpus<{ rateLimitHeaders: RateLimitHeadersCorpus }>("http-standards.json").rateLimitHeaders;
}
