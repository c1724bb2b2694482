/**
 * Startup warnings of the built-in authenticators (risky but possible options), printed once by
 * the authentication feature through `config.warn`, so they can be silenced by name.
 */
import type { Authenticator } from "./authenticator.js";
import type { StartupWarning } from "./jwt-options.js";

const registry = new WeakMap<Authenticator, readonly StartupWarning[]>();

/** Records the warnings of `authenticator`. */
export function registerWarnings(authenticator: Authenticator, warnings: readonly StartupWarning[]): void {
  if (warnings.length > 0) registry.set(authenticator, Object.freeze([...warnings]));
}

/** The warnings recorded for `authenticator`. */
export function warningsOf(authenticator: Authenticator): readonly StartupWarning[] {
  return registry.get(authenticator) ?? [];
}
