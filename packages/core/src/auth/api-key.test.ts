/**
 * API keys: the format of `createApiKey`, verification through a real Express app, rotation,
 * expiry, revocation, scopes, the header-only rule, and hostile key strings (fast-check): a
 * malformed or mistyped key is refused before the app's lookup runs.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import request from "supertest";
import { ConfigError, SecurityError } from "../errors/security-error.js";
import type { SecurityEvent } from "../events/security-event.js";
import type { SecurityRequest } from "../request/security-request.js";
import { memoryStore } from "../store/memory-store.js";
import { apiKey, type ApiKeyLookupResult, type ApiKeyOptions } from "./api-key.js";
import { MAX_API_KEY_LENGTH, parseApiKey } from "./api-key-format.js";
import { createApiKey, type ApiKeyRecord } from "./create-api-key.js";
import { authApp } from "./testing/auth-app.js";
import { rawRequest } from "./testing/raw-request.js";

/** A key table like an app's, counting lookups. */
function keyTable() {
  const records = new Map<string, ApiKeyRecord[]>();
  const table = {
    lookups: 0,
    add(record: ApiKeyRecord) {
      records.set(record.id, [...(records.get(record.id) ?? []), record]);
    },
    replace(id: string, list: ApiKeyRecord[]) {
      records.set(id, list);
    },
    lookup: (id: string): ApiKeyLookupResult => {
      table.lookups++;
      return records.get(id);
    },
  };
  return table;
}

function headerRequest(value: string, name = "x-api-key"): SecurityRequest {
  return {
    method: "GET", url: "/r", path: "/r", route: undefined, headers: { [name]: value }, rawHeaders: [name, value],
    params: {}, query: {}, body: undefined, remoteAddress: "127.0.0.1", encrypted: false,
  };
}

const services = { store: memoryStore(), now: () => Date.now() };

describe("createApiKey", () => {
  it("makes a recognisable key with an id, a 256-bit secret and a checksum, and a record without the secret", () => {
    const { key, record } = createApiKey({ prefix: "bwk", scopes: ["reports:read"], principalId: "acct-1", expiresAt: new Date("2099-01-01T00:00:00Z") });
    expect(key).toMatch(/^bwk_[0-9A-Za-z]{16}_[0-9A-Za-z]{49}$/);
    expect(record.id).toBe(key.slice(4, 20));
    expect(record.hash).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/);
    expect(record).toMatchObject({ prefix: "bwk", principalId: "acct-1", scopes: ["reports:read"], roles: [], expiresAt: "2099-01-01T00:00:00.000Z" });
    const stored = JSON.stringify(record);
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(21, 64));
    expect(Object.isFrozen(record)).toBe(true);
    expect(parseApiKey(key, ["bwk"])).toEqual({ prefix: "bwk", id: record.id });
  });

  it("never makes the same key twice, and reuses an id only when asked (rotation)", () => {
    const keys = new Set(Array.from({ length: 200 }, () => createApiKey({ prefix: "bwk" }).key));
    expect(keys.size).toBe(200);
    const first = createApiKey({ prefix: "acme_live" });
    const rotated = createApiKey({ prefix: "acme_live", id: first.record.id });
    expect(rotated.record.id).toBe(first.record.id);
    expect(rotated.key).not.toBe(first.key);
  });

  it("refuses a bad prefix, id, date or list at once", () => {
    expect(() => createApiKey({ prefix: "Bad-Prefix", id: "short", expiresAt: new Date("nope"), scopes: [""] })).toThrow(ConfigError);
    try {
      createApiKey({ prefix: "Bad-Prefix", id: "short", expiresAt: new Date("nope"), scopes: [""] });
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(4);
    }
  });
});

