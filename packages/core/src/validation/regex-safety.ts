/**
 * A startup check for JSON Schema patterns that can backtrack exponentially: a repeated group that
 * itself holds a repetition (`(a+)+`, `(\w*)*`, `([a-z]+){2,}`). Bulwark bounds every string before
 * a pattern runs, but such a pattern can take seconds on a few dozen characters.
 */
import type { Warn } from "../config/warnings.js";

/** True when `pattern` repeats a group that contains a repetition (star height above one). */
export function hasNestedQuantifier(pattern: string): boolean {
  const groups: boolean[] = [];
  let lastGroupRepeats = false;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      i++;
      lastGroupRepeats = false;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      lastGroupRepeats = false;
    } else if (c === "(") {
      groups.push(false);
      lastGroupRepeats = false;
    } else if (c === ")") {
      const inner = groups.pop() ?? false;
      lastGroupRepeats = inner;
      // The group's repetition also counts for the group around it.
      if (inner && groups.length > 0) groups[groups.length - 1] = true;
      continue;
    } else if (c === "+" || c === "*" || (c === "{" && /^\{\d*,\d*\}/.test(pattern.slice(i)) && !/^\{\d+\}/.test(pattern.slice(i)))) {
      if (lastGroupRepeats) return true;
      if (groups.length > 0) groups[groups.length - 1] = true;
    }
    lastGroupRepeats = false;
  }
  return false;
}

/** Warns (once) about patterns that can backtrack exponentially. */
export function warnAboutBacktracking(patterns: readonly string[], label: string, warn: Warn): void {
  const risky = patterns.find(hasNestedQuantifier);
  if (risky === undefined) return;
  warn("BULWARK_PATTERN_BACKTRACKING", `Bulwark: the pattern ${JSON.stringify(risky)} in ${label} repeats a group that itself repeats (like "(a+)+"), which can take exponential time on crafted input. Rewrite it without the nested repetition.`);
}
