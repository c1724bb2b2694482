import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import request from "supertest";
import { ConfigError, bulwark, frameworkErrors, type SecurityEvent } from "./index.js";
import { SECURITY_HEADERS, createApp, listen, testAuthenticator } from "./__tests__/support.js";

const PUBLIC = { config: { secure: { public: true } } };
const PROBLEM = /^application\/problem\+json/;
const LEAKY_MESSAGE = "cannot open /srv/app/config/secrets.json: password=hunter2-TOPSECRET";

/** Sends a body as given (a chunked one when no content-length header is set), bypassing any client-side encoding. */
function rawPost(app: FastifyInstance, path: string, headers: Record<string, string>, chunks: readonly (string | Buffer)[]): Promise<{ status: number; body: string }> {
  const { port } = app.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: "POST", headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe("transport, errors and headers", () => {
  let app: FastifyInstance;
  const logged: unknown[] = [];

  beforeAll(async () => {
    app = await createApp({ onError: (error) => logged.push(error) });
    app.get("/ok", PUBLIC, async (req) => ({ ok: true, requestId: req.bulwark.requestId }));
    app.post("/echo", PUBLIC, async (req) => ({ body: req.body }));
    app.get("/boom", PUBLIC, async () => {
      throw new Error(LEAKY_MESSAGE);
    });
    app.post("/items", {
      ...PUBLIC,
      schema: {
        body: {
          type: "object",
          additionalProperties: false,
          required: ["name", "quantity"],
          properties: { name: { type: "string", maxLength: 10 }, quantity: { type: "integer" } },
        },
      },
    }, async (req) => ({ created: req.body }));
    await listen(app);
  });
  afterAll(() => app.close());

  it("echoes a well-formed incoming request id in the header, the context and problems", async () => {
    const ok = await request(app.server).get("/ok").set("x-request-id", "client-42.a:b");
    expect(ok.status).toBe(200);
    expect(ok.headers["x-request-id"]).toBe("client-42.a:b");
    expect(ok.body.requestId).toBe("client-42.a:b");
    const failed = await request(app.server).get("/missing").set("x-request-id", "client-43");
    expect(failed.headers["x-request-id"]).toBe("client-43");
    expect(failed.body.requestId).toBe("client-43");
  });

  it.each([
    ["oversized", "a".repeat(129)],
    ["malformed", "id with spaces<script>"],
    ["log injection", "x\tforged=1"],
  ])("replaces an %s incoming request id", async (_label, id) => {
    const res = await request(app.server).get("/ok").set("x-request-id", id);
    expect(res.headers["x-request-id"]).not.toBe(id);
    expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.requestId).toBe(res.headers["x-request-id"]);
  });

  it("sends the security headers on success, error, refusal and not-found responses alike", async () => {
    const responses = await Promise.all([
      request(app.server).get("/ok"),
      request(app.server).get("/boom"),
      request(app.server).post("/echo").set("content-type", "application/json").send("{oops"),
      request(app.server).get("/no/such/route"),
      request(app.server).get("/%E0%A4%A"),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 500, 400, 404, 400]);
    for (const res of responses) {
      for (const name of SECURITY_HEADERS) expect(res.headers[name]).toBeDefined();
      expect(res.headers["content-security-policy"]).toBe("default-src 'none';frame-ancestors 'none'");
      expect(res.headers["x-powered-by"]).toBeUndefined();
    }
  });

  it("answers a thrown Error with a generic 500 that leaks no message, path, secret or stack", async () => {
    logged.length = 0;
    const res = await request(app.server).get("/boom");
    expect(res.status).toBe(500);
    expect(res.headers["content-type"]).toMatch(PROBLEM);
    expect(res.body).toEqual({
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      detail: "Something went wrong on our side.",
      code: "INTERNAL",
      requestId: res.headers["x-request-id"],
    });
    for (const leak of ["/srv/app", "hunter2", "TOPSECRET", "secrets.json", "stack", "Error:", ".ts:"]) expect(res.text).not.toContain(leak);
    expect(logged).toHaveLength(1);
    expect((logged[0] as Error).message).toBe(LEAKY_MESSAGE);
  });

  it("turns Fastify's schema validation error into a validation problem that names fields, not values", async () => {
    const res = await request(app.server).post("/items").send({ name: "far-too-long-a-name", quantity: 1, extra: "sneaky-value" });
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(PROBLEM);
    expect(res.body.code).toBe("VALIDATION_FAILED");
    expect(res.body.errors.length).toBeGreaterThan(0);
    expect(res.body.errors[0].path).toMatch(/^\/body/);
    expect(res.text).not.toContain("far-too-long-a-name");
    expect(res.text).not.toContain("sneaky-value");
    const ok = await request(app.server).post("/items").send({ name: "pen", quantity: 2 });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ created: { name: "pen", quantity: 2 } });
  });

  it("parses JSON and urlencoded bodies with the core's parser", async () => {
    const json = await request(app.server).post("/echo").send({ a: [1, { b: "c" }] });
    expect(json.body).toEqual({ body: { a: [1, { b: "c" }] } });
    const form = await request(app.server).post("/echo").type("form").send("a=1&b=two");
    expect(form.body).toEqual({ body: { a: "1", b: "two" } });
    const vendorJson = await request(app.server).post("/echo").set("content-type", "application/vnd.api+json").send('{"x":1}');
    expect(vendorJson.body).toEqual({ body: { x: 1 } });
  });

  it.each([
    ["malformed JSON", "{\"a\": 1,,}", 400, "MALFORMED_JSON"],
    ["a body nested 10,000 levels deep", "[".repeat(10_000) + "]".repeat(10_000), 400, "BODY_TOO_DEEP"],
    ["an object nested 10,000 levels deep", "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000), 400, "BODY_TOO_DEEP"],
    ["a __proto__ key", "{\"__proto__\":{\"admin\":true}}", 400, "FORBIDDEN_KEY"],
    ["a nested __proto__ key", "{\"user\":{\"name\":\"x\",\"__proto__\":{\"admin\":true}}}", 400, "FORBIDDEN_KEY"],
    ["constructor.prototype", "{\"constructor\":{\"prototype\":{\"x\":1}}}", 400, "FORBIDDEN_KEY"],
  ])("refuses %s with a problem and leaves Object.prototype untouched", async (_label, body, status, code) => {
    const res = await request(app.server).post("/echo").set("content-type", "application/json").send(body);
    expect(res.status).toBe(status);
    expect(res.headers["content-type"]).toMatch(PROBLEM);
    expect(res.body).toMatchObject({ status, code, requestId: res.headers["x-request-id"] });
    const probe = {} as Record<string, unknown>;
    expect(probe.admin).toBeUndefined();
    expect(probe.x).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, "admin")).toBe(false);
  });

  it("refuses a JSON body that is not valid UTF-8", async () => {
    const res = await rawPost(app, "/echo", { "content-type": "application/json" }, [Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])]);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ code: "MALFORMED_BODY" });
  });

  it("refuses a 2 MB body with 413, whether its length is declared or it is chunked", async () => {
    const big = JSON.stringify({ data: "x".repeat(2 * 1024 * 1024) });
    const declared = await request(app.server).post("/echo").set("content-type", "application/json").send(big);
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({ code: "BODY_TOO_LARGE", status: 413 });
    const chunked = await rawPost(app, "/echo", { "content-type": "application/json", "transfer-encoding": "chunked" }, Array.from({ length: 32 }, (_, i) => (i === 0 ? "[" : ",") + JSON.stringify("y".repeat(64 * 1024))).concat("]"));
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ code: "BODY_TOO_LARGE" });
  });

  it("refuses text/xml and compressed bodies with 415", async () => {
    const xml = await request(app.server).post("/echo").set("content-type", "text/xml").send("<a>1</a>");
    expect(xml.status).toBe(415);
    expect(xml.body).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });
    const gz = await request(app.server).post("/echo").set("content-type", "application/json").set("content-encoding", "gzip").send("{}");
    expect(gz.status).toBe(415);
  });

  it("answers an unmatched route, and a URL Fastify cannot decode, with problem+json", async () => {
    const missing = await request(app.server).post("/nowhere").send({ a: 1 });
    expect(missing.status).toBe(404);
    expect(missing.headers["content-type"]).toMatch(PROBLEM);
    expect(missing.body).toMatchObject({ code: "NOT_FOUND", title: "Not Found" });
    expect(missing.text).not.toContain("nowhere");
    // Fastify raises these before routing; `frameworkErrors` (passed to Fastify()) answers them.
    const undecodable = await request(app.server).get("/echo/%zz%E0%A4%A");
    expect(undecodable.status).toBe(400);
    expect(undecodable.headers["content-type"]).toMatch(PROBLEM);
    expect(undecodable.body).toMatchObject({ code: "BAD_REQUEST", requestId: undecodable.headers["x-request-id"] });
    expect(undecodable.text).not.toContain("%zz");
  });
});

