import { describe, expect, it } from "@jest/globals";
import { ConfigError } from "../errors/security-error.js";
import { resolveConfig } from "./resolve-config.js";
import { editDistance, closestName } from "./did-you-mean.js";
import type { BulwarkOptions } from "./options.js";

function problemsOf(options: unknown): readonly string[] {
  try {
    resolveConfig(options as BulwarkOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("resolveConfig", () => {
  it("accepts an empty config and fills safe defaults", () => {
    const config = resolveConfig({});
    expect(config.limits.bodyBytes).toBe(100 * 1024);
    expect(config.limits.jsonDepth).toBe(32);
    expect(config.problem.expose).toBe(false);
    expect(config.store.kind).toBe("memory");
    expect(config.headers.set.map(([name]) => name)).toContain("Content-Security-Policy");
  });

  it("lists every problem at once, with a did-you-mean hint for misspelt names", () => {
    const problems = problemsOf({ authenticat: [], expose: "yes", limits: { bodyByte: 10, jsonDepth: -1 }, trustProxy: "all" });
    expect(problems).toHaveLength(5);
    expect(problems.join("\n")).toContain("authenticat is not a known option. Did you mean `authenticate`?");
    expect(problems.join("\n")).toContain("expose must be true or false");
    expect(problems.join("\n")).toContain("limits.bodyByte is not a known option. Did you mean `bodyBytes`?");
    expect(problems.join("\n")).toContain("limits.jsonDepth must be at least 1");
    expect(problems.join("\n")).toContain("trustProxy must be false, a number of proxy hops");
  });

  it("names the problem in the error message", () => {
    expect(() => resolveConfig({ onEvnt: () => undefined } as unknown as BulwarkOptions)).toThrow(/onEvnt is not a known option. Did you mean `onEvent`\?/);
  });

  it("refuses a non-object config, a store that is not a store, and bad trusted proxies", () => {
    expect(problemsOf("nope")[0]).toMatch(/needs an options object/);
    expect(problemsOf({ store: {} })[0]).toMatch(/memoryStore\(\{ maxKeys \}\) or redisStore/);
    expect(problemsOf({ trustProxy: ["10.0.0.0/99"] })[0]).toMatch(/invalid prefix length/);
    expect(problemsOf({ headers: { contentSecurityPolicy: { directives: { "script-src": [() => "x"] } } } })[0]).toMatch(/holds a function/);
  });

  it("never mutates the caller's options", () => {
    const options = Object.freeze({ limits: Object.freeze({ bodyBytes: 10 }) });
    const config = resolveConfig(options);
    expect(config.limits.bodyBytes).toBe(10);
    expect(options).toEqual({ limits: { bodyBytes: 10 } });
  });
});

describe("did you mean", () => {
  it("measures edits and suggests only close names", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(closestName("trustproxy", ["trustProxy", "store"])).toBe("trustProxy");
    expect(closestName("zzzzzz", ["trustProxy", "store"])).toBeUndefined();
  });
});
