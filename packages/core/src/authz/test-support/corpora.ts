/**
 * TEST ONLY: reads the shared attack corpora (kept beside the repository, in `../shared/corpora`).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "pnpm-workspace.yaml"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("the repository root (pnpm-workspace.yaml) was not found above the tests");
    dir = parent;
  }
  return dir;
}

/** Parses one corpus file, e.g. `owasp-api-top10-2023.json`. */
export function readCorpus<T>(file: string): T {
  return JSON.parse(readFileSync(path.resolve(repositoryRoot(), "../shared/corpora", file), "utf8")) as T;
}
