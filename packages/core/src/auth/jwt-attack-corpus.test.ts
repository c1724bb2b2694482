/**
 * Every case of the shared JWT attack corpus (`jwt-attack-cases.json`), each run through a real
 * Express app guarded by `jwt()` configured with the case's verifier profile, against the case's
 * expected outcome. Cases marked `joseGap` are those plain `jose.jwtVerify` lets through.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import request from "supertest";
import { ConfigError } from "../errors/security-error.js";
import type { SecurityEvent } from "../events/security-event.js";
import { jwt } from "./jwt.js";
import { resolveJwtOptions, type JwtOptions } from "./jwt-options.js";
import { createJwtVerifier } from "./jwt-verifier.js";
import { authApp } from "./testing/auth-app.js";
import { loadCorpus } from "./testing/corpora.js";
import { rawRequest } from "./testing/raw-request.js";
import { b64 } from "./testing/tokens.js";

interface CorpusCase {
  id: string;
  category: string;
  expected: "accept" | "reject" | "reject-config" | "reject-or-accept" | "policy";
  expectedStatus?: number;
  verifier: string;
  description: string;
  token?: string;
  tokenRef?: string;
  joseGap?: string[];
}

interface Corpus {
  fixtures: {
    trusted: Record<string, { jwk: Record<string, string>; publicJwk?: Record<string, string>; spkiPem?: string; kid?: string }>;
    verifierProfiles: { common: { issuer: string; audience: string; clockToleranceSeconds: number; maxTokenLength: number } };
  };
  cases: CorpusCase[];
}

const corpus = loadCorpus<Corpus>("jwt-attack-cases.json");
const { trusted, verifierProfiles } = corpus.fixtures;
const common = verifierProfiles.common;
const hsSecret = Buffer.from(trusted.hs256!.jwk.k!, "base64url");
const byId = new Map(corpus.cases.map((c) => [c.id, c]));

/** Bulwark options for a corpus verifier profile. */
function profileOptions(profile: string): JwtOptions {
  const noIssAud = profile.endsWith("-no-iss-aud");
  const base = profile.replace(/-no-iss-aud$/, "");
  const identity = noIssAud ? { issuer: false as const, audience: false as const } : { issuer: common.issuer, audience: common.audience };
  const shared = { ...identity, clockTolerance: common.clockToleranceSeconds, maxTokenBytes: common.maxTokenLength };
  switch (base) {
    case "hs256":
      return { ...shared, algorithms: ["HS256"], secret: hsSecret };
    case "hs-keyring":
      return { ...shared, algorithms: ["HS256"], secret: { k1: hsSecret } };
    case "rs256":
      return { ...shared, algorithms: ["RS256"], publicKey: trusted.rs256!.spkiPem! };
    case "rs256-mixed-algs":
      return { ...shared, algorithms: ["RS256", "HS256"], publicKey: trusted.rs256!.spkiPem! };
    case "es256":
      return { ...shared, algorithms: ["ES256"], publicKey: trusted.es256!.publicJwk! };
    case "eddsa":
      return { ...shared, algorithms: ["EdDSA"], publicKey: trusted.eddsa!.publicJwk! };
    case "jwks":
      return {
        ...shared,
        algorithms: ["RS256", "ES256"],
        jwks: { keys: [{ ...trusted.rs256!.publicJwk!, kid: trusted.rs256!.kid! }, { ...trusted.es256!.publicJwk!, kid: trusted.es256!.kid! }] },
      };
    default:
      throw new Error(`unknown verifier profile ${profile}`);
  }
}

