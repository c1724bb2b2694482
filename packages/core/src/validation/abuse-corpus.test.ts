/**
 * The validation cases of input-validation-abuse.json (parameter pollution, type confusion, NoSQL
 * and SQL operators, path traversal, Unicode and control characters, mass assignment, size and
 * depth with schema limits, ReDoS), each sent through a real Express app with the corpus'
 * reference schema, as JSON Schema and as zod.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type supertest from "supertest";
import { z } from "zod";
import type { RoutePolicy } from "../policy/route-policy.js";
import { encodeHtml } from "../output/encoders.js";
import { canonicalIdentifier } from "./canonical-identifier.js";
import { loadCorpus } from "./test-support/corpora.js";
import { startApp, type TestApp } from "./test-support/express-app.js";

interface AbuseCase {
  readonly id: string;
  readonly category: string;
  readonly transport: string;
  readonly raw?: string;
  readonly value?: string;
  readonly generator?: string;
  readonly expected: string;
  readonly observed?: Record<string, unknown>;
}

interface Corpus {
  readonly referenceSchema: { body: Record<string, unknown>; query: Record<string, unknown>; pathParam: { id: Record<string, unknown> } };
  readonly cases: readonly AbuseCase[];
}

const corpus = loadCorpus<Corpus>("input-validation-abuse.json");
const { referenceSchema } = corpus;
const casesOf = (category: string) => corpus.cases.filter((c) => c.category === category);

/** Transport-level categories are covered by the transport's own tests. */
const VALIDATION_CATEGORIES = [
  "http-parameter-pollution", "type-confusion", "nosql-injection", "sql-injection", "path-traversal",
  "unicode-and-control", "mass-assignment", "size-depth-dos",
];

const bodyZod = z.object({
  name: z.string().min(1).max(100),
  quantity: z.number().int().min(1).max(1000),
  price: z.number().min(0).optional(),
  tags: z.array(z.string().max(30)).max(20).optional(),
  username: z.string().max(64).optional(),
  password: z.string().max(128).optional(),
});
const loginJson = { type: "object", additionalProperties: false, properties: { username: { type: "string", maxLength: 64 }, password: { type: "string", maxLength: 128 } } };
const loginZod = z.object({ username: z.string().max(64).optional(), password: z.string().max(128).optional() });
// The corpus' query schema, plus the scalars its parameter-pollution cases repeat.
const queryJson = {
  ...referenceSchema.query,
  properties: { ...(referenceSchema.query.properties as object), amount: { type: "integer" }, debug: { type: "boolean" }, param: { type: "string" } },
};
const fileJson = { type: "object", additionalProperties: false, required: ["file"], properties: { file: referenceSchema.pathParam.id } };

let app: TestApp;
beforeAll(async () => {
  const route = (method: "get" | "post", path: string, policy: RoutePolicy) => ({ method, path, policy: { public: true, ...policy } });
  app = await startApp({}, [
    route("post", "/json/items", { body: referenceSchema.body }),
    route("post", "/zod/items", { body: bodyZod }),
    route("post", "/strip/items", { body: { schema: referenceSchema.body, unknown: "strip" } }),
    route("post", "/strip-zod/items", { body: { schema: bodyZod, unknown: "strip" } }),
    route("post", "/json/login", { body: loginJson }),
    route("post", "/zod/login", { body: loginZod }),
    route("get", "/json/search", { query: queryJson }),
    route("post", "/json/mixed", { query: { type: "object", properties: { owner: { type: "string" } } }, body: { type: "object", properties: { owner: { type: "string" } } } }),
    route("get", "/json/files/:id", { params: { type: "object", properties: { id: referenceSchema.pathParam.id } } }),
    route("get", "/zod/files/:id", { params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }) }),
    route("post", "/json/files", { body: fileJson }),
    route("post", "/json/formats", {
      body: {
        type: "object",
        properties: Object.fromEntries(["email", "uri", "hostname", "date-time", "uuid", "ipv4", "ipv6", "uri-reference", "duration", "regex"].map((f) => [f, { type: "string", format: f }])),
      },
    }),
    route("post", "/zod/email", { body: z.object({ email: z.email() }) }),
  ]);
});
afterAll(() => app.close());

function sendJson(path: string, raw: string): supertest.Test {
  return app.request.post(path).set("content-type", "application/json").send(raw);
}

/** Sends and checks a refusal: a 4xx problem, and the handler never ran. */
async function expectRefused(send: () => supertest.Test, statuses: readonly number[] = [400]): Promise<supertest.Response> {
  const before = app.received.length;
  const response = await send();
  expect(statuses).toContain(response.status);
  if (response.status !== 431) expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
  expect(app.received.length).toBe(before);
  return response;
}

