/**
 * The bench's interval for a median (bench/lib/stats.mjs), which decides whether a report calls a
 * target "within noise". Expected values are worked out by hand from the binomial distribution.
 */
import { describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";

interface Interval {
  low: number;
  high: number;
  coverage: number;
}

/** Runs `medianInterval` on each list in a Node process (the bench is plain ES modules). */
function intervals(lists: readonly number[][]): Interval[] {
  const url = pathToFileURL(path.join(__dirname, "lib", "stats.mjs")).href;
  const script = `const { medianInterval } = await import(${JSON.stringify(url)});
    process.stdout.write(JSON.stringify(${JSON.stringify(lists)}.map((values) => medianInterval(values))));`;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000 });
  if (result.status !== 0) throw new Error(`cannot run bench/lib/stats.mjs: ${result.stderr}`);
  return JSON.parse(result.stdout) as Interval[];
}

const ranks = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe("medianInterval", () => {
  it("takes the order statistics the sign test gives at 95%", () => {
    const [nine, twenty] = intervals([ranks(9), ranks(20)]);
    // n = 9: P(X <= 1) = 10/512, so the 2nd and 8th values cover 1 - 20/512; the 3rd and 7th only 1 - 92/512.
    expect(nine).toEqual({ low: 2, high: 8, coverage: 1 - 20 / 512 });
    // n = 20: P(X <= 5) = 21,700/2^20, so the 6th and 15th values (P(X <= 6) = 60,460/2^20 is too much).
    expect(twenty!.low).toBe(6);
    expect(twenty!.high).toBe(15);
    expect(twenty!.coverage).toBeCloseTo(1 - (2 * 21_700) / 2 ** 20, 12);
  });

  it("falls back to the whole range, at the coverage it has, with too few values", () => {
    const [five, one] = intervals([[50, 10, 40, 20, 30], [7]]);
    expect(five).toEqual({ low: 10, high: 50, coverage: 1 - 2 / 32 });
    expect(one).toEqual({ low: 7, high: 7, coverage: 0 });
  });

  it("sorts the values, and gives no bounds for no values", () => {
    const [mixed, none] = intervals([[9, 3, 7, 1, 5, 8, 2, 6, 4], []]);
    expect(mixed).toEqual({ low: 2, high: 8, coverage: 1 - 20 / 512 });
    expect(none).toEqual({ low: null, high: null, coverage: 0 });
  });
});