// Cases whose policy note asks for a configuration beyond the bare profile.
const TYP_CASES = new Set(["typ-idtoken-as-access-token", "typ-at-jwt-ok"]);
const SCOPE_CASES = new Set(["scope-substring-confusion", "scope-array-type"]);
// Over HTTP, " <token>" after "Bearer " is "Bearer" followed by two spaces, which RFC 6750 §2.1
// (1*SP) accepts, exactly like location-header-bearer-multiple-spaces; and a header cannot carry a
// bare newline. These tokens are therefore also checked on the verifier itself.
const VERIFIER_LEVEL = new Set(["leading-space", "embedded-newline"]);
// Bytes an HTTP client refuses to put in a header go over a raw socket.
const RAW_SOCKET = new Set(["embedded-newline", "non-ascii"]);
// Bulwark refuses a token in the query string outright with 400 invalid_request (RFC 6750 §3.1:
// an unsupported way of sending a token) rather than ignoring it, so the client learns why.
const STATUS_OVERRIDES: Readonly<Record<string, number>> = { "location-query-access_token": 400 };

const events: SecurityEvent[] = [];
const apps = new Map<string, ReturnType<typeof authApp>>();
const servers: http.Server[] = [];

function appFor(c: CorpusCase) {
  const variant = `${c.verifier}|${TYP_CASES.has(c.id) ? "typ" : ""}`;
  let built = apps.get(variant);
  if (built === undefined) {
    const options: JwtOptions = { ...profileOptions(c.verifier), ...(TYP_CASES.has(c.id) ? { typ: "at+jwt" } : {}) };
    // trustProxy and a distinct X-Forwarded-For per request keep the per-IP lockout of failed
    // authentications (a separate feature) out of this suite.
    built = authApp({ authenticate: [jwt(options)], trustProxy: 1, onEvent: (event) => { events.push(event); } }, [
      { path: "/me", policy: {} },
      { method: "post", path: "/me", policy: {} },
      { path: "/admin", policy: { scopes: ["admin"] } },
    ]);
    apps.set(variant, built);
  }
  return built;
}

function serverFor(c: CorpusCase): http.Server {
  const server = http.createServer({ maxHeaderSize: 64 * 1024 }, appFor(c).app);
  servers.push(server);
  return server;
}

function tokenOf(c: CorpusCase): string {
  if (c.token !== undefined) return c.token;
  const referenced = c.tokenRef === undefined ? undefined : byId.get(c.tokenRef)?.token;
  if (referenced === undefined) throw new Error(`case ${c.id} has no token`);
  return referenced;
}

/** Nothing of the token's signature, jose's codes or a stack may leave in a refusal. */
function expectNoLeak(text: string, token: string): void {
  const signature = token.split(".")[2];
  if (signature !== undefined && signature.length > 8) expect(text).not.toContain(signature);
  expect(text).not.toMatch(/ERR_J|jose|\bat .+:\d+:\d+/);
}

let clients = 0;
const nextClient = () => `10.${(++clients >> 8) & 255}.${clients & 255}.1`;

