import { describe, expect, it } from "@jest/globals";
import { createEngine } from "../pipeline/engine.js";
import { FEATURES } from "../pipeline/features.js";
import { testOnlyAuthenticator } from "./test-support/test-authenticator.js";

describe("scope names in a policy", () => {
  it("must be OAuth scope tokens, since they are sent in a quoted header parameter", () => {
    const engine = createEngine({ authenticate: [testOnlyAuthenticator({})] }, FEATURES);
    expect(() => engine.compile({ scopes: ['orders:read", error="x'] })).toThrow(/not a valid OAuth scope token/);
    expect(() => engine.compile({ scopes: ["orders read"] })).toThrow(/not a valid OAuth scope token/);
    expect(engine.compile({ scopes: ["orders:read", "https://api.example.com/orders.write"] }).policy.scopes).toHaveLength(2);
  });
});
