/**
 * Test support: reads the shared security corpora from `../shared/corpora/` next to the repository.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "pnpm-workspace.yaml"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("repository root not found");
    dir = parent;
  }
  return dir;
}

/** Parses one corpus file. */
export function loadCorpus<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(path.resolve(repositoryRoot(), "../shared/corpora", name), "utf8")) as T;
}