async function send(c: CorpusCase): Promise<{ status: number; text: string; challenge: string }> {
  const token = tokenOf(c);
  const client = nextClient();
  const server = serverFor(c);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    if (RAW_SOCKET.has(c.id)) {
      const response = await rawRequest(server, ["GET /me HTTP/1.1", "Host: api.test", `X-Forwarded-For: ${client}`, `Authorization: Bearer ${token}`]);
      return { status: response.status, text: response.text, challenge: /www-authenticate: (.*)\r\n/i.exec(response.text)?.[1] ?? "" };
    }
    const agent = {
      get: (path: string) => request(server).get(path).set("x-forwarded-for", client),
      post: (path: string) => request(server).post(path).set("x-forwarded-for", client),
    };
    let response: request.Response;
    switch (c.id) {
      case "location-header-bearer-lowercase-scheme":
        response = await agent.get("/me").set("authorization", `bearer ${token}`);
        break;
      case "location-header-bearer-multiple-spaces":
        response = await agent.get("/me").set("authorization", `Bearer   ${token}`);
        break;
      case "location-header-no-scheme":
        response = await agent.get("/me").set("authorization", token);
        break;
      case "location-header-basic-scheme":
        response = await agent.get("/me").set("authorization", `Basic ${token}`);
        break;
      case "location-header-token-scheme":
        response = await agent.get("/me").set("authorization", `Token ${token}`);
        break;
      case "location-header-trailing-garbage":
        response = await agent.get("/me").set("authorization", `Bearer ${token} extra`);
        break;
      case "location-header-empty-bearer":
        response = await agent.get("/me").set("authorization", "Bearer ");
        break;
      case "location-no-credentials":
        response = await agent.get("/me");
        break;
      case "location-query-access_token":
        response = await agent.get(`/me?access_token=${token}`);
        break;
      case "location-form-body-access_token":
        response = await agent.post("/me").type("form").send(`access_token=${token}`);
        break;
      case "location-json-body-token":
        response = await agent.post("/me").send({ access_token: token });
        break;
      case "location-cookie-when-header-configured":
        response = await agent.get("/me").set("cookie", `access_token=${token}`);
        break;
      case "location-header-and-query":
        response = await agent.get(`/me?access_token=${token}`).set("authorization", `Bearer ${token}`);
        break;
      case "location-two-authorization-headers": {
        const raw = await rawRequest(server, ["GET /me HTTP/1.1", "Host: api.test", `X-Forwarded-For: ${client}`, `Authorization: Bearer ${token}`, `Authorization: Bearer ${token}`]);
        return { status: raw.status, text: raw.text, challenge: /www-authenticate: (.*)\r\n/i.exec(raw.text)?.[1] ?? "" };
      }
      case "location-x-access-token-header":
        response = await agent.get("/me").set("x-access-token", token);
        break;
      default:
        response = await agent.get(SCOPE_CASES.has(c.id) ? "/admin" : "/me").set("authorization", `Bearer ${token}`);
    }
    return {
      status: response.status,
      text: JSON.stringify(response.headers) + response.text,
      challenge: String(response.headers["www-authenticate"] ?? ""),
    };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const runnable = corpus.cases.filter((c) => c.expected !== "reject-config" && c.verifier !== "rs256-mixed-algs" && c.id !== "leading-space" && (c.token !== undefined || c.tokenRef !== undefined));

describe("JWT attack corpus", () => {
  beforeAll(() => {
    // Corpus tokens are valid until 2100 and were issued in 2023: real time is fine.
    expect(corpus.cases.length).toBeGreaterThanOrEqual(187);
  });

  afterAll(() => {
    for (const server of servers) server.close();
  });

  it.each(runnable.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    const token = tokenOf(c);
    const result = await send(c);
    const wanted = STATUS_OVERRIDES[c.id] ?? c.expectedStatus;
    switch (c.expected) {
      case "accept":
        expect(result.status).toBe(wanted ?? 200);
        break;
      case "reject-or-accept":
      case "policy":
        expect([200, 401]).toContain(result.status);
        break;
      case "reject":
        if (SCOPE_CASES.has(c.id) && c.id === "scope-substring-confusion") {
          expect(result.status).toBe(403);
          expect(result.challenge).toContain('error="insufficient_scope"');
          expect(result.challenge).toContain('scope="admin"');
        } else if (wanted !== undefined) {
          expect(result.status).toBe(wanted);
        } else if (RAW_SOCKET.has(c.id)) {
          // Refused by Node's HTTP parser (400) or by Bulwark (401): never accepted.
          expect([400, 401]).toContain(result.status);
        } else if (token === "") {
          // RFC 6750 §3.1: a request without a token gets a challenge without an error code.
          expect(result.status).toBe(401);
          expect(result.challenge).toBe("Bearer");
        } else {
          expect(result.status).toBe(401);
          expect(result.challenge).toMatch(/^Bearer error="invalid_token", error_description="[^"]+"$/);
        }
        if (result.status >= 400) expectNoLeak(result.text, token);
        break;
      default:
        throw new Error(`unexpected expectation ${c.expected}`);
    }
    if (c.expected === "policy") expect(result.status).toBeLessThan(500);
  });

  it.each([...VERIFIER_LEVEL].map((id) => [id] as const))("%s is refused by the verifier itself", async (id) => {
    const c = byId.get(id)!;
    const { resolved, problems } = resolveJwtOptions(profileOptions(c.verifier));
    const verifier = createJwtVerifier(resolved, problems);
    expect(problems).toEqual([]);
    await expect(verifier.verify(c.token!, Date.now())).rejects.toMatchObject({ code: "AUTH_TOKEN_INVALID", status: 401 });
  });

  it("leading-space: over HTTP it is the same request as location-header-bearer-multiple-spaces", async () => {
    const leading = byId.get("leading-space")!;
    const spaces = byId.get("location-header-bearer-multiple-spaces")!;
    expect(leading.token!.trimStart()).toBe(tokenOf(spaces));
    const response = await request(appFor(leading).app).get("/me").set("authorization", `Bearer ${leading.token!}`);
    expect(response.status).toBe(spaces.expectedStatus);
  });

  it("rs256-mixed-algs: a public key listed with HS256 is refused at startup, so the confusion tokens never reach a verifier", () => {
    const cases = corpus.cases.filter((c) => c.verifier === "rs256-mixed-algs");
    expect(cases.length).toBeGreaterThan(0);
    expect(() => authApp({ authenticate: [jwt(profileOptions("rs256-mixed-algs"))] })).toThrow(ConfigError);
    expect(() => authApp({ authenticate: [jwt(profileOptions("rs256-mixed-algs"))] })).toThrow(/HS256.*shared secret only/);
  });

  it.each(corpus.cases.filter((c) => c.verifier === "rs256-mixed-algs").map((c) => [c.id, c] as const))(
    "%s is also refused by the RS256 profile",
    async (_id, c) => {
      const result = await send({ ...c, verifier: "rs256" });
      expect(result.status).toBe(401);
      expect(result.challenge).toContain('error="invalid_token"');
    },
  );

  it("config-short-hmac-secret: a short HS256 secret is a startup error that says how long it must be", () => {
    const c = byId.get("config-short-hmac-secret")!;
    expect(c.expected).toBe("reject-config");
    for (const secret of ["secret", "your-256-bit-secret", "", "x".repeat(31)]) {
      expect(() => authApp({ authenticate: [jwt({ ...profileOptions("hs256"), secret })] })).toThrow(/at least 32 bytes/);
    }
    expect(() => authApp({ authenticate: [jwt({ ...profileOptions("hs256"), secret: "x".repeat(32) })] })).not.toThrow();
    expect(() => authApp({ authenticate: [jwt({ ...profileOptions("hs256"), algorithms: ["HS512"], secret: "x".repeat(48) })] })).toThrow(/HS512 needs a secret of at least 64 bytes/);
  });

  describe("exp-boundary-runtime", () => {
    const frozen = 1604416038;
    const mint = (exp: number) => {
      const header = b64({ alg: "HS256", typ: "JWT" });
      const payload = b64({ iss: common.issuer, aud: common.audience, sub: "user-123", iat: frozen - 60, exp });
      return `${header}.${payload}.${createHmac("sha256", hsSecret).update(`${header}.${payload}`).digest("base64url")}`;
    };

    beforeAll(() => {
      jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "hrtime", "performance"] });
      jest.setSystemTime(frozen * 1000);
    });
    afterAll(() => {
      jest.useRealTimers();
    });

    it("exp == now is expired without tolerance; the tolerance moves the boundary by exactly its size", async () => {
      expect(byId.get("exp-boundary-runtime")!.expected).toBe("reject");
      const strict = authApp({ authenticate: [jwt({ ...profileOptions("hs256"), clockTolerance: 0, cache: false })] }).app;
      const expired = await request(strict).get("/me").set("authorization", `Bearer ${mint(frozen)}`);
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe("AUTH_TOKEN_EXPIRED");
      expect((await request(strict).get("/me").set("authorization", `Bearer ${mint(frozen + 1)}`)).status).toBe(200);

      const tolerant = authApp({ authenticate: [jwt({ ...profileOptions("hs256"), cache: false })] }).app;
      const tolerance = common.clockToleranceSeconds;
      expect((await request(tolerant).get("/me").set("authorization", `Bearer ${mint(frozen - tolerance - 1)}`)).status).toBe(401);
      expect((await request(tolerant).get("/me").set("authorization", `Bearer ${mint(frozen - tolerance + 1)}`)).status).toBe(200);
    });
  });

  describe("oversized tokens", () => {
    it("oversized-runtime-1mb: refused by length (401 AUTH_TOKEN_TOO_LARGE) before any parsing", async () => {
      const token = `${b64({ alg: "HS256" })}.${b64({ pad: "A".repeat(1 << 20) })}.${"A".repeat(43)}`;
      const { app } = authApp({ authenticate: [jwt(profileOptions("hs256"))] });
      const server = http.createServer({ maxHeaderSize: 4 * 1024 * 1024 }, app);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const response = await request(server).get("/me").set("authorization", `Bearer ${token}`);
      server.close();
      expect(response.status).toBe(401);
      expect(response.body.code).toBe("AUTH_TOKEN_TOO_LARGE");
      expect(response.text).not.toContain("AAAAAAAAAAAAAAAA");
    });

    it("oversized-runtime-1mb: Node's default header limit answers 431 before Bulwark runs", async () => {
      const { app } = authApp({ authenticate: [jwt(profileOptions("hs256"))] });
      const response = await request(app).get("/me").set("authorization", `Bearer ${"A".repeat(1 << 20)}`);
      expect(response.status).toBe(431);
    });

    it("many-segments-runtime: 100,000 dots are refused by length, never split", async () => {
      const { app } = authApp({ authenticate: [jwt(profileOptions("hs256"))] });
      const server = http.createServer({ maxHeaderSize: 1024 * 1024 }, app);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const response = await request(server).get("/me").set("authorization", `Bearer ${"a.".repeat(100_000)}`);
      const small = await request(server).get("/me").set("authorization", `Bearer ${"a.".repeat(100)}`);
      server.close();
      expect(response.status).toBe(401);
      expect(response.body.code).toBe("AUTH_TOKEN_TOO_LARGE");
      expect(small.status).toBe(401);
      expect(small.body.code).toBe("AUTH_TOKEN_INVALID");
    });
  });

  it("the asserted accept cases expose clean claims and the verified subject", async () => {
    for (const id of ["payload-proto-pollution", "payload-constructor-prototype", "payload-duplicate-sub"]) {
      const c = byId.get(id)!;
      const response = await request(appFor(c).app).get("/me").set("authorization", `Bearer ${c.token!}`);
      expect(response.status).toBe(200);
      expect(response.body.id).toBe("user-123");
      expect(response.body.isAdminClaim).toBeNull();
      expect(response.body.roles).not.toContain("admin");
      expect(response.body.claimsPrototype).toBe("null");
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    }
  });

  it("error-no-signature-disclosure: neither the expected signature nor library detail leaves in the answer or in events", async () => {
    const c = byId.get("error-no-signature-disclosure")!;
    const token = tokenOf(c);
    const [header, payload] = token.split(".");
    const expected = createHmac("sha256", hsSecret).update(`${header}.${payload}`).digest();
    events.length = 0;
    const response = await request(appFor(c).app).get("/me").set("authorization", `Bearer ${token}`);
    const everything = JSON.stringify(response.headers) + response.text + JSON.stringify(events);
    expect(response.status).toBe(401);
    for (const form of [expected.toString("base64url"), expected.toString("hex"), expected.toString("base64"), hsSecret.toString("base64url")]) {
      expect(everything).not.toContain(form);
    }
    expect(everything).not.toContain(token);
    expect(everything).not.toMatch(/ERR_JWS|signature verification failed|\bat .+:\d+:\d+/);
    expect(events.map((e) => [e.type, e.code])).toEqual([["auth.failed", "AUTH_TOKEN_INVALID"]]);
  });
});
