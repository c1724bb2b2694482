/**
 * The shape every key source of `jwt()` takes: given a token's protected header, the key that may
 * verify it (jose's "get key" function), or a thrown error when there is none.
 */
import type { CompactJWSHeaderParameters, FlattenedJWSInput, KeyInput } from "jose";

/** Finds the verification key for one token. */
export type KeyResolver = (header: CompactJWSHeaderParameters, token: FlattenedJWSInput) => Promise<KeyInput> | KeyInput;

/** Raised when the keys cannot be obtained at all (identity provider unreachable, no cached keys). */
export class KeySetUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KeySetUnavailableError";
  }
}

/** Raised when the identity provider publishes something Bulwark must not use (logged as a 500). */
export class KeySetMisconfiguredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeySetMisconfiguredError";
  }
}