async function expectAccepted(send: () => supertest.Test): Promise<{ params: unknown; query: unknown; body: unknown }> {
  const before = app.received.length;
  const response = await send();
  expect(response.status).toBe(200);
  expect(app.received.length).toBe(before + 1);
  return app.received[app.received.length - 1]!;
}

const codes = (response: supertest.Response) => (response.body.errors as { path: string; code: string }[]).map((e) => `${e.path} ${e.code}`);

it("covers every case of the validation categories", () => {
  const handled = new Set([
    ...casesOf("http-parameter-pollution"), ...casesOf("type-confusion"), ...casesOf("nosql-injection"), ...casesOf("sql-injection"),
    ...casesOf("path-traversal"), ...casesOf("unicode-and-control"), ...casesOf("mass-assignment"), ...casesOf("size-depth-dos"),
  ].map((c) => c.id));
  const expectedIds = corpus.cases.filter((c) => VALIDATION_CATEGORIES.includes(c.category)).map((c) => c.id);
  expect([...handled].sort()).toEqual(expectedIds.sort());
  expect(expectedIds.length).toBeGreaterThan(100);
});

describe("http-parameter-pollution", () => {
  const cases = casesOf("http-parameter-pollution");

  it.each(cases.filter((c) => c.transport === "query" && c.expected === "reject-400").map((c) => [c.id, c] as const))("%s is refused", async (_id, c) => {
    const response = await expectRefused(() => app.request.get(`/json/search${c.raw}`));
    if (c.id.startsWith("hpp-duplicate") || c.id === "hpp-debug-toggle") expect(codes(response)).toEqual([`/query/${c.raw!.slice(1).split("=")[0]} duplicateParameter`]);
  });

  it("hpp-encoded-ampersand: the value stays a literal and makes no parameter", async () => {
    const seen = await expectAccepted(() => app.request.get("/json/search?q=value1%26role=admin"));
    expect(seen.query).toEqual({ q: "value1&role=admin" });
  });

  it("hpp-semicolon-separator: refused, the literal is not an allowed role", async () => {
    const response = await expectRefused(() => app.request.get("/json/search?role=user;role=admin"));
    expect(codes(response)).toEqual(["/query/role enum"]);
  });

  it("hpp-empty-key: the nameless parameter is ignored", async () => {
    const seen = await expectAccepted(() => app.request.get("/json/search?=admin&role=user"));
    expect(seen.query).toEqual({ role: "user" });
  });

  it("hpp-json-duplicate-keys: refused, the undeclared role never reaches the handler", async () => {
    const c = cases.find((x) => x.id === "hpp-json-duplicate-keys")!;
    const response = await expectRefused(() => sendJson("/json/login", c.raw!));
    expect(codes(response)).toEqual(["/body/role additionalProperties"]);
  });

  it("hpp-body-vs-query: query and body are validated and handed over separately, never merged", async () => {
    const seen = await expectAccepted(() => app.request.post("/json/mixed?owner=alice").send({ owner: "mallory" }));
    expect(seen.query).toEqual({ owner: "alice" });
    expect(seen.body).toEqual({ owner: "mallory" });
  });
});

describe("type-confusion", () => {
  // A string field accepts any string: "false" stays the string "false", never a boolean.
  const DECISIONS: Readonly<Record<string, string>> = { "tc-name-bool-string": "accepted as the string it is" };
  const cases = casesOf("type-confusion");

  it.each(cases.filter((c) => !DECISIONS[c.id]).map((c) => [c.id, c] as const))("%s is refused by both validators", async (_id, c) => {
    for (const path of ["/json/items", "/zod/items"]) await expectRefused(() => sendJson(path, c.raw!));
  });

  it("tc-name-bool-string: the text reaches the handler as text", async () => {
    for (const path of ["/json/items", "/zod/items"]) {
      const seen = await expectAccepted(() => sendJson(path, '{"name":"false","quantity":5}'));
      expect(seen.body).toEqual({ name: "false", quantity: 5 });
    }
  });
});

describe("nosql-injection and sql-injection", () => {
  it.each(casesOf("nosql-injection").filter((c) => c.transport === "json-body").map((c) => [c.id, c] as const))("%s is refused", async (_id, c) => {
    for (const path of ["/json/login", "/zod/login"]) {
      const response = await expectRefused(() => sendJson(path, c.raw!));
      for (const line of codes(response)) expect(line).toMatch(/ (type|operatorKey|additionalProperties)$/);
    }
  });

  it.each(casesOf("nosql-injection").filter((c) => c.transport === "query").map((c) => [c.id, c] as const))("%s is refused", async (_id, c) => {
    const response = await expectRefused(() => app.request.get(`/json/search${c.raw}`));
    for (const line of codes(response)) expect(line).toMatch(/ operatorKey$/);
  });

  const opaque = [...casesOf("nosql-injection"), ...casesOf("sql-injection")].filter((c) => c.expected === "accept-as-opaque-string");
  it.each(opaque.map((c) => [c.id, c] as const))("%s is data, passed on unchanged", async (_id, c) => {
    for (const path of ["/json/items", "/zod/items"]) {
      const seen = await expectAccepted(() => sendJson(path, c.raw!));
      expect(seen.body).toEqual(JSON.parse(c.raw!));
    }
  });
});

