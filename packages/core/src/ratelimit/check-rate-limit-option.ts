/**
 * Checks a `rateLimit` option (global or in a route policy) at startup: every problem, each with
 * what to write instead.
 */
import { checkShape, isPlainObject, type Rule, type Shape } from "../config/shape.js";
import { KEY_PARTS } from "./limit-key.js";
import type { RateLimitRule } from "./rate-limit-options.js";

const positiveInteger: Rule = { kind: "number", integer: true, min: 1 };

/** Allowed characters of a limit name (it goes into header fields and store keys). */
export const LIMIT_NAME = /^[A-Za-z0-9._-]{1,64}$/;

const RULE_SHAPE: Shape = {
  points: positiveInteger,
  duration: positiveInteger,
  by: { kind: "any" },
  burst: {
    kind: "oneOf",
    describe: "a whole number of extra points or { points, duration }",
    rules: [positiveInteger, { kind: "object", shape: { points: positiveInteger, duration: positiveInteger } }],
  },
  cost: positiveInteger,
  blockDuration: { kind: "number", integer: true, min: 0 },
  name: { kind: "string", minLength: 1 },
};

/** Where a limit runs: globally before authentication, or in a route policy. */
export type LimitStage = "global" | "route";

/** The rules of a `rateLimit` option, as a list. */
export function ruleList(option: RateLimitRule | readonly RateLimitRule[]): readonly RateLimitRule[] {
  return Array.isArray(option) ? option : [option as RateLimitRule];
}

/** Checks `value` as a `rateLimit` option at `path`, appending each problem. */
export function checkRateLimitOption(value: unknown, path: string, stage: LimitStage, problems: string[]): void {
  if (Array.isArray(value)) {
    if (value.length === 0) problems.push(`${path} must list at least one limit, e.g. [{ points: 10, duration: 1 }, { points: 1000, duration: 3600 }].`);
    value.forEach((rule, i) => checkRule(rule, `${path}[${i}]`, stage, problems));
    const names = value.map((rule) => (isPlainObject(rule) ? rule.name : undefined)).filter((n) => n !== undefined);
    if (new Set(names).size !== names.length) problems.push(`${path} gives two limits the same name; give each its own.`);
    return;
  }
  checkRule(value, path, stage, problems);
}

function checkRule(value: unknown, path: string, stage: LimitStage, problems: string[]): void {
  if (!isPlainObject(value)) {
    problems.push(`${path} must be a limit such as { points: 100, duration: 60 } or a list of them.`);
    return;
  }
  const found: string[] = [];
  checkShape(value, RULE_SHAPE, path, found);
  problems.push(...found);
  if (value.points === undefined) problems.push(`${path}.points is required: the requests allowed per window, e.g. { points: 100, duration: 60 }.`);
  if (value.duration === undefined) problems.push(`${path}.duration is required: the window in whole seconds, e.g. { points: 100, duration: 60 }.`);
  checkBy(value.by, `${path}.by`, stage, problems);
  if (typeof value.name === "string" && !LIMIT_NAME.test(value.name)) {
    problems.push(`${path}.name may hold only letters, digits, ".", "_" and "-" (at most 64), e.g. "orders-per-minute".`);
  }
  if (found.length === 0 && typeof value.points === "number" && value.cost !== undefined) {
    const burst = value.burst as RateLimitRule["burst"];
    const extra = burst === undefined ? 0 : typeof burst === "number" ? burst : burst.points;
    if ((value.cost as number) > value.points + extra) {
      problems.push(`${path}.cost (${String(value.cost)}) is more than the limit allows at all (${value.points + extra}), so every request would be refused; raise points or lower cost.`);
    }
  }
}

function checkBy(by: unknown, path: string, stage: LimitStage, problems: string[]): void {
  if (by === undefined || typeof by === "function") return;
  const parts = typeof by === "string" ? [by] : Array.isArray(by) ? (by as unknown[]) : undefined;
  if (parts === undefined || parts.length === 0 || parts.some((p) => typeof p !== "string" || !KEY_PARTS.includes(p as never))) {
    problems.push(`${path} must be one of ${KEY_PARTS.map((p) => JSON.stringify(p)).join(", ")}, a list of them, or a function (request, principal, ip) => key.`);
    return;
  }
  if (new Set(parts).size !== parts.length) problems.push(`${path} names a part twice; list each once.`);
  if (stage === "global" && parts.some((p) => p !== "ip")) {
    problems.push(`${path}: the global rateLimit runs before authentication and routing, so it can count only by "ip" (or a function); put by: ${JSON.stringify(by)} in a route policy's rateLimit.`);
  }
}
