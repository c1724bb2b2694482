/**
 * Limit keys: what a rule counts by, compiled once into a function that builds the key of a
 * request with a few string operations.
 */
import type { RequestState } from "../pipeline/request-state.js";
import type { RateLimitKeyFunction, RateLimitKeyPart } from "./rate-limit-options.js";

/** Builds the key of a request for one rule; `undefined` skips the rule. */
export type KeyBuilder = (state: RequestState) => string | undefined;

/** The client IP as a limit key (IPv6 grouped), cached on the request. */
export type ClientKey = (state: RequestState) => string;

/** Every part `by` may name. */
export const KEY_PARTS: readonly RateLimitKeyPart[] = Object.freeze(["ip", "principal", "apiKey", "route"]);

const CLIENT_KEY = Symbol("bulwark.ratelimit.clientKey");

/** Builds the cached client-key function over an IP grouper. */
export function clientKeyOf(group: (ip: string) => string): ClientKey {
  return (state) => {
    const cached = state.extras.get(CLIENT_KEY);
    if (typeof cached === "string") return cached;
    const key = group(state.context.ip);
    state.extras.set(CLIENT_KEY, key);
    return key;
  };
}

type PartBuilder = (state: RequestState, clientKey: ClientKey) => string;

const PART_BUILDERS: Readonly<Record<RateLimitKeyPart, PartBuilder>> = {
  ip: (state, clientKey) => `i:${clientKey(state)}`,
  // Anonymous callers of a route limited by principal count by IP, so they are limited too.
  principal: (state, clientKey) => {
    const principal = state.context.principal;
    return principal === undefined ? `i:${clientKey(state)}` : `p:${principal.id}`;
  },
  apiKey: (state, clientKey) => {
    const principal = state.context.principal;
    if (principal === undefined) return `i:${clientKey(state)}`;
    return principal.kind === "apiKey" || principal.authMethod === "apiKey" ? `k:${principal.id}` : `p:${principal.id}`;
  },
  route: (state) => `r:${state.request.method} ${state.request.route ?? state.request.path}`,
};

/** Compiles `by` (already checked) into a key builder. */
export function keyBuilder(
  by: RateLimitKeyPart | readonly RateLimitKeyPart[] | RateLimitKeyFunction,
  clientKey: ClientKey,
): KeyBuilder {
  if (typeof by === "function") {
    return (state) => {
      const key = by(state.request, state.context.principal, clientKey(state));
      if (key === undefined) return undefined;
      if (typeof key !== "string") throw new TypeError("a rateLimit `by` function must return a string or undefined");
      return `f:${key}`;
    };
  }
  const parts = (typeof by === "string" ? [by] : [...by]).map((part) => PART_BUILDERS[part]);
  if (parts.length === 1) {
    const only = parts[0]!;
    return (state) => only(state, clientKey);
  }
  return (state) => {
    let key = parts[0]!(state, clientKey);
    for (let i = 1; i < parts.length; i++) key += `|${parts[i]!(state, clientKey)}`;
    return key;
  };
}
