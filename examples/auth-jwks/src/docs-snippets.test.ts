/**
 * Every TypeScript snippet of docs/authentication.md names the example file it comes from on its
 * first line and must appear there verbatim (indentation aside), so the docs only show code that
 * this example runs and tests.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";

const root = path.resolve(__dirname, "../../..");
const doc = readFileSync(path.join(root, "docs/authentication.md"), "utf8");
const snippets = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!.trimEnd().split("\n"));

describe("docs/authentication.md", () => {
  it("has TypeScript snippets", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(5);
  });

  it.each(snippets.map((lines, i) => [i + 1, lines] as const))("snippet %i is quoted verbatim from the example", (_n, lines) => {
    const source = /^\/\/ (examples\/auth-jwks\/src\/[\w-]+\.ts)$/.exec(lines[0]!)?.[1];
    expect(source).toBeDefined();
    const fileLines = readFileSync(path.join(root, source!), "utf8").split("\n").map((line) => line.trim());
    const wanted = lines.slice(1).map((line) => line.trim());
    const found = fileLines.some((_, start) => wanted.every((line, i) => fileLines[start + i] === line));
    expect(found).toBe(true);
  });
});
