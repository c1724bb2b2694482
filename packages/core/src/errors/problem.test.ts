import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { formatProblem, toSecurityError } from "./problem.js";
import { SecurityError } from "./security-error.js";

const plain = { expose: false, typeBase: undefined };

describe("formatProblem", () => {
  it("renders a SecurityError as RFC 9457 problem details with code and request id", () => {
    const problem = formatProblem(new SecurityError("RATE_LIMITED", { headers: { "retry-after": "3" } }), "req-1", plain);
    expect(problem.status).toBe(429);
    expect(problem.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(problem.headers["retry-after"]).toBe("3");
    expect(problem.body).toEqual({
      type: "about:blank",
      title: "Too Many Requests",
      status: 429,
      detail: "Too many requests; try again later.",
      code: "RATE_LIMITED",
      requestId: "req-1",
    });
  });

  it("hides everything about an unexpected error: no message, stack, path or library name", () => {
    const error = new Error("ENOENT: open '/srv/app/config/secrets.json' token=sk_live_abc123");
    const problem = formatProblem(error, "req-2", plain);
    const text = JSON.stringify(problem.body);
    expect(problem.status).toBe(500);
    expect(problem.body.code).toBe("INTERNAL");
    expect(text).not.toContain("secrets.json");
    expect(text).not.toContain("sk_live");
    expect(text).not.toContain("ENOENT");
    expect(text).not.toContain("stack");
  });

  it("adds internal detail only when expose is set", () => {
    const problem = formatProblem(new Error("boom at /x/y.ts"), "req-3", { expose: true, typeBase: undefined });
    expect(JSON.stringify(problem.body)).toContain("boom at /x/y.ts");
  });

  it("keeps field errors and builds the type from a configured base", () => {
    const error = new SecurityError("VALIDATION_FAILED", { errors: [{ path: "/body/name", code: "type", message: "must be a string" }] });
    const problem = formatProblem(error, "r", { expose: false, typeBase: "https://docs.example.com/problems/" });
    expect(problem.body.type).toBe("https://docs.example.com/problems/validation-failed");
    expect(problem.body.errors).toEqual([{ path: "/body/name", code: "type", message: "must be a string" }]);
  });

  it("maps framework client errors by status, with generic text", () => {
    const bodyParserError = Object.assign(new Error("Unexpected token } in JSON at position 12"), { status: 400, type: "entity.parse.failed" });
    expect(toSecurityError(bodyParserError).code).toBe("MALFORMED_JSON");
    const tooLarge = Object.assign(new Error("request entity too large"), { statusCode: 413 });
    const problem = formatProblem(tooLarge, "r", plain);
    expect(problem.status).toBe(413);
    expect(JSON.stringify(problem.body)).not.toContain("entity too large");
    const teapot = Object.assign(new Error("short and stout"), { status: 418 });
    const teapotProblem = formatProblem(teapot, "r", plain);
    expect(teapotProblem.status).toBe(418);
    expect(teapotProblem.body.title).toBe("I'm a Teapot");
    expect(JSON.stringify(teapotProblem.body)).not.toContain("stout");
    const notImplemented = formatProblem(Object.assign(new Error("no PROPFIND here"), { status: 501 }), "r", plain);
    expect(notImplemented.status).toBe(501);
    expect(notImplemented.body.code).toBe("METHOD_NOT_ALLOWED");
    expect(notImplemented.body.title).toBe("Not Implemented");
  });

  it("turns Fastify validation errors into field errors without values", () => {
    const error = Object.assign(new Error("body/name must be string"), {
      statusCode: 400,
      validation: [{ instancePath: "/name", keyword: "type", message: "must be string", params: { type: "string" }, data: "SECRET" }],
      validationContext: "body",
    });
    const problem = formatProblem(error, "r", plain);
    expect(problem.body.code).toBe("VALIDATION_FAILED");
    expect(problem.body.errors).toEqual([{ path: "/body/name", code: "type", message: "is not valid" }]);
  });

  it("never throws and never reveals a thrown value, whatever is thrown", () => {
    fc.assert(
      fc.property(fc.anything(), fc.string(), (thrown, secret) => {
        const problem = formatProblem(thrown, "r", plain);
        expect(problem.status).toBeGreaterThanOrEqual(400);
        if (secret.length > 8 && typeof thrown !== "string") expect(JSON.stringify(problem.body)).not.toContain(secret);
      }),
    );
    fc.assert(
      fc.property(fc.string({ minLength: 12 }), (secret) => {
        const body = JSON.stringify(formatProblem(new Error(secret), "r", plain).body);
        expect(body.includes(secret)).toBe(false);
      }),
    );
  });
});
