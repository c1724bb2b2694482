import { describe, expect, it } from "@jest/globals";
import * as expressAdapter from "./index.js";

describe("@bulwark/express public API", () => {
  it("pins the runtime exports", () => {
    expect(Object.keys(expressAdapter).sort()).toEqual([
      "ConfigError", "ResponseValidationError", "SecurityError", "apiKey", "bulwark", "canonicalIdentifier", "createApiKey", "createMasker", "encodeHtml", "encodeHtmlAttribute", "encodeJsString", "encodeJsonForHtml", "encodeUrlComponent", "isSecurityError", "jwt", "maskCard", "maskEmail", "maskEvents", "maskIban", "maskPhone", "memoryStore", "redisStore", "safeUrl",
    ]);
  });
});
