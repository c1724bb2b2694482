/**
 * Loads the shared attack and conformance corpora (kept beside the repository, in
 * `../shared/corpora/`, or wherever BULWARK_CORPORA points).
 */
import { readFileSync } from "node:fs";
import path from "node:path";

/** The folder holding the corpora. */
export const CORPORA_DIR = process.env.BULWARK_CORPORA ?? path.resolve(__dirname, "../../../shared/corpora");

/** Reads one corpus file as JSON. */
export function loadCorpus<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(path.join(CORPORA_DIR, name), "utf8")) as T;
}
