/**
 * A stand-in for the log the authorization snippets send their security events to: it keeps them
 * in memory so the tests can read them.
 */
import type { SecurityEvent } from "@bulwark/express";

/** The security events received, oldest first. */
export const securityLog = {
  events: [] as SecurityEvent[],
  /** Keeps one event. */
  record(event: SecurityEvent): void {
    this.events.push(event);
  },
};
