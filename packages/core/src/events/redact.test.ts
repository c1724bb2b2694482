import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { redact } from "./redact.js";

describe("redact", () => {
  it("hides values under secret-looking names and credential-shaped strings", () => {
    const out = redact({
      password: "hunter2",
      apiKey: "k",
      nested: { authorization: "Bearer abc", note: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig" },
      method: "jwt",
    });
    expect(out).toEqual({ password: "[redacted]", apiKey: "[redacted]", nested: { authorization: "[redacted]", note: "[redacted]" }, method: "jwt" });
  });

  it("never throws and bounds what it returns", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.anything()), (detail) => {
        const text = JSON.stringify(redact(detail)) ?? "";
        expect(text.length).toBeLessThan(1_000_000);
      }),
    );
  });
});
