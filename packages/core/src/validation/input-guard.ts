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
  // Each pending value with its parent's pointer and its own segment: a pointer is built only for
  // an error or for a container (its children need it), never for each leaf of a clean input.
  const values: unknown[] = [root];
  const parents: string[] = [base];
  const segments: (string | number | undefined)[] = [undefined];
  while (values.length > 0 && errors.length < max) {
    const value = values.pop();
    const parent = parents.pop()!;
    const segment = segments.pop();
    if (typeof value === "string") {
      if (value.length > settings.maxString) errors.push(fieldError(pointerOf(parent, segment), "maxLength", { limit: settings.maxString }));
      else if (settings.unsafeCharacters && hasUnsafeCharacters(value)) errors.push(fieldError(pointerOf(parent, segment), "unsafeCharacters"));
      continue;
    }
    if (value === null || typeof value !== "object" || value instanceof Uint8Array) continue;
    const path = pointerOf(parent, segment);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        values.push(value[i]);
        parents.push(path);
        segments.push(i);
      }
      continue;
    }
    for (const name in value) {
      if (!Object.hasOwn(value, name)) continue;
      if (settings.operatorKeys && isOperatorKey(name) && !settings.declaredKeys.has(name)) {
        errors.push(fieldError(childPointer(path, name), "operatorKey"));
        continue;
      }
      if (settings.unsafeCharacters && hasUnsafeCharacters(name)) {
        errors.push(fieldError(childPointer(path, name), "unsafeCharacters"));
        continue;
      }
      values.push((value as Record<string, unknown>)[name]);
      parents.push(path);
      segments.push(name);
    }
  }
}

function pointerOf(parent: string, segment: string | number | undefined): string {
  return segment === undefined ? parent : childPointer(parent, segment);
}
