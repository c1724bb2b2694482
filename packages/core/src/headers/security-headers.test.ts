import { describe, expect, it } from "@jest/globals";
import { ConfigError } from "../errors/security-error.js";
import { computeSecurityHeaders } from "./security-headers.js";

describe("security headers", () => {
  it("computes JSON-API defaults once", () => {
    const headers = computeSecurityHeaders(undefined);
    const map = new Map(headers.set.map(([name, value]) => [name.toLowerCase(), value]));
    expect(map.get("content-security-policy")).toBe("default-src 'none';frame-ancestors 'none'");
    expect(map.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    expect(map.get("x-content-type-options")).toBe("nosniff");
    expect(map.get("referrer-policy")).toBe("no-referrer");
    expect(headers.remove).toContain("X-Powered-By");
  });

  it("takes helmet options over the defaults, and false for none", () => {
    const headers = computeSecurityHeaders({ strictTransportSecurity: { maxAge: 60 } });
    expect(new Map(headers.set).get("Strict-Transport-Security")).toBe("max-age=60; includeSubDomains");
    expect(computeSecurityHeaders(false).set).toEqual([]);
  });

  it("turns helmet's refusals into a ConfigError", () => {
    expect(() => computeSecurityHeaders({ contentSecurityPolicy: { directives: { "default-src": ["'none'"], "bad directive": ["x"] } } })).toThrow(ConfigError);
  });
});