describe("path-traversal", () => {
  it.each(casesOf("path-traversal").map((c) => [c.id, c] as const))("%s fails the identifier allowlist, as a path parameter or a field", async (_id, c) => {
    for (const prefix of ["/json", "/zod"]) {
      const response = await expectRefused(() => app.request.get(`${prefix}/files/${encodeURIComponent(c.raw!)}`));
      for (const line of codes(response)) expect(line).toMatch(/^\/params\/id (pattern|unsafeCharacters)$/);
    }
    await expectRefused(() => app.request.post("/json/files").send({ file: c.raw }));
  });
});

describe("unicode-and-control", () => {
  const byId = (id: string) => casesOf("unicode-and-control").find((c) => c.id === id)!;

  it.each(["unicode-nul-in-string", "unicode-rtl-override", "unicode-zero-width", "unicode-bom-prefix"].map((id) => [id] as const))("%s is refused", async (id) => {
    for (const path of ["/json/login", "/zod/login"]) {
      const response = await expectRefused(() => sendJson(path, byId(id).raw!));
      expect(codes(response)).toEqual(["/body/username unsafeCharacters"]);
    }
  });

  it("unicode-lone-surrogate-escape: a lone surrogate (JSON \\ud800) is refused; the escaped text itself is plain ASCII data", async () => {
    const response = await expectRefused(() => sendJson("/json/login", '{"username":"\\ud800"}'));
    expect(codes(response)).toEqual(["/body/username unsafeCharacters"]);
    const seen = await expectAccepted(() => sendJson("/json/login", byId("unicode-lone-surrogate-escape").raw!));
    expect(seen.body).toEqual({ username: "\\ud800" });
  });

  it("unicode-nul-percent: a percent-encoded NUL decodes to NUL in a query or path and is refused", async () => {
    await expectRefused(() => app.request.get("/json/search?username=admin%00"));
    await expectRefused(() => app.request.get("/json/files/admin%00"));
    // In a JSON string "%00" is three characters of text, not a NUL.
    expect((await expectAccepted(() => sendJson("/json/login", byId("unicode-nul-percent").raw!))).body).toEqual({ username: "admin%00" });
  });

  const compared = casesOf("unicode-and-control").filter((c) => c.expected === "normalise-then-compare" || c.expected === "casefold-aware");
  it.each(compared.map((c) => [c.id, c] as const))("%s is kept as sent, and canonicalIdentifier compares it safely", async (_id, c) => {
    const seen = await expectAccepted(() => sendJson("/json/login", c.raw!));
    expect(seen.body).toEqual({ username: c.value });
    const canonical = canonicalIdentifier(c.value!);
    expect(canonical).toBe(String(c.observed!.NFKC).toLowerCase());
    // A look-alike of "admin" collides with it (so registration can refuse it); others stay distinct.
    expect(canonical === canonicalIdentifier("admin")).toBe(c.observed!["NFKC===admin-ish"] === true);
  });

  it("unicode-fullwidth-lt: data in, and encoded after normalising on the way out", async () => {
    const c = byId("unicode-fullwidth-lt");
    await expectAccepted(() => sendJson("/json/login", c.raw!));
    expect(encodeHtml(c.value!.normalize("NFKC"))).toBe("&lt;img src=a&gt;");
  });

  it("unicode-homoglyph-cyrillic: refused by an identifier allowlist, and never equal to admin", async () => {
    const c = byId("unicode-homoglyph-cyrillic");
    await expectRefused(() => app.request.post("/json/files").send({ file: c.value }));
    expect(canonicalIdentifier(c.value!)).not.toBe("admin");
  });
});

describe("mass-assignment", () => {
  const PRIVILEGED = ["isAdmin", "role", "ownerId", "id", "createdAt", "discount"];

  it.each(casesOf("mass-assignment").map((c) => [c.id, c] as const))("%s: refused by default, stripped when the route asks", async (_id, c) => {
    for (const path of ["/json/items", "/zod/items"]) {
      const response = await expectRefused(() => sendJson(path, c.raw!));
      const named = codes(response).filter((line) => line.endsWith(" additionalProperties")).map((line) => line.split(" ")[0]!.replace("/body/", ""));
      expect(named.length).toBeGreaterThan(0);
      for (const name of named) expect([...PRIVILEGED, "email"]).toContain(name);
    }
    for (const path of ["/strip/items", "/strip-zod/items"]) {
      const before = app.received.length;
      const response = await sendJson(path, c.raw!);
      if (response.status === 200) {
        const seen = app.received[app.received.length - 1]!.body as Record<string, unknown>;
        for (const name of PRIVILEGED) expect(seen).not.toHaveProperty(name);
        expect(response.text).not.toMatch(/isAdmin|ownerId|createdAt|discount|"role"/);
      } else {
        expect(response.status).toBe(400);
        expect(app.received.length).toBe(before);
      }
    }
  });
});

