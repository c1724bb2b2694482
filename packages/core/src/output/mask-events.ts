/**
 * Masks for security events: wraps an `onEvent` listener so that the fields the rules name
 * (`principalId`, `ip`, or members of `detail`) reach it masked.
 */
import { ConfigError } from "../errors/security-error.js";
import type { SecurityEvent, SecurityEventListener } from "../events/security-event.js";
import { checkMaskRules, createMasker, type MaskRules } from "./mask.js";

/**
 * `onEvent: maskEvents({ principalId: "email" }, (event) => log.info(event))`: the listener gets
 * each event with the named fields masked.
 */
export function maskEvents(rules: MaskRules, listener: SecurityEventListener): SecurityEventListener {
  const problems = checkMaskRules(rules, "maskEvents(rules)");
  if (typeof listener !== "function") problems.push("maskEvents(rules, listener) needs the listener function as its second argument.");
  if (problems.length > 0) throw new ConfigError(problems);
  const masker = createMasker(rules);
  return function maskedListener(event: SecurityEvent) {
    return listener(masker(event) as SecurityEvent);
  };
}
