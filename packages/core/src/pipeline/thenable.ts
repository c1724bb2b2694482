/**
 * Telling an answer that must be waited for from one given at once, where a caller-supplied
 * function (an authenticator, an ownership loader) may return either.
 */

/** True for a promise or any other thenable, as `await` would treat it. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}
