import { describe, expect, it } from "@jest/globals";
import * as core from "./index.js";

describe("@bulwark/core public API", () => {
  it("pins the runtime exports (a new export is a decision, not an accident)", () => {
    expect(Object.keys(core).sort()).toEqual([
      "CODES", "ConfigError", "DEFAULT_BOLA", "DEFAULT_LIMITS", "DEFAULT_VALIDATION", "FEATURES", "NodeRequestBody", "NodeResponseSink", "PAYLOAD_HEADERS",
      "PROBLEM_CONTENT_TYPE", "ResponseValidationError", "SecurityError", "apiKey", "bulwarkHeaderNames",
      "canonicalIdentifier", "confirmNodeStatus", "createApiKey", "createEngine", "createMasker", "encodeHtml", "encodeHtmlAttribute",
      "encodeJsString", "encodeJsonForHtml", "encodeUrlComponent", "formatProblem", "fromNodeRequest", "guardNodeResponse",
      "isEmptyPayload", "isSecurityError", "isSecurityErrorCode", "jwt", "maskCard", "maskEmail", "maskEvents", "maskIban", "maskPhone",
      "memoryStore", "parseBody", "readBody", "redisStore", "safeUrl", "stripHandlerHeaders", "toSecurityError",
      "writeNodeProblem",
    ]);
  });

  it("has one SecurityError class, shared by every adapter", async () => {
    const [express, koa, fastify] = await Promise.all([import("@bulwark/express"), import("@bulwark/koa"), import("@bulwark/fastify")]);
    expect(express.SecurityError).toBe(core.SecurityError);
    expect(koa.SecurityError).toBe(core.SecurityError);
    expect(fastify.SecurityError).toBe(core.SecurityError);
  });
});