describe("size-depth-dos", () => {
  const SIZE_STATUSES = [400, 413, 414, 431];
  const generators: Readonly<Record<string, () => supertest.Test>> = {
    "dos-depth-array-10k": () => sendJson("/json/items", "[".repeat(10_000) + "]".repeat(10_000)),
    "dos-depth-object-10k": () => sendJson("/json/items", '{"a":'.repeat(10_000) + "1" + "}".repeat(10_000)),
    "dos-depth-array-100k": () => sendJson("/json/items", "[".repeat(100_000) + "]".repeat(100_000)),
    "dos-huge-array-1m": () => sendJson("/json/items", "[" + "0,".repeat(999_999) + "0]"),
    "dos-array-within-limit-but-over-maxItems": () => sendJson("/json/items", JSON.stringify({ name: "x", quantity: 5, tags: Array(10_000).fill("a") })),
    "dos-many-keys-50k": () => sendJson("/json/items", JSON.stringify(Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, 1])))),
    "dos-long-string-field": () => sendJson("/json/items", JSON.stringify({ name: "A".repeat(90_000), quantity: 5 })),
    "dos-oversized-body-10mb": () => sendJson("/json/items", JSON.stringify({ name: "A".repeat(10 * 1024 * 1024), quantity: 5 })),
    "dos-qs-parameter-flood": () => app.request.get(`/json/search?${Array.from({ length: 5000 }, (_, i) => `p${i}=1`).join("&")}`),
    "dos-qs-array-index-sparse": () => app.request.get("/json/search?a[999999]=x"),
    "dos-qs-array-push-flood": () => app.request.get(`/json/search?${Array.from({ length: 10_000 }, () => "a[]=x").join("&")}`),
    "dos-qs-depth-overflow": () => app.request.get("/json/search?a[b][c][d][e][f][g][h][i]=j"),
    "dos-url-too-long": () => app.request.get(`/json/search?q=${"A".repeat(20_000)}`),
    "dos-header-flood": () => {
      let test = app.request.get("/json/search");
      for (let i = 0; i < 100; i++) test = test.set(`x-pad-${i}`, "A".repeat(200));
      return test;
    },
    "dos-redos-email-like": () => app.request.post("/json/formats").send({ email: `${"a".repeat(50_000)}@` }),
  };

  it.each(casesOf("size-depth-dos").map((c) => [c.id, c] as const))("%s is refused without a 5xx", async (id) => {
    const send = generators[id];
    expect(send).toBeDefined();
    const response = await expectRefused(send!, SIZE_STATUSES);
    // 10,000 items pass the transport's array limit first; below it, the schema's maxItems answers.
    if (id === "dos-array-within-limit-but-over-maxItems") expect(response.body.code).toBe("ARRAY_TOO_LONG");
    if (id === "dos-redos-email-like") expect(codes(response)).toEqual(["/body/email maxLength"]);
    // The process still serves clean requests.
    expect((await sendJson("/json/items", '{"name":"x","quantity":5}')).status).toBe(200);
  });

  it("dos-array-within-limit-but-over-maxItems: under the transport limit the schema's maxItems refuses", async () => {
    const response = await expectRefused(() => sendJson("/json/items", JSON.stringify({ name: "x", quantity: 5, tags: Array(500).fill("a") })));
    expect(codes(response)).toEqual(["/body/tags maxItems"]);
  });

  it.each(["email", "uri", "hostname", "date-time", "uuid", "ipv4", "ipv6", "uri-reference", "duration", "regex"].map((f) => [f] as const))(
    "dos-redos-email-like: the %s format never runs on the long string",
    async (format) => {
      const response = await expectRefused(() => app.request.post("/json/formats").send({ [format]: `${"a".repeat(50_000)}@` }));
      expect(codes(response)).toEqual([`/body/${format} maxLength`]);
    },
  );

  it("dos-redos-email-like: zod's own e-mail pattern never sees the long string either", async () => {
    const response = await expectRefused(() => app.request.post("/zod/email").send({ email: `${"a".repeat(50_000)}@` }));
    expect(codes(response)).toEqual(["/body/email maxLength"]);
  });
});
