/**
 * Loads the shared attack and conformance corpora, kept beside the repository in
 * `../shared/corpora/` (or wherever BULWARK_CORPORA points). Every test reads them through here.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** The repository root (the folder holding pnpm-workspace.yaml). */
export function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "pnpm-workspace.yaml"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("the repository root (pnpm-workspace.yaml) was not found above the tests");
    dir = parent;
  }
  return dir;
}

/** The folder holding the corpora. */
export const CORPORA_DIR = process.env.BULWARK_CORPORA ?? path.resolve(repositoryRoot(), "../shared/corpora");

/** Reads one corpus file as JSON. */
export function loadCorpus<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(path.join(CORPORA_DIR, name), "utf8")) as T;
}
