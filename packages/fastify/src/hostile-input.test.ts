import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { CORPORA, createApp, listen, testAuthenticator } from "./__tests__/support.js";

interface CorpusCase {
  readonly id: string;
  readonly category: string;
  readonly transport: string;
  readonly expected: string;
  readonly raw?: string;
}

interface Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

const corpus = JSON.parse(readFileSync(path.join(CORPORA, "input-validation-abuse.json"), "utf8")) as { cases: CorpusCase[] };

/** Sends exactly these bytes and headers (no client-side encoding or validation). */
function send(app: FastifyInstance, method: string, target: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> {
  const { port } = app.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: target, headers: body ? { ...headers, "content-length": String(body.length) } : headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"], body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function prototypeIsClean(): boolean {
  const probe = {} as Record<string, unknown>;
  return ["x", "y", "bar", "polluted", "status", "admin", "json spaces", "parameterLimit", "exposedHeaders", "allowDots"].every((key) => probe[key] === undefined);
}

let app: FastifyInstance;

beforeAll(async () => {
  app = await createApp({ authenticate: [testAuthenticator] });
  app.post("/echo", { config: { secure: { public: true } } }, async (req) => ({ body: req.body }));
  app.get("/users/:id", { config: { secure: { public: true } } }, async (req) => ({ params: req.params, query: req.query }));
  app.put("/admin/:id", { config: { secure: { roles: ["admin"] } } }, async (req) => ({ body: req.body }));
  app.post("/items", {
    config: { secure: { public: true } },
    schema: { body: { type: "object", required: ["name"], properties: { name: { type: "string", maxLength: 5 } } } },
  }, async () => ({ ok: true }));
  app.get("/open", async () => ({ secret: "unguarded" }));
  await listen(app);
});
afterAll(() => app.close());

describe("corpus: JSON prototype pollution and syntax (input-validation-abuse.json)", () => {
  const cases = corpus.cases.filter((c) => c.transport === "json-body" && c.category === "prototype-pollution-json" && typeof c.raw === "string");
  const syntax = corpus.cases.filter((c) => ["json-trailing-comma", "json-comment", "json-single-quotes", "json-nan-literal"].includes(c.id));

  it("has the cases this test expects", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(syntax).toHaveLength(4);
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    const res = await send(app, "POST", "/echo", { "content-type": "application/json" }, Buffer.from(c.raw!));
    if (c.expected === "accept-if-schema-allows") {
      expect(res.status).toBe(200);
    } else {
      expect(res.status).toBe(400);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(res.body).code).toBe("FORBIDDEN_KEY");
    }
    expect(prototypeIsClean()).toBe(true);
    const clean = await send(app, "POST", "/echo", { "content-type": "application/json" }, Buffer.from('{"a":1}'));
    expect(clean.status).toBe(200);
    expect(JSON.parse(clean.body)).toEqual({ body: { a: 1 } });
  });

  it.each(syntax.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    const res = await send(app, "POST", "/echo", { "content-type": "application/json" }, Buffer.from(c.raw!));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).code).toBe("MALFORMED_JSON");
  });
});

describe("random requests", () => {
  const safeText = fc.string({ unit: fc.constantFrom(..."abcXYZ019-_.~:,;=!$'()*+@ /\\\"<>{}[]|^`"), maxLength: 30 });
  const segment = fc.oneof(
    fc.string({ maxLength: 12 }).map(encodeURIComponent),
    fc.constantFrom("%", "%zz", "%E0%A4%A", "..", "%2e%2e", "%00", "a%2Fb", "__proto__", "constructor", "echo", "users", "admin", "1"),
  );
  const routePath = fc.oneof(
    fc.array(segment, { maxLength: 5 }).map((segments) => "/" + segments.join("/")),
    fc.constantFrom("/echo", "/items", "/open"),
    segment.map((id) => `/users/${id}`),
    segment.map((id) => `/admin/${id}`),
  );
  const target = fc.tuple(routePath, fc.option(fc.array(fc.tuple(segment, segment), { maxLength: 6 }), { nil: undefined }))
    .map(([pathname, query]) => pathname + (query ? "?" + query.map(([k, v]) => `${k}=${v}`).join("&") : ""));
  const method = fc.constantFrom("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  const headerName = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-"), minLength: 1, maxLength: 16 })
    .filter((name) => !["host", "content-length", "transfer-encoding", "connection", "expect", "upgrade", "content-type"].includes(name));
  const headerValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 64 });
  const headers = fc.record({
    random: fc.dictionary(headerName, headerValue, { maxKeys: 5 }),
    known: fc.record({
      "x-request-id": headerValue,
      "x-test-user": fc.oneof(headerValue, fc.constantFrom("ada:admin", "bad", ":", "x:")),
      "x-forwarded-for": headerValue,
      accept: headerValue,
      "content-encoding": fc.constantFrom("identity", "identity", "gzip"),
    }, { requiredKeys: [] }),
  });
  const contentType = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom("application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded", "application/vnd.x+json") },
    { weight: 1, arbitrary: fc.constantFrom("application/json; charset=latin1", "text/plain", "text/xml", "multipart/form-data; boundary=x", ";", "application/json; charset=\"", "") },
  );
  const hostileJson = fc.constantFrom('{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', "[".repeat(5000), '{"a":', '"\\ud800"', "null", "1e400");
  const body = fc.oneof(
    fc.jsonValue({ maxDepth: 6 }).map((v) => Buffer.from(JSON.stringify(v) ?? "null")),
    hostileJson.map((s) => Buffer.from(s)),
    safeText.map((s) => Buffer.from(s)),
    fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
  );

  it("never answers 5xx, and refuses only with problem+json", async () => {
    await fc.assert(
      fc.asyncProperty(method, target, headers, fc.option(fc.tuple(contentType, body), { nil: undefined }), async (m, t, h, payload) => {
        const sent: Record<string, string> = { ...h.random, ...h.known };
        if (payload && payload[0] !== "") sent["content-type"] = payload[0];
        const res = await send(app, m, t, sent, payload?.[1]);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400 && m !== "HEAD") expect(res.contentType).toMatch(/^application\/problem\+json/);
        expect(prototypeIsClean()).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