describe("frameworkErrors without the plugin on the root instance", () => {
  it("still answers a URL Fastify cannot decode with a generic problem", async () => {
    const app = Fastify({ frameworkErrors });
    await app.register(async (scope) => {
      await scope.register(bulwark, { onError: () => undefined });
      scope.get("/scoped/:id", { config: { secure: { public: true } } }, async () => "x");
    });
    await listen(app);
    const res = await request(app.server).get("/scoped/%zz");
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(PROBLEM);
    expect(res.body).toMatchObject({ code: "BAD_REQUEST", status: 400 });
    expect(res.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.text).not.toContain("%zz");
    expect(res.text).not.toContain("FST_");
    await app.close();
  });
});

describe("configuration", () => {
  it("rejects unknown and mistyped options at registration, listing every problem", async () => {
    const app = Fastify();
    const failure = await app.register(bulwark, { strikt: true, strict: "yes", expose: 1 } as never).ready().then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    const problems = (failure as ConfigError).problems.join("\n");
    expect(problems).toMatch(/strikt/);
    expect(problems).toMatch(/strict/);
    expect(problems).toMatch(/expose/);
    expect((failure as ConfigError).problems).toHaveLength(3);
    await app.close();
  });

  it("refuses a bad route policy when the route is registered", async () => {
    const app = await createApp();
    expect(() => app.get("/x", { config: { secure: { rolez: ["admin"] } as never } }, async () => "x")).toThrow(ConfigError);
    expect(() => app.secure({ public: "yes" } as never)).toThrow(ConfigError);
    expect(() => app.secure(undefined as never)).toThrow(/needs a policy object/);
    await app.close();
  });

  it("types config.secure as a route policy and refuses anything else", async () => {
    const app = await createApp();
    // @ts-expect-error a policy is an object, not a role name
    expect(() => app.get("/typed", { config: { secure: "admin" } }, async () => "x")).toThrow(ConfigError);
    // @ts-expect-error nor a flag
    expect(() => app.get("/flag", { config: { secure: true } }, async () => "x")).toThrow(ConfigError);
    await app.close();
  });

  it("exports exactly the documented names", async () => {
    const exported = Object.keys(await import("./index.js")).sort();
    expect(exported).toEqual([
      "ConfigError", "ResponseValidationError", "SecurityError", "apiKey", "bulwark", "canonicalIdentifier", "createApiKey", "createMasker", "default", "encodeHtml", "encodeHtmlAttribute", "encodeJsString", "encodeJsonForHtml", "encodeUrlComponent", "frameworkErrors", "isSecurityError", "jwt", "maskCard", "maskEmail", "maskEvents", "maskIban", "maskPhone", "memoryStore", "redisStore", "route", "safeUrl",
    ]);
  });

  it("exposes the engine and feature functions on fastify.bulwark", async () => {
    const app = await createApp();
    await app.ready();
    expect(typeof app.bulwark.engine.compile).toBe("function");
    expect(app.bulwark.engine.config.limits.bodyBytes).toBe(100 * 1024);
    await app.close();
  });
});

