/**
 * Remote keys against a real JWKS server on 127.0.0.1: one fetch per cooldown under a flood of
 * unknown `kid`s (server up or down), cached keys surviving an outage, key rotation, deadlines,
 * size and redirect limits, and OpenID Connect discovery. Time is moved with a fake clock (Date
 * only; timers and sockets stay real).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from "@jest/globals";
import request from "supertest";
import type { SecurityRequest } from "../request/security-request.js";
import { memoryStore } from "../store/memory-store.js";
import type { Authenticator } from "./authenticator.js";
import { jwt } from "./jwt.js";
import type { JwtOptions } from "./jwt-options.js";
import { authApp } from "./testing/auth-app.js";
import { startKeyServer, type KeyServer } from "./testing/key-server.js";
import { claimsAt, nowSeconds, sign, testKeyPair, type TestKeyPair } from "./testing/tokens.js";

const COOLDOWN = 30;
const CACHE_MAX_AGE = 600;
const base = { issuer: "https://id.example.com/", audience: "orders-api", algorithms: ["ES256"] } as const;

let k1: TestKeyPair;
let k2: TestKeyPair;
let server: KeyServer;

function bearer(token: string): SecurityRequest {
  return {
    method: "GET", url: "/me", path: "/me", route: undefined, headers: { authorization: `Bearer ${token}` },
    rawHeaders: ["Authorization", `Bearer ${token}`], params: {}, query: {}, body: undefined, remoteAddress: "127.0.0.1", encrypted: false,
  };
}

const services = { store: memoryStore(), now: () => Date.now() };

async function outcome(authenticator: Authenticator, token: string): Promise<string> {
  try {
    const principal = await authenticator.authenticate(bearer(token), services);
    return principal === undefined ? "none" : "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? "thrown";
  }
}

function advance(seconds: number): void {
  jest.setSystemTime(Date.now() + seconds * 1000);
}

const unknownKidTokens = (count: number) =>
  Promise.all(Array.from({ length: count }, (_, i) => sign(k1.privateKey, "ES256", claimsAt(nowSeconds()), { kid: `random-${i}-${Math.random()}` })));

beforeAll(async () => {
  [k1, k2] = await Promise.all([testKeyPair("ES256", "k1"), testKeyPair("ES256", "k2")]);
});

beforeEach(async () => {
  jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "clearImmediate", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "hrtime", "performance"] });
  jest.setSystemTime(new Date("2030-01-01T00:00:00Z"));
  server = await startKeyServer({ keys: [k1.publicJwk] });
});

afterEach(async () => {
  jest.useRealTimers();
  await server.close();
});

function remoteJwt(extra: Partial<JwtOptions> = {}): Authenticator {
  return jwt({ ...base, jwksUri: server.jwksUri, remoteKeys: { cooldown: COOLDOWN, cacheMaxAge: CACHE_MAX_AGE }, cache: false, ...extra } as JwtOptions);
}

describe("remote JWKS", () => {
  it("fetches once and serves later tokens from the cached key set", async () => {
    const { app } = authApp({ authenticate: [remoteJwt()] });
    for (let i = 0; i < 10; i++) {
      const token = await sign(k1.privateKey, "ES256", claimsAt(nowSeconds(), { sub: `u${i}` }), { kid: "k1" });
      expect((await request(app).get("/me").set("authorization", `Bearer ${token}`)).status).toBe(200);
    }
    expect(server.jwksRequests).toBe(1);
  });

  it("a flood of 1,000 unknown kids causes at most one fetch per cooldown", async () => {
    const authenticator = remoteJwt();
    expect(await outcome(authenticator, await sign(k1.privateKey, "ES256", claimsAt(nowSeconds()), { kid: "k1" }))).toBe("ok");
    expect(server.jwksRequests).toBe(1);

    // Within the cooldown: no fetch at all.
    let flood = await unknownKidTokens(1000);
    let results = await Promise.all(flood.map((token) => outcome(authenticator, token)));
    expect(new Set(results)).toEqual(new Set(["AUTH_KEY_NOT_FOUND"]));
    expect(server.jwksRequests).toBe(1);

    // After it: exactly one, however many tokens arrive at once or one after another.
    advance(COOLDOWN + 1);
    flood = await unknownKidTokens(1000);
    results = await Promise.all(flood.slice(0, 500).map((token) => outcome(authenticator, token)));
    for (const token of flood.slice(500)) results.push(await outcome(authenticator, token));
    expect(new Set(results)).toEqual(new Set(["AUTH_KEY_NOT_FOUND"]));
    expect(server.jwksRequests).toBe(2);
  });

  it("through HTTP too: 200 requests with unknown kids from 200 clients are 401s and one fetch", async () => {
    // One client per request, so that the per-IP lockout of failed authentications stays out of the way.
    const { app } = authApp({ authenticate: [remoteJwt()], trustProxy: 1 });
    const tokens = await unknownKidTokens(200);
    const statuses = await Promise.all(tokens.map(async (token, i) =>
      (await request(app).get("/me").set("authorization", `Bearer ${token}`).set("x-forwarded-for", `198.51.100.${i % 250}`)).status));
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(server.jwksRequests).toBe(1);
  });

  it("when the JWKS server is down, cached keys keep working and it is asked at most once per cooldown", async () => {
    const authenticator = remoteJwt();
    const known = () => sign(k1.privateKey, "ES256", claimsAt(nowSeconds()), { kid: "k1" });
    expect(await outcome(authenticator, await known())).toBe("ok");
    server.up = false;

    advance(COOLDOWN + 1);
    const flood = await unknownKidTokens(1000);
    const results = await Promise.all(flood.map((token) => outcome(authenticator, token)));
    expect(new Set(results)).toEqual(new Set(["AUTH_KEY_NOT_FOUND"]));
    expect(server.jwksRequests).toBe(2);
    expect(await outcome(authenticator, await known())).toBe("ok");

    // Past cacheMaxAge the keys are stale, refreshes fail, and the cached keys still answer.
    advance(CACHE_MAX_AGE + 1);
    for (let i = 0; i < 50; i++) expect(await outcome(authenticator, await known())).toBe("ok");
    expect(server.jwksRequests).toBe(3);
    for (const token of await unknownKidTokens(100)) expect(await outcome(authenticator, token)).toBe("AUTH_KEY_NOT_FOUND");
    expect(server.jwksRequests).toBe(3);

    // Back up: the next refresh after the cooldown succeeds.
    server.up = true;
    advance(COOLDOWN + 1);
    expect(await outcome(authenticator, await known())).toBe("ok");
    expect(server.jwksRequests).toBe(4);
  });

  it("answers from the last keys fetched for one day past cacheMaxAge by default, then refuses with 503 until a fetch succeeds", async () => {
    const authenticator = remoteJwt();
    const known = () => sign(k1.privateKey, "ES256", claimsAt(nowSeconds()), { kid: "k1" });
    expect(await outcome(authenticator, await known())).toBe("ok");
    server.up = false;

    advance(CACHE_MAX_AGE + 86_400 - 60);
    expect(await outcome(authenticator, await known())).toBe("ok");
    advance(120);
    expect(await outcome(authenticator, await known())).toBe("SERVICE_UNAVAILABLE");
    advance(COOLDOWN + 1);
    expect(await outcome(authenticator, await known())).toBe("SERVICE_UNAVAILABLE");

    server.up = true;
    advance(COOLDOWN + 1);
    expect(await outcome(authenticator, await known())).toBe("ok");
    // The new fetch starts a new window.
    server.up = false;
    advance(CACHE_MAX_AGE + 86_400 - 60);
    expect(await outcome(authenticator, await known())).toBe("ok");
  });

  it("takes remoteKeys.maxStale: 0 answers from the last keys only while they are fresh", async () => {
    const authenticator = remoteJwt({ remoteKeys: { cooldown: COOLDOWN, cacheMaxAge: CACHE_MAX_AGE, maxStale: 0 } });
    const known = () => sign(k1.privateKey, "ES256", claimsAt(nowSeconds()), { kid: "k1" });
    expect(await outcome(authenticator, await known())).toBe("ok");
    server.up = false;
    advance(CACHE_MAX_AGE - 5);
    expect(await outcome(authenticator, await known())).toBe("ok");
    advance(10);
    expect(await outcome(authenticator, await known())).toBe("SERVICE_UNAVAILABLE");
  });

  it("follows key rotation at the server: a new kid is fetched after the cooldown, a removed key stops once the cache is refreshed", async () => {
    const authenticator = remoteJwt();
    const token1 = () => sign(k1.privateKey, "ES256", claimsAt(nowSeconds()), { kid: "k1" });
    const token2 = () => sign(k2.privateKey, "ES256", claimsAt(nowSeconds()), { kid: "k2" });
    expect(await outcome(authenticator, await token1())).toBe("ok");

    server.keys = { keys: [k1.publicJwk, k2.publicJwk] };
    expect(await outcome(authenticator, await token2())).toBe("AUTH_KEY_NOT_FOUND");
    advance(COOLDOWN + 1);
    expect(await outcome(authenticator, await token2())).toBe("ok");
    expect(await outcome(authenticator, await token1())).toBe("ok");
    expect(server.jwksRequests).toBe(2);

    server.keys = { keys: [k2.publicJwk] };
    advance(CACHE_MAX_AGE + 1);
    expect(await outcome(authenticator, await token1())).toBe("AUTH_KEY_NOT_FOUND");
    expect(await outcome(authenticator, await token2())).toBe("ok");
  });

  it("with no key ever fetched, an unreachable server is a 503, retried at most once per cooldown", async () => {
    server.up = false;
    const { app } = authApp({ authenticate: [remoteJwt()] });
    const token = await sign(k1.privateKey, "ES256", claimsAt(nowSeconds()), { kid: "k1" });
    for (let i = 0; i < 5; i++) {
      const response = await request(app).get("/me").set("authorization", `Bearer ${token}`);
      expect(response.status).toBe(503);
      expect(response.body.code).toBe("SERVICE_UNAVAILABLE");
    }
    expect(server.jwksRequests).toBe(1);
    server.up = true;
    advance(COOLDOWN + 1);
    expect((await request(app).get("/me").set("authorization", `Bearer ${token}`)).status).toBe(200);
    expect(server.jwksRequests).toBe(2);
  });

  it("a key set whose keys share a type needs the token to name its kid", async () => {
    server.keys = { keys: [{ ...k1.publicJwk, kid: undefined }, { ...k2.publicJwk, kid: undefined }] };
    const authenticator = remoteJwt();
    expect(await outcome(authenticator, await sign(k1.privateKey, "ES256", claimsAt(nowSeconds())))).toBe("AUTH_KEY_NOT_FOUND");
  });
});

describe("remote JWKS limits", () => {
  let odd: http.Server;
  let mode: "hang" | "redirect" | "huge" = "hang";
  let oddUri = "";

  beforeAll(async () => {
    odd = http.createServer((req, res) => {
      if (mode === "hang") return; // never answers
      if (mode === "redirect") {
        res.writeHead(302, { location: server.jwksUri });
        return res.end();
      }
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [k1.publicJwk], padding: "x".repeat(64 * 1024) }));
    });
    await new Promise<void>((resolve) => odd.listen(0, "127.0.0.1", resolve));
    oddUri = `http://127.0.0.1:${(odd.address() as AddressInfo).port}/jwks.json`;
  });

  afterAll(async () => {
    odd.closeAllConnections();
    await new Promise<void>((resolve) => odd.close(() => resolve()));
  });

  it.each([
    ["hang", { timeout: 0.2 }],
    ["redirect", {}],
    ["huge", { maxBytes: 16 * 1024 }],
  ] as const)("a JWKS endpoint that %ss is unusable (503), never followed or read past its limit", async (which, remoteKeys) => {
    mode = which;
    const authenticator = jwt({ ...base, jwksUri: oddUri, remoteKeys: { cooldown: COOLDOWN, ...remoteKeys } } as JwtOptions);
    expect(await outcome(authenticator, await sign(k1.privateKey, "ES256", claimsAt(nowSeconds()), { kid: "k1" }))).toBe("SERVICE_UNAVAILABLE");
    expect(server.jwksRequests).toBe(0);
  });
});

describe("OpenID Connect discovery", () => {
  const discoveryJwt = (issuer: string) =>
    jwt({ ...base, issuer, discovery: true, remoteKeys: { cooldown: COOLDOWN }, cache: false } as JwtOptions);

  it("finds jwks_uri from the issuer's openid-configuration, once", async () => {
    const authenticator = discoveryJwt(server.origin);
    for (let i = 0; i < 5; i++) {
      expect(await outcome(authenticator, await sign(k1.privateKey, "ES256", claimsAt(nowSeconds(), { iss: server.origin }), { kid: "k1" }))).toBe("ok");
    }
    expect(server.discoveryRequests).toBe(1);
    expect(server.jwksRequests).toBe(1);
  });

  it("refuses a document naming another issuer or an insecure jwks_uri (a logged 500, not a 401)", async () => {
    const logged: unknown[] = [];
    for (const document of [
      { issuer: "https://evil.example.com", jwks_uri: server.jwksUri },
      { issuer: server.origin, jwks_uri: "http://evil.example.com/jwks.json" },
    ]) {
      server.discovery = document;
      const { app } = authApp({ authenticate: [discoveryJwt(server.origin)], onError: (error) => { logged.push(error); } });
      const token = await sign(k1.privateKey, "ES256", claimsAt(nowSeconds(), { iss: server.origin }), { kid: "k1" });
      const response = await request(app).get("/me").set("authorization", `Bearer ${token}`);
      expect(response.status).toBe(500);
      expect(response.text).not.toContain("evil");
    }
    expect(logged.map((error) => String(error))).toEqual([
      expect.stringContaining("names another issuer"),
      expect.stringContaining("must use https"),
    ]);
    expect(server.jwksRequests).toBe(0);
  });

  it("an unreachable issuer is a 503 and is asked again at most once per cooldown", async () => {
    server.up = false;
    const authenticator = discoveryJwt(server.origin);
    const token = await sign(k1.privateKey, "ES256", claimsAt(nowSeconds(), { iss: server.origin }), { kid: "k1" });
    for (let i = 0; i < 5; i++) expect(await outcome(authenticator, token)).toBe("SERVICE_UNAVAILABLE");
    expect(server.discoveryRequests).toBe(1);
    server.up = true;
    advance(COOLDOWN + 1);
    expect(await outcome(authenticator, token)).toBe("ok");
    expect(server.discoveryRequests).toBe(2);
  });
});