describe("apiKey() through Express", () => {
  const table = keyTable();
  const events: SecurityEvent[] = [];
  const reader = createApiKey({ prefix: "bwk", scopes: ["reports:read"], principalId: "acct-1" });
  const writer = createApiKey({ prefix: "bwk", scopes: ["reports:write"] });
  let server: http.Server;

  beforeAll(async () => {
    table.add(reader.record);
    table.add(writer.record);
    const { app } = authApp({ authenticate: [apiKey({ prefix: "bwk", lookup: table.lookup })], onEvent: (e) => { events.push(e); } }, [
      { path: "/me", policy: {} },
      { path: "/reports", policy: { scopes: ["reports:read"] } },
    ]);
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });

  afterAll(() => {
    server.close();
  });

  it("accepts a stored key and builds the principal from its record", async () => {
    const response = await request(server).get("/me").set("x-api-key", reader.key);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: "acct-1", kind: "apiKey", authMethod: "apiKey", scopes: ["reports:read"], claimsPrototype: "null" });
    expect((await request(server).get("/me").set("x-api-key", writer.key)).body.id).toBe(writer.record.id);
  });

  it("honours the record's scopes", async () => {
    expect((await request(server).get("/reports").set("x-api-key", reader.key)).status).toBe(200);
    const denied = await request(server).get("/reports").set("x-api-key", writer.key);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe("AUTHZ_INSUFFICIENT_SCOPE");
  });

  it("refuses a mistyped key before looking it up, with a challenge naming the header", async () => {
    const before = table.lookups;
    const typo = reader.key.slice(0, 30) + (reader.key[30] === "a" ? "b" : "a") + reader.key.slice(31);
    const response = await request(server).get("/me").set("x-api-key", typo);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe("AUTH_API_KEY_INVALID");
    expect(response.headers["www-authenticate"]).toBe('ApiKey header="x-api-key"');
    expect(table.lookups).toBe(before);
  });

  it("refuses a well-formed key that is not stored", async () => {
    const stranger = createApiKey({ prefix: "bwk" });
    const response = await request(server).get("/me").set("x-api-key", stranger.key);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe("AUTH_API_KEY_INVALID");
  });

  it("takes the key from its header only: the query string is a 400, and so is a second header", async () => {
    for (const name of ["api_key", "apikey", "x-api-key"]) {
      const response = await request(server).get(`/me?${name}=${reader.key}`);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe("AUTH_INVALID_REQUEST");
      expect(response.text).not.toContain(reader.key);
    }
    const raw = await rawRequest(server, ["GET /me HTTP/1.1", "Host: api.test", `x-api-key: ${reader.key}`, `X-Api-Key: ${writer.key}`]);
    expect(raw.status).toBe(400);
    expect((await request(server).get("/me").set("authorization", `Bearer ${reader.key}`)).status).toBe(401);
  });

  it("emits events with reason codes and never the key", async () => {
    expect(events.some((e) => e.type === "auth.succeeded" && e.detail?.method === "apiKey")).toBe(true);
    expect(events.some((e) => e.type === "auth.failed" && e.code === "AUTH_API_KEY_INVALID")).toBe(true);
    const text = JSON.stringify(events);
    expect(text).not.toContain(reader.key.slice(21));
    expect(text).not.toContain(writer.key.slice(21));
  });
});

describe("apiKey(): records over time", () => {
  it("rotation: two keys share an id and both work; the old one stops at its own expiry", async () => {
    const table = keyTable();
    const authenticator = apiKey({ prefix: "bwk", lookup: table.lookup });
    const old = createApiKey({ prefix: "bwk", principalId: "acct-7" });
    const fresh = createApiKey({ prefix: "bwk", id: old.record.id, principalId: "acct-7" });
    table.add({ ...old.record, expiresAt: new Date(Date.now() + 60_000) });
    table.add(fresh.record);
    expect((await authenticator.authenticate(headerRequest(old.key), services))?.id).toBe("acct-7");
    expect((await authenticator.authenticate(headerRequest(fresh.key), services))?.id).toBe("acct-7");
    const later = { ...services, now: () => Date.now() + 120_000 };
    await expect(authenticator.authenticate(headerRequest(old.key), later)).rejects.toMatchObject({ code: "AUTH_API_KEY_EXPIRED" });
    expect((await authenticator.authenticate(headerRequest(fresh.key), later))?.id).toBe("acct-7");
  });

  it("revocation: a revoked key is refused from its revokedAt on; an unreadable date counts against the key", async () => {
    const table = keyTable();
    const authenticator = apiKey({ prefix: "bwk", lookup: table.lookup });
    const { key, record } = createApiKey({ prefix: "bwk" });
    table.add({ ...record, revokedAt: new Date(Date.now() + 60_000).toISOString() });
    expect(await authenticator.authenticate(headerRequest(key), services)).toBeDefined();
    table.replace(record.id, [{ ...record, revokedAt: new Date(Date.now() - 1) }]);
    await expect(authenticator.authenticate(headerRequest(key), services)).rejects.toMatchObject({ code: "AUTH_API_KEY_REVOKED" });
    table.replace(record.id, [{ ...record, expiresAt: "not a date" }]);
    await expect(authenticator.authenticate(headerRequest(key), services)).rejects.toMatchObject({ code: "AUTH_API_KEY_EXPIRED" });
    table.replace(record.id, [{ ...record, hash: "md5:abc" }]);
    await expect(authenticator.authenticate(headerRequest(key), services)).rejects.toMatchObject({ code: "AUTH_API_KEY_INVALID" });
  });

  it("accepts records that are class instances (ORMs) and ignores records of another id", async () => {
    const { key, record } = createApiKey({ prefix: "bwk", roles: ["reporter"] });
    class Row {
      constructor(readonly id: string, readonly hash: string, readonly roles: string[]) {}
    }
    const authenticator = apiKey({ prefix: "bwk", lookup: () => [{ ...record, id: "AAAAAAAAAAAAAAAA" }, new Row(record.id, record.hash, ["reporter"])] });
    expect(await authenticator.authenticate(headerRequest(key), services)).toMatchObject({ id: record.id, roles: ["reporter"], claims: { keyId: record.id } });
  });

  it("a lookup that fails is a 503; one that returns nonsense is a 401", async () => {
    const { key } = createApiKey({ prefix: "bwk" });
    await expect(apiKey({ prefix: "bwk", lookup: () => { throw new Error("db down"); } }).authenticate(headerRequest(key), services))
      .rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    await expect(apiKey({ prefix: "bwk", lookup: (() => "nonsense") as unknown as ApiKeyOptions["lookup"] }).authenticate(headerRequest(key), services))
      .rejects.toMatchObject({ code: "AUTH_API_KEY_INVALID" });
  });

  it("a custom header and several prefixes", async () => {
    const live = createApiKey({ prefix: "acme_live" });
    const test = createApiKey({ prefix: "acme" });
    const table = keyTable();
    table.add(live.record);
    table.add(test.record);
    const authenticator = apiKey({ prefix: ["acme", "acme_live"], header: "X-Acme-Key", lookup: table.lookup });
    expect(await authenticator.authenticate(headerRequest(live.key, "x-acme-key"), services)).toBeDefined();
    expect(await authenticator.authenticate(headerRequest(test.key, "x-acme-key"), services)).toBeDefined();
    expect(await authenticator.authenticate(headerRequest(test.key, "x-api-key"), services)).toBeUndefined();
  });
});