describe("Fastify's own logging", () => {
  it("logs requests and errors without credentials, the error message or the stack", async () => {
    const lines: string[] = [];
    const app = Fastify({ logger: { level: "trace", stream: { write: (line: string) => void lines.push(line) } } });
    await app.register(bulwark, { authenticate: [testAuthenticator], onError: () => undefined });
    app.get("/fail", { config: { secure: { public: true } } }, async () => {
      throw new Error(LEAKY_MESSAGE);
    });
    await listen(app);
    const res = await request(app.server).get("/fail")
      .set("authorization", "Bearer eyJhbGciOi.SECRET-TOKEN-1")
      .set("cookie", "session=SECRET-COOKIE-2")
      .set("x-api-key", "SECRET-KEY-3");
    expect(res.status).toBe(500);
    await app.close();
    const log = lines.join("");
    expect(log).toContain("incoming request");
    for (const secret of ["SECRET-TOKEN-1", "SECRET-COOKIE-2", "SECRET-KEY-3", "hunter2", "/srv/app", "stack"]) expect(log).not.toContain(secret);
  });
});

describe("route policies", () => {
  let app: FastifyInstance;
  const events: SecurityEvent[] = [];
  const admin = { "x-test-user": "ada:admin" };
  const viewer = { "x-test-user": "vic:viewer" };

  beforeAll(async () => {
    app = await createApp({ authenticate: [testAuthenticator], onEvent: (event) => { events.push(event); } });
    const whoami = async (req: { bulwark: { principal?: { id: string } } }) => ({ id: req.bulwark.principal?.id });
    app.get("/config", { config: { secure: { roles: ["admin"] } } }, whoami);
    app.get("/hook", { onRequest: app.secure({ roles: ["admin"] }) }, whoami);
    app.get("/users/:id", { config: { secure: { roles: ["admin"] } } }, async (req) => ({ params: req.params }));
    app.get("/public", { config: { secure: { public: true } } }, whoami);
    // A route limit checks the parsed body, so it proves when the guard ran.
    const shallow = { public: true, limits: { jsonDepth: 2 } } as const;
    app.post("/deep/on-request", { onRequest: app.secure(shallow) }, async () => ({ ok: true }));
    app.post("/deep/pre-parsing", { preParsing: app.secure(shallow) }, async () => ({ ok: true }));
    app.post("/deep/pre-validation", { preValidation: app.secure(shallow) }, async () => ({ ok: true }));
    app.post("/deep/pre-handler", { preHandler: [app.secure(shallow)] }, async () => ({ ok: true }));
    app.post("/deep/config", { config: { secure: shallow } }, async () => ({ ok: true }));
    await listen(app);
  });
  afterAll(() => app.close());

  it.each(["/config", "/hook"])("%s: 401 anonymous, 403 wrong role, 200 admin, with events", async (path) => {
    events.length = 0;
    const anonymous = await request(app.server).get(path);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers["www-authenticate"]).toBe("Test");
    expect(anonymous.body.code).toBe("AUTH_REQUIRED");
    const wrongRole = await request(app.server).get(path).set(viewer);
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body.code).toBe("AUTHZ_INSUFFICIENT_ROLE");
    const ok = await request(app.server).get(path).set(admin);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ id: "ada" });
    expect(ok.headers["cache-control"]).toBe("no-store");
    expect(events.map((e) => e.type)).toEqual(["auth.failed", "auth.succeeded", "authz.denied", "auth.succeeded"]);
    expect(events[2]).toMatchObject({ route: path, principalId: "vic", code: "AUTHZ_INSUFFICIENT_ROLE" });
  });

  it("answers a present but invalid credential with 401 before any route policy", async () => {
    const res = await request(app.server).get("/public").set("x-test-user", "bad");
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("AUTH_TOKEN_INVALID");
  });

  it("reports the route template and params to the policy", async () => {
    events.length = 0;
    const res = await request(app.server).get("/users/42").set(viewer);
    expect(res.status).toBe(403);
    expect(events.find((e) => e.type === "authz.denied")).toMatchObject({ route: "/users/:id" });
    const ok = await request(app.server).get("/users/42").set(admin);
    expect(ok.body).toEqual({ params: { id: "42" } });
  });

  it.each(["on-request", "pre-parsing", "pre-validation", "pre-handler", "config"])(
    "runs a guard placed in %s after the body is parsed and checked",
    async (slot) => {
      const deep = await request(app.server).post(`/deep/${slot}`).send({ a: { b: { c: 1 } } });
      expect(deep.status).toBe(400);
      expect(deep.body.code).toBe("BODY_TOO_DEEP");
      const flat = await request(app.server).post(`/deep/${slot}`).send({ a: 1 });
      expect(flat.status).toBe(200);
    },
  );
});
