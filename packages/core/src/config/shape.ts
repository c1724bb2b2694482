/**
 * A small declarative checker for option objects: every problem is collected (not just the first),
 * unknown names get a "did you mean" hint, and each message says what to write instead.
 */
import { closestName } from "./did-you-mean.js";

/** What one option may hold. */
export type Rule =
  | { readonly kind: "boolean" }
  | { readonly kind: "string"; readonly oneOf?: readonly string[]; readonly minLength?: number }
  | { readonly kind: "number"; readonly min?: number; readonly max?: number; readonly integer?: boolean }
  | { readonly kind: "function" }
  | { readonly kind: "array"; readonly items?: Rule; readonly minItems?: number }
  | { readonly kind: "object"; readonly shape?: Shape; readonly open?: boolean }
  | { readonly kind: "any" }
  | { readonly kind: "oneOf"; readonly rules: readonly Rule[]; readonly describe: string }
  | { readonly kind: "custom"; readonly check: (value: unknown, path: string) => readonly string[] };

/** The options an object may have, by name. */
export type Shape = Readonly<Record<string, Rule>>;

/** Checks `value` against `rule`, appending each problem found to `problems`. */
export function checkRule(value: unknown, rule: Rule, path: string, problems: string[]): void {
  switch (rule.kind) {
    case "any":
      return;
    case "boolean":
      if (typeof value !== "boolean") problems.push(`${path} must be true or false, not ${describe(value)}.`);
      return;
    case "function":
      if (typeof value !== "function") problems.push(`${path} must be a function, not ${describe(value)}.`);
      return;
    case "string":
      if (typeof value !== "string") {
        problems.push(`${path} must be a string, not ${describe(value)}.`);
      } else if (rule.oneOf && !rule.oneOf.includes(value)) {
        const hint = closestName(value, rule.oneOf);
        problems.push(`${path} must be one of ${rule.oneOf.map((v) => JSON.stringify(v)).join(", ")}, not ${JSON.stringify(value)}.` +
          (hint ? ` Did you mean ${JSON.stringify(hint)}?` : ""));
      } else if (rule.minLength !== undefined && value.length < rule.minLength) {
        problems.push(`${path} must not be shorter than ${rule.minLength} characters.`);
      }
      return;
    case "number":
      if (typeof value !== "number" || Number.isNaN(value)) {
        problems.push(`${path} must be a number, not ${describe(value)}.`);
      } else if (rule.integer && !Number.isInteger(value)) {
        problems.push(`${path} must be a whole number, not ${value}.`);
      } else if (rule.min !== undefined && value < rule.min) {
        problems.push(`${path} must be at least ${rule.min}, not ${value}.`);
      } else if (rule.max !== undefined && value > rule.max) {
        problems.push(`${path} must be at most ${rule.max}, not ${value}.`);
      }
      return;
    case "array":
      if (!Array.isArray(value)) {
        problems.push(`${path} must be an array, not ${describe(value)}.`);
        return;
      }
      if (rule.minItems !== undefined && value.length < rule.minItems) {
        problems.push(`${path} must list at least ${rule.minItems} item${rule.minItems === 1 ? "" : "s"}.`);
      }
      if (rule.items) value.forEach((item, i) => checkRule(item, rule.items!, `${path}[${i}]`, problems));
      return;
    case "object":
      if (!isPlainObject(value)) {
        problems.push(`${path} must be an object, not ${describe(value)}.`);
        return;
      }
      if (rule.shape) checkShape(value, rule.shape, path, problems, rule.open === true);
      return;
    case "oneOf": {
      for (const candidate of rule.rules) {
        const attempt: string[] = [];
        checkRule(value, candidate, path, attempt);
        if (attempt.length === 0) return;
      }
      problems.push(`${path} must be ${rule.describe}, not ${describe(value)}.`);
      return;
    }
    case "custom":
      problems.push(...rule.check(value, path));
      return;
  }
}

/** Checks every named option of `value` and refuses names `shape` does not know. */
export function checkShape(
  value: Record<string, unknown>,
  shape: Shape,
  path: string,
  problems: string[],
  open = false,
): void {
  const known = Object.keys(shape);
  for (const name of Object.keys(value)) {
    const rule = shape[name];
    if (rule === undefined) {
      if (open) continue;
      const hint = closestName(name, known);
      problems.push(`${path ? `${path}.` : ""}${name} is not a known option.` +
        (hint ? ` Did you mean \`${hint}\`?` : ` Known options: ${known.join(", ")}.`));
      continue;
    }
    const child = value[name];
    if (child === undefined) continue;
    checkRule(child, rule, path ? `${path}.${name}` : name, problems);
  }
}

/** True for `{}`-style objects (not arrays, not class instances other than Object). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}