describe("apiKey(): hostile key strings", () => {
  const table = keyTable();
  const authenticator = apiKey({ prefix: "bwk", lookup: table.lookup });
  const valid = createApiKey({ prefix: "bwk" });
  table.add(valid.record);

  async function refusal(value: string): Promise<SecurityError> {
    try {
      await authenticator.authenticate(headerRequest(value), services);
    } catch (error) {
      expect(error).toBeInstanceOf(SecurityError);
      return error as SecurityError;
    }
    throw new Error(`accepted ${JSON.stringify(value)}`);
  }

  it("any string that is not a key is a 401, without a lookup", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (value) => {
        fc.pre(value !== valid.key);
        const before = table.lookups;
        const error = await refusal(value);
        expect(error.status).toBe(401);
        expect(error.code).toBe("AUTH_API_KEY_INVALID");
        expect(table.lookups).toBe(before);
      }),
      { numRuns: 500 },
    );
  });

  it("every one-character change of a real key is caught by the checksum or the hash", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(valid.key.length - 1), fc.constantFrom(..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-"), async (at, char) => {
        fc.pre(valid.key[at] !== char);
        const mutated = valid.key.slice(0, at) + char + valid.key.slice(at + 1);
        const before = table.lookups;
        expect((await refusal(mutated)).code).toBe("AUTH_API_KEY_INVALID");
        expect(table.lookups).toBe(before);
      }),
      { numRuns: 300 },
    );
  });

  it("keys cut short, padded, or far too long are refused unread", async () => {
    for (const value of [valid.key.slice(0, -1), `${valid.key}x`, ` ${valid.key}`, valid.key.repeat(3), "bwk_".padEnd(MAX_API_KEY_LENGTH + 1, "A")]) {
      expect((await refusal(value)).code).toBe("AUTH_API_KEY_INVALID");
    }
    expect(await authenticator.authenticate(headerRequest(valid.key), services)).toBeDefined();
  });
});

describe("apiKey(): impossible configuration fails at bulwark() time", () => {
  it("lists what to fix", () => {
    try {
      authApp({ authenticate: [apiKey({ prefix: "Not OK", header: "authorization" } as unknown as ApiKeyOptions)] });
      throw new Error("expected a ConfigError");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const text = (error as ConfigError).problems.join("\n");
      expect(text).toContain("prefix must be the prefix of your keys");
      expect(text).toContain("lookup is required");
      expect(text).toContain('header cannot be "authorization"');
    }
  });
});
