import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { z } from "zod";
import type { RoutePolicy } from "../policy/route-policy.js";
import { startApp, type TestApp, type TestRoute } from "./test-support/express-app.js";

/** Every ajv-formats format: its JSON type, a value it accepts, one it refuses, and the zod equivalent. */
const FORMATS: readonly { format: string; type: string; ok: unknown; bad: unknown; zod?: z.ZodType; zodOk?: unknown }[] = [
  { format: "date", type: "string", ok: "2024-02-29", bad: "2023-02-29", zod: z.iso.date() },
  { format: "time", type: "string", ok: "12:30:00Z", bad: "25:00", zod: z.iso.time(), zodOk: "12:30:00" },
  { format: "date-time", type: "string", ok: "2024-01-02T03:04:05Z", bad: "2024-13-02T03:04:05Z", zod: z.iso.datetime() },
  { format: "iso-time", type: "string", ok: "12:30:00", bad: "12:60:00" },
  { format: "iso-date-time", type: "string", ok: "2024-01-02T03:04:05", bad: "2024-01-02T25:04:05" },
  { format: "duration", type: "string", ok: "P3DT4H", bad: "P", zod: z.iso.duration() },
  { format: "uri", type: "string", ok: "https://example.com/a?b=c", bad: "example.com" },
  { format: "uri-reference", type: "string", ok: "/a/b?c", bad: "\\\\bad" },
  { format: "uri-template", type: "string", ok: "https://example.com/{id}", bad: "https://example.com/{id" },
  { format: "url", type: "string", ok: "https://example.com", bad: "example", zod: z.url() },
  { format: "email", type: "string", ok: "jane@example.com", bad: "jane@", zod: z.email() },
  { format: "hostname", type: "string", ok: "api.example.com", bad: "-bad-.example", zod: z.hostname() },
  { format: "ipv4", type: "string", ok: "192.168.0.1", bad: "256.1.1.1", zod: z.ipv4() },
  { format: "ipv6", type: "string", ok: "2001:db8::1", bad: "2001:db8:::1", zod: z.ipv6() },
  { format: "regex", type: "string", ok: "^a+$", bad: "(unclosed" },
  { format: "uuid", type: "string", ok: "0b5a0c5e-4d1f-4a55-9a43-2f1c9c7d1e10", bad: "0b5a0c5e4d1f4a559a432f1c9c7d1e10", zod: z.uuid() },
  { format: "json-pointer", type: "string", ok: "/a/b", bad: "a/b" },
  { format: "json-pointer-uri-fragment", type: "string", ok: "#/a/b", bad: "#a" },
  { format: "relative-json-pointer", type: "string", ok: "1/a", bad: "/a" },
  { format: "byte", type: "string", ok: "aGVsbG8=", bad: "not base64!", zod: z.base64() },
  { format: "int32", type: "integer", ok: 2147483647, bad: 2147483648 },
  { format: "int64", type: "number", ok: 5, bad: 1.5 },
  // Every string is a password or binary string and every number a float: only the type can refuse.
  { format: "password", type: "string", ok: "correct horse", bad: 5 },
  { format: "binary", type: "string", ok: "raw", bad: 5 },
  { format: "float", type: "number", ok: 1.5, bad: "1.5" },
  { format: "double", type: "number", ok: 1.5, bad: "1.5" },
];

function jsonPolicy(format: string, type: string): RoutePolicy {
  return { public: true, body: { type: "object", required: ["v"], properties: { v: { type, format } } } };
}

describe("formats accept and refuse (Express)", () => {
  let app: TestApp;
  beforeAll(async () => {
    const routes: TestRoute[] = [];
    for (const { format, type, zod } of FORMATS) {
      routes.push({ method: "post", path: `/json/${format}`, policy: jsonPolicy(format, type) });
      if (zod) routes.push({ method: "post", path: `/zod/${format}`, policy: { public: true, body: z.object({ v: zod }) } });
    }
    app = await startApp({}, routes);
  });
  afterAll(() => app.close());

  it.each(FORMATS.map((f) => [f.format, f] as const))("%s", async (_name, { format, type, ok, bad, zod, zodOk }) => {
    const accepted = await app.request.post(`/json/${format}`).send({ v: ok });
    expect(accepted.status).toBe(200);
    expect(accepted.body.body).toEqual({ v: ok });
    const refused = await app.request.post(`/json/${format}`).send({ v: bad });
    expect(refused.status).toBe(400);
    const expectedCode = typeof bad === type || (type !== "string" && typeof bad === "number") ? "format" : "type";
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: "/body/v", code: expectedCode })]);
    if (zod) {
      expect((await app.request.post(`/zod/${format}`).send({ v: zodOk ?? ok })).status).toBe(200);
      const zodRefused = await app.request.post(`/zod/${format}`).send({ v: bad });
      expect(zodRefused.status).toBe(400);
      expect(zodRefused.body.errors).toEqual([expect.objectContaining({ path: "/body/v", code: "format" })]);
    }
  });

  it("names formats the same way for zod and JSON Schema", async () => {
    for (const format of ["email", "uuid", "date-time", "ipv4", "ipv6", "date"]) {
      const entry = FORMATS.find((f) => f.format === format)!;
      const json = await app.request.post(`/json/${format}`).send({ v: entry.bad });
      const zod = await app.request.post(`/zod/${format}`).send({ v: entry.bad });
      expect(zod.body.errors).toEqual(json.body.errors);
      expect(json.body.errors[0].message).not.toContain(String(entry.bad));
    }
  });
});
