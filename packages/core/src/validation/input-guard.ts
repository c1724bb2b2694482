/**
 * Checks that run on a request part before its schema does, whichever validator the schema uses:
 * an upper bound on every string (so no pattern or format ever runs on a huge string, and strings
 * without a declared `maxLength` get the default cap), characters that have no place in data
 * (controls, lone surrogates, bidirectional overrides, invisible spaces), and property names that
 * are NoSQL operators or dotted paths unless the schema declares them. Walks without recursion.
 */
import type { FieldError } from "../errors/security-error.js";
import { childPointer, fieldError } from "./field-errors.js";

/** What the guard checks on one part. */
export interface GuardSettings {
  /** Longest string accepted anywhere in the part. */
  readonly maxString: number;
  /** Refuse strings and names with unsafe characters. */
  readonly unsafeCharacters: boolean;
  /** Refuse `$...`, dotted and `[$...]` names the schema does not declare. */
  readonly operatorKeys: boolean;
  /** Names the schema declares. */
  readonly declaredKeys: ReadonlySet<string>;
}

// C0 controls but tab, LF and CR; DEL and C1; zero-width space; bidi embeddings, overrides and
// isolates; word joiner; byte-order mark. Joiners (U+200C/D) and direction marks stay: scripts need them.
const UNSAFE_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/;

/** True for text that should not appear in data: see {@link GuardSettings.unsafeCharacters}. */
export function hasUnsafeCharacters(text: string): boolean {
  return UNSAFE_CHARACTERS.test(text) || !(text as string & { isWellFormed(): boolean }).isWellFormed();
}

/** True for names that act as operators or paths in document databases. */
export function isOperatorKey(name: string): boolean {
  return name.startsWith("$") || name.includes(".") || name.includes("[$");
}

/** Appends the guard's findings about `root` (under pointer `base`) to `errors`; stops at `max`. */
export function guardInput(root: unknown, base: string, settings: GuardSettings, errors: FieldError[], max: number): void {
  const values: unknown[] = [root];
  const paths: string[] = [base];
  while (values.length > 0 && errors.length < max) {
    const value = values.pop();
    const path = paths.pop()!;
    if (typeof value === "string") {
      if (value.length > settings.maxString) errors.push(fieldError(path, "maxLength", { limit: settings.maxString }));
      else if (settings.unsafeCharacters && hasUnsafeCharacters(value)) errors.push(fieldError(path, "unsafeCharacters"));
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        values.push(value[i]);
        paths.push(`${path}/${i}`);
      }
      continue;
    }
    if (value instanceof Uint8Array) continue;
    for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
      const at = childPointer(path, name);
      if (settings.operatorKeys && isOperatorKey(name) && !settings.declaredKeys.has(name)) {
        errors.push(fieldError(at, "operatorKey"));
        continue;
      }
      if (settings.unsafeCharacters && hasUnsafeCharacters(name)) {
        errors.push(fieldError(at, "unsafeCharacters"));
        continue;
      }
      values.push(child);
      paths.push(at);
    }
  }
}
