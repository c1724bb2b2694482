import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { loadCorpus } from "../validation/test-support/corpora.js";
import { startApp, type TestApp } from "../validation/test-support/express-app.js";

interface Payload {
  readonly id: string;
  readonly payload: string;
  readonly contexts: readonly string[];
}

const payloads = loadCorpus<{ payloads: readonly Payload[] }>("xss-vectors.json").payloads;
const byContext = (context: string) => payloads.filter((p) => p.contexts.includes(context));

describe("JSON and problem responses on Express (xss-vectors contexts)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ onError: () => undefined }, [
      { path: "/echo", policy: { public: true, query: { type: "object", properties: { v: { type: "string", maxLength: 2000 } } } }, handler: (req, res) => { res.json({ v: req.query.v }); } },
      { path: "/strict", policy: { public: true, query: { type: "object", properties: { v: { type: "string", enum: ["safe"] } } } } },
      { path: "/header", policy: { public: true, query: { type: "object", properties: { v: { type: "string" } } } }, handler: (req, res) => { res.setHeader("x-foo", String(req.query.v)); res.json({ ok: true }); } },
    ]);
  });
  afterAll(() => app.close());

  it.each([...byContext("json-response-content-type"), ...byContext("html-body").slice(0, 20)].map((p) => [p.id, p.payload] as const))(
    "%s is sent as JSON with nosniff, never as HTML",
    async (_id, payload) => {
      const response = await app.request.get("/echo").query({ v: payload });
      expect(response.status).toBe(200);
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
      expect(response.body).toEqual({ v: payload });
    },
  );

  it.each(byContext("error-detail").concat(byContext("html-body").slice(0, 20)).map((p) => [p.id, p.payload] as const))(
    "%s refused by validation is never reflected",
    async (_id, payload) => {
      const response = await app.request.get("/strict").query({ v: payload });
      expect(response.status).toBe(400);
      expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
      expect(JSON.parse(response.text).code).toBe("VALIDATION_FAILED");
      expect(response.text).not.toContain(payload);
      expect(response.text).not.toContain(JSON.stringify(payload).slice(1, -1));
    },
  );

  it.each(byContext("http-header-value").map((p) => [p.id, p.payload] as const))("%s cannot split a response", async (_id, payload) => {
    const response = await app.request.get("/header").query({ v: payload });
    expect(response.status).toBe(500);
    expect(response.headers["set-cookie"]).toBeUndefined();
    expect(response.headers["x-foo"]).toBeUndefined();
    expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
  });
});
