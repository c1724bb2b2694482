/**
 * JSON body checks. Depth is measured on the raw text before parsing (so a 10,000-deep body costs
 * one linear scan, and no recursive code ever sees it); the parsed value is then walked without
 * recursion for sizes and prototype-pollution keys.
 */
import { SecurityError } from "../errors/security-error.js";
import type { ResolvedTransportLimits } from "./limits.js";

type ValueLimits = Pick<ResolvedTransportLimits, "jsonDepth" | "arrayLength" | "objectKeys" | "stringLength">;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Throws `BODY_TOO_DEEP` when the JSON text nests deeper than `maxDepth`. */
export function assertJsonDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) throw new SecurityError("BODY_TOO_DEEP");
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
}

/** Parses JSON text that passed the depth check; a syntax error is a 400 without parser detail. */
export function parseJsonText(text: string, limits: ValueLimits): unknown {
  assertJsonDepth(text, limits.jsonDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SecurityError("MALFORMED_JSON", { cause: error });
  }
  assertSafeValue(value, limits);
  return value;
}

/**
 * Walks a parsed value (ours, or one a framework's parser produced) and throws on the first
 * limit it breaks or the first key that could pollute a prototype.
 */
export function assertSafeValue(root: unknown, limits: ValueLimits): void {
  if (root === null || typeof root !== "object") {
    if (typeof root === "string" && root.length > limits.stringLength) throw new SecurityError("STRING_TOO_LONG");
    return;
  }
  const values: unknown[] = [root];
  const depths: number[] = [1];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (depth > limits.jsonDepth) throw new SecurityError("BODY_TOO_DEEP");
    if (Array.isArray(value)) {
      if (value.length > limits.arrayLength) throw new SecurityError("ARRAY_TOO_LONG");
      for (const item of value) pushChild(item, depth, values, depths, limits);
      continue;
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length > limits.objectKeys) throw new SecurityError("TOO_MANY_KEYS");
    for (const key of keys) {
      if (key.length > limits.stringLength) throw new SecurityError("STRING_TOO_LONG");
      const child = record[key];
      if (isPollutingKey(key, child)) throw new SecurityError("FORBIDDEN_KEY");
      pushChild(child, depth, values, depths, limits);
    }
  }
}

function pushChild(child: unknown, depth: number, values: unknown[], depths: number[], limits: ValueLimits): void {
  if (typeof child === "string") {
    if (child.length > limits.stringLength) throw new SecurityError("STRING_TOO_LONG");
  } else if (child !== null && typeof child === "object") {
    values.push(child);
    depths.push(depth + 1);
  }
}

/**
 * `__proto__` in any form (alone, or as a segment of a dotted or bracketed name that a later
 * merge could expand), and `constructor` holding `prototype`. A plain `constructor` property is
 * ordinary data and passes.
 */
export function isPollutingKey(key: string, value: unknown): boolean {
  if (key.includes("__proto__")) return true;
  if (key === "constructor") {
    return value !== null && typeof value === "object" && Object.prototype.hasOwnProperty.call(value, "prototype");
  }
  return key.includes("constructor") && key.includes("prototype") && /[.[\]]/.test(key);
}
