/**
 * Test support: sends one OpenAPI case with supertest (any adapter's server) and checks the outcome
 * the same way for every adapter.
 */
import { expect } from "@jest/globals";
import type supertest from "supertest";
import type { HandlerInput, OpenApiCase } from "./openapi-fixture.js";

/** Sends `c` through `agent`. */
export function sendCase(agent: supertest.Agent, c: OpenApiCase): supertest.Test {
  let test = agent[c.method](c.url);
  for (const [name, value] of Object.entries(c.headers ?? {})) test = test.set(name, value);
  if (c.body !== undefined) {
    if (c.contentType) test = test.set("content-type", c.contentType);
    test = test.send(typeof c.body === "string" ? c.body : JSON.stringify(c.body));
    if (!c.contentType) test = test.set("content-type", "application/json");
  }
  return test;
}

/** Checks a response (and what the handler last received) against the case. */
export function checkCase(c: OpenApiCase, response: supertest.Response, received: HandlerInput | undefined): void {
  expect({ name: c.name, status: response.status }).toEqual({ name: c.name, status: c.status });
  if (c.status >= 400) {
    expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    if (c.status === 400) expect(response.body.code).toBe("VALIDATION_FAILED");
  }
  if (c.errors) {
    const got = (response.body.errors as { path: string; code: string }[]).map((e) => [e.path, e.code]);
    expect({ name: c.name, errors: got.sort() }).toEqual({ name: c.name, errors: [...c.errors].map((e) => [...e]).sort() });
  }
  if (c.received) {
    for (const [part, value] of Object.entries(c.received)) {
      expect({ name: c.name, [part]: (received as unknown as Record<string, unknown>)[part] }).toEqual({ name: c.name, [part]: value });
    }
  }
}
