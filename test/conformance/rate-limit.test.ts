/**
 * Rate limiting on every adapter: the same scenarios (global and route limits, headers, spoofed
 * proxy headers, bursts, brute-force lockout) give the same answers in the same order.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import supertest from "supertest";
import { RATE_LIMIT_SCENARIOS, type HeaderExpectation } from "../../packages/core/src/ratelimit/test-support/scenarios.js";
import { ADAPTERS } from "./harness/adapters.js";
import type { RunningApp } from "./harness/neutral-app.js";

function expectHeader(name: string, actual: string | undefined, expected: HeaderExpectation): void {
  if (expected === true) expect({ name, present: actual !== undefined }).toEqual({ name, present: true });
  else if (expected === false) expect({ name, value: actual }).toEqual({ name, value: undefined });
  else if (expected instanceof RegExp) expect(actual ?? "").toMatch(expected);
  else expect({ name, value: actual }).toEqual({ name, value: expected });
}

describe.each(ADAPTERS)("rate limiting on %s", (_name, build) => {
  let app: RunningApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it.each(RATE_LIMIT_SCENARIOS.map((s) => [s.name, s] as const))("%s", async (_title, scenario) => {
    app = await build({ options: scenario.config, routes: [{ method: "GET", path: "/limited", policy: scenario.policy, handler: () => ({ body: { ok: true } }) }] });
    for (const [index, step] of scenario.requests.entries()) {
      let req = supertest(app.server).get("/limited");
      for (const [name, value] of Object.entries(step.headers ?? {})) req = req.set(name, value);
      const res = await req;
      expect({ step: index, status: res.status }).toEqual({ step: index, status: step.status });
      if (step.code !== undefined) expect(res.body.code).toBe(step.code);
      for (const [name, expected] of Object.entries(step.headersExpected ?? {})) expectHeader(name, res.headers[name], expected);
    }
  });
});
