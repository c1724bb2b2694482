/**
 * TEST ONLY: fakes the clock (Date) and nothing else, so servers, sockets and timers keep working.
 */
import { jest } from "@jest/globals";

/** Fakes `Date` from now on, starting at `now`; undo with `jest.useRealTimers()`. */
export function fakeClockOnly(now: Date | number = Date.now()): void {
  jest.useFakeTimers({
    now,
    doNotFake: [
      "hrtime", "nextTick", "performance", "queueMicrotask", "requestAnimationFrame", "cancelAnimationFrame",
      "requestIdleCallback", "cancelIdleCallback", "setImmediate", "clearImmediate", "setInterval",
      "clearInterval", "setTimeout", "clearTimeout",
    ],
  });
}
