/**
 * The authentication scenarios on Express, Koa and Fastify, and the events they emit.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { SecurityEvent } from "@bulwark/core";
import { authenticationApp, token } from "./authentication-app.js";
import { authenticationScenarios } from "./authentication.scenarios.js";
import { ADAPTERS } from "./harness/adapters.js";
import type { RunningApp } from "./harness/neutral-app.js";
import { runScenario, send } from "./harness/run-scenario.js";

describe.each(ADAPTERS)("authentication on %s", (_name, build) => {
  const events: SecurityEvent[] = [];
  let app: RunningApp;

  beforeAll(async () => {
    app = await build(authenticationApp(events));
  });
  afterAll(async () => {
    await app.close();
  });

  it.each(authenticationScenarios().map((s) => [s.name, s] as const))("%s", async (_title, scenario) => {
    await runScenario(app, scenario);
  });

  it("reports each success and failure with the method or reason code, never the token", async () => {
    events.length = 0;
    const good = token();
    const expired = token({ exp: 1 });
    await send(app, { method: "GET", path: "/me", headers: { authorization: `Bearer ${good}` } });
    await send(app, { method: "GET", path: "/me", headers: { authorization: `Bearer ${expired}` } });
    expect(events.map((e) => [e.type, e.code ?? e.detail?.method])).toEqual([["auth.succeeded", "jwt"], ["auth.failed", "AUTH_TOKEN_EXPIRED"]]);
    const text = JSON.stringify(events);
    for (const part of [...good.split("."), ...expired.split(".")]) expect(text).not.toContain(part);
  });
});
