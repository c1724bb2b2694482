import { describe, expect, it } from "@jest/globals";
import type { SecurityError } from "../errors/security-error.js";
import { contentTypeMatcher, hasBody } from "./content-type.js";
import { DEFAULT_LIMITS } from "./limits.js";

const matcher = contentTypeMatcher(DEFAULT_LIMITS.contentTypes);

function check(headers: Record<string, string>): string {
  try {
    return matcher.check(headers);
  } catch (error) {
    return (error as SecurityError).code;
  }
}

describe("content types", () => {
  it("accepts JSON, +json types and urlencoded, in any case, with a UTF-8 charset", () => {
    expect(check({ "content-type": "application/json" })).toBe("json");
    expect(check({ "content-type": "Application/JSON; charset=UTF-8" })).toBe("json");
    expect(check({ "content-type": 'application/merge-patch+json; charset="utf-8"' })).toBe("json");
    expect(check({ "content-type": "application/x-www-form-urlencoded" })).toBe("urlencoded");
  });

  it("refuses other types, other charsets, missing types and compressed bodies with 415", () => {
    for (const headers of <Record<string, string>[]>[
      { "content-type": "text/xml" },
      { "content-type": "text/plain" },
      { "content-type": "multipart/form-data; boundary=x" },
      { "content-type": "application/json; charset=utf-16" },
      { "content-type": "application/json; charset=utf-7" },
      {},
      { "content-type": "application/json", "content-encoding": "gzip" },
    ]) {
      expect(check(headers)).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
  });

  it("knows when a request has a body", () => {
    expect(hasBody({ "content-length": "0" })).toBe(false);
    expect(hasBody({})).toBe(false);
    expect(hasBody({ "content-length": "5" })).toBe(true);
    expect(hasBody({ "transfer-encoding": "chunked" })).toBe(true);
  });
});
