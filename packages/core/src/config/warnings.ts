/**
 * Startup warnings for risky (but possible) configuration: each has a code, says what to change,
 * is printed once per process, and can be silenced by name.
 */

const printed = new Set<string>();

/** A function that prints one named warning unless silenced. */
export type Warn = (code: string, message: string) => void;

/** Builds the warning function for one configuration. */
export function warner(silenced: readonly string[] = []): Warn {
  const silence = new Set(silenced);
  return (code, message) => {
    if (silence.has(code) || printed.has(code)) return;
    printed.add(code);
    process.emitWarning(`${message} (silence with \`silence: ["${code}"]\`)`, { type: "BulwarkWarning", code });
  };
}
