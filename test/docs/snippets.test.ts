/**
 * Every TypeScript or JavaScript snippet in the README and in docs/ must be a verbatim copy of
 * code that the tests run or type-check: a snippet in docs/snippets/, an example, or a package
 * source. A snippet whose first line is a comment naming a file must be found in that file.
 */
import { describe, expect, it } from "@jest/globals";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const SOURCE_DIRS = ["docs/snippets", "examples", "packages"];
const CODE_BLOCK = /```(ts|typescript|js|javascript|mjs)\n([\s\S]*?)```/g;

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else if (/\.(ts|mts|js|mjs)$/.test(name)) out.push(full);
  }
  return out;
}

/** Lines without indentation or trailing space, blank lines dropped: indentation may differ in docs. */
function normalise(text: string): string {
  return text.split("\n").map((line) => line.trim()).filter((line) => line !== "").join("\n");
}

const sources = SOURCE_DIRS.flatMap((dir) => listFiles(path.join(ROOT, dir))).map((file) => ({ file, text: normalise(readFileSync(file, "utf8")) }));
const documents = ["README.md", ...readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

const snippets = documents.flatMap((doc) => {
  const text = readFileSync(path.join(ROOT, doc), "utf8");
  return [...text.matchAll(CODE_BLOCK)].map((match, index) => ({ doc, index, code: match[2]! }));
});

describe("documentation snippets", () => {
  it("finds snippets to check", () => {
    expect(snippets.length).toBeGreaterThan(10);
  });

  it.each(snippets.map((s) => [`${s.doc} #${s.index + 1}`, s] as const))("%s is tested code", (_name, snippet) => {
    const lines = snippet.code.split("\n");
    const named = /^\/\/\s*((?:examples|docs|packages|bench|test)\/\S+\.(?:ts|mts|js|mjs))\s*$/.exec(lines[0]?.trim() ?? "");
    const body = normalise(named ? lines.slice(1).join("\n") : snippet.code);
    const candidates = named ? sources.filter((s) => s.file === path.join(ROOT, named[1]!)) : sources;
    if (named) expect(candidates).toHaveLength(1);
    const found = candidates.some((source) => source.text.includes(body));
    expect({ snippet: snippet.code.slice(0, 200), foundInTestedCode: found }).toEqual({ snippet: snippet.code.slice(0, 200), foundInTestedCode: true });
  });
});
