/**
 * TEST ONLY: the repository root, and the shared corpora kept beside it (`../shared/corpora`).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** The repository root (where `pnpm-workspace.yaml` is). */
export function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "pnpm-workspace.yaml"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("the repository root (pnpm-workspace.yaml) was not found above the tests");
    dir = parent;
  }
  return dir;
}

/** Parses one corpus file, e.g. `http-standards.json`. */
export function readCorpus<T>(file: string): T {
  return JSON.parse(readFileSync(path.resolve(repositoryRoot(), "../shared/corpora", file), "utf8")) as T;
}

/** The IETF RateLimit header fields entry of `http-standards.json`. */
export interface RateLimitHeadersCorpus {
  readonly latest_draft10: { readonly examples: readonly string[]; readonly serverRules: readonly string[] };
  readonly acceptance: readonly string[];
}

/** Reads the RateLimit header fields corpus. */
export function rateLimitHeadersCorpus(): RateLimitHeadersCorpus {
  return readCorpus<{ rateLimitHeaders: RateLimitHeadersCorpus }>("http-standards.json").rateLimitHeaders;
}
