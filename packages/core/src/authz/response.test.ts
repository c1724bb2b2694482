import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import express from "express";
import fc from "fast-check";
import request from "supertest";
import { bulwark } from "@bulwark/express";
import { ConfigError } from "../errors/security-error.js";
import { compileFieldTree } from "./field-tree.js";
import { filterResponse } from "./response-filter.js";
import { deepFreeze, isAllowedPath, propertyPaths } from "./test-support/field-paths.js";
import { testOnlyAuthenticator, TEST_USER_HEADER } from "./test-support/test-authenticator.js";
import { serve, type TestServer } from "./test-support/test-server.js";
import { Entity, asEntities } from "./test-support/entities.js";

/** A full database row, as an ORM would hand it over, with what must never leave. */
function userRow(id: number) {
  return {
    id,
    name: `User ${id}`,
    email: `user${id}@example.com`,
    passwordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
    isInternal: true,
    role: "member",
    createdAt: new Date("2024-01-02T03:04:05Z"),
    address: { city: "Lyon", street: "1 rue X", geo: { lat: 45.76, lng: 4.83 }, internalCode: "Z9" },
    orders: [
      { id: `o${id}a`, total: 30, costPrice: 12, items: [{ sku: "A-1", qty: 2, supplierPrice: 4 }, { sku: "B-2", qty: 1, supplierPrice: 9 }] },
      { id: `o${id}b`, total: 5, costPrice: 1, items: [] },
    ],
  };
}
const SECRETS = ["passwordHash", "argon2id", "isInternal", "internalCode", "costPrice", "supplierPrice", "street"];
const FIELDS = ["id", "name", "createdAt", "address.city", "address.geo", "orders.id", "orders.total", "orders.items.sku", "orders.items.qty"];

const USERS = { alice: { roles: ["member"] }, ada: { roles: ["admin"] }, sam: { roles: ["support"] } };
const as = (user: string) => ({ [TEST_USER_HEADER]: user });

let server: TestServer;
const shared = userRow(1);
const sharedSnapshot = JSON.stringify(shared);
let randomPayload: unknown;

beforeAll(async () => {
  const { secure, errors } = bulwark({
    authenticate: [testOnlyAuthenticator(USERS)],
    rbac: { roles: { member: {}, support: {}, admin: { inherits: ["support"] } } },
  });
  const app = express();
  app.use(secure());
  const response = { fields: FIELDS };
  app.get("/me", secure({ response }), (_req, res) => void res.json(userRow(1)));
  app.get("/users", secure({ response }), (_req, res) => void res.json([userRow(1), userRow(2)]));
  app.get("/users/page", secure({ response: { fields: ["total", ...FIELDS.map((f) => `data.${f}`)] } }), (_req, res) => {
    res.json({ data: [userRow(1), userRow(2)], total: 2, nextCursor: "secret-cursor" });
  });
  app.get("/users/send", secure({ response }), (_req, res) => void res.status(201).send(userRow(3)));
  app.get("/shared", secure({ response }), (_req, res) => void res.json(shared));
  app.get("/by-role", secure({ response: { fields: ["id", "name"], byRole: { support: ["email"], admin: ["isInternal", "address.city"] } } }), (_req, res) => {
    res.json(userRow(4));
  });
  app.get("/odd", secure({ response: { fields: ["id", "name", "address.city"] } }), (_req, res) => {
    const nullPrototype = Object.assign(Object.create(null) as Record<string, unknown>, { id: 1, name: "np", secret: "s1" });
    const polluted = JSON.parse('{"id": 2, "__proto__": {"isAdmin": true}, "secret": "s2"}') as unknown;
    class Model {
      readonly _doc = { id: 3, name: "model", secret: "s3" };
      toJSON() {
        return this._doc;
      }
    }
    const hidden = Object.defineProperty({ id: 4 }, "name", { value: "hidden", enumerable: false });
    res.json([nullPrototype, polluted, new Model(), hidden, { id: 5, address: "secret string where an object belongs" }, "plain", 6, null]);
  });
  app.get("/random", secure({ response: { fields: ["a", "b.c", "d.e.f"] } }), (_req, res) => void res.json(randomPayload));
  app.use(errors());
  server = await serve(app);
});

afterAll(async () => {
  await server.close();
});

function expectNoSecrets(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe("response: only allowlisted fields leave", () => {
  it("filters a full database row", async () => {
    const res = await request(server.url).get("/me").set(as("alice")).expect(200);
    expectNoSecrets(res.text);
    expect(res.body).toEqual({
      id: 1,
      name: "User 1",
      createdAt: "2024-01-02T03:04:05.000Z",
      address: { city: "Lyon", geo: { lat: 45.76, lng: 4.83 } },
      orders: [
        { id: "o1a", total: 30, items: [{ sku: "A-1", qty: 2 }, { sku: "B-2", qty: 1 }] },
        { id: "o1b", total: 5, items: [] },
      ],
    });
  });

  it("filters each element of a root array", async () => {
    const res = await request(server.url).get("/users").set(as("alice")).expect(200);
    expectNoSecrets(res.text);
    expect(res.body).toHaveLength(2);
    expect(Object.keys(res.body[1]).sort()).toEqual(["address", "createdAt", "id", "name", "orders"]);
  });

  it("filters arrays nested in an envelope", async () => {
    const res = await request(server.url).get("/users/page").set(as("alice")).expect(200);
    expectNoSecrets(res.text);
    expect(res.text).not.toContain("secret-cursor");
    expect(res.body.total).toBe(2);
    expect(res.body.data[0].orders[0].items[0]).toEqual({ sku: "A-1", qty: 2 });
  });

  it("filters res.send(object) and keeps the status", async () => {
    const res = await request(server.url).get("/users/send").set(as("alice")).expect(201);
    expectNoSecrets(res.text);
    expect(res.body.id).toBe(3);
  });

  it("never changes the handler's object", async () => {
    await request(server.url).get("/shared").set(as("alice")).expect(200);
    expect(JSON.stringify(shared)).toBe(sharedSnapshot);
    expect(shared.passwordHash).toMatch(/argon2id/);
  });

  it("adds fields by role, with inheritance", async () => {
    const member = await request(server.url).get("/by-role").set(as("alice")).expect(200);
    expect(member.body).toEqual({ id: 4, name: "User 4" });
    const support = await request(server.url).get("/by-role").set(as("sam")).expect(200);
    expect(support.body).toEqual({ id: 4, name: "User 4", email: "user4@example.com" });
    const admin = await request(server.url).get("/by-role").set(as("ada")).expect(200);
    expect(admin.body).toEqual({ id: 4, name: "User 4", email: "user4@example.com", isInternal: true, address: { city: "Lyon" } });
  });

  it("copes with null prototypes, own __proto__ keys, toJSON, hidden properties and wrong shapes (root primitives pass)", async () => {
    const res = await request(server.url).get("/odd").set(as("alice")).expect(200);
    expect(res.text).not.toMatch(/secret|s1|s2|s3|isAdmin|hidden/);
    expect(res.body).toEqual([{ id: 1, name: "np" }, { id: 2 }, { id: 3, name: "model" }, { id: 4 }, { id: 5 }, "plain", 6, null]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

describe("response configuration", () => {
  const { secure } = bulwark({ authenticate: [testOnlyAuthenticator(USERS)] });
  const problemsOf = (policy: object): string => {
    try {
      secure(policy);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems.join("\n");
    }
    throw new Error("expected a ConfigError");
  };

  it("refuses malformed allowlists at startup", () => {
    expect(problemsOf({ response: { fields: ["__proto__.x"] } })).toMatch(/not a field path/);
    expect(problemsOf({ response: { fields: ["a..b", " a"] } })).toMatch(/"a\.\.b" is not a field path/);
    expect(problemsOf({ response: { fields: "id" } })).toMatch(/must be a list of field names/);
    expect(problemsOf({ response: { byRole: ["admin"] } })).toMatch(/byRole must map role names/);
    expect(problemsOf({ response: {} })).toMatch(/needs fields or byRole/);
    expect(problemsOf({ response: { feilds: ["id"] } })).toMatch(/Did you mean `fields`/);
  });
});

describe("response filter properties (fast-check)", () => {
  const segment = fc.constantFrom("a", "b", "c", "d", "id", "constructor", "toString", "x y");
  const fieldList = fc.array(fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join(".")), { maxLength: 6 });
  const key = fc.oneof(segment, fc.constant("__proto__"), fc.string({ maxLength: 6 }));
  const payload = fc.oneof(
    fc.object({ key, maxDepth: 4, maxKeys: 6, withNullPrototype: true, withDate: true }),
    fc.array(fc.object({ key, maxDepth: 3, maxKeys: 5, withNullPrototype: true }), { maxLength: 4 }),
  );

  it("never lets a key through that the allowlist does not cover, and never writes to the input", () => {
    fc.assert(
      fc.property(fieldList, payload, (fields, value) => {
        const problems: string[] = [];
        const tree = compileFieldTree(fields, "fields", problems)!;
        expect(problems).toEqual([]);
        const frozen = deepFreeze(value);
        const out = filterResponse(frozen, tree);
        for (const path of propertyPaths(out)) expect(isAllowedPath(path, fields)).toBe(true);
        expect(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted")).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("holds end to end through an app", async () => {
    const fields = ["a", "b.c", "d.e.f"];
    const jsonKey = fc.oneof(fc.constantFrom("a", "b", "c", "d", "e", "f", "secret"), fc.string({ maxLength: 5 }));
    const jsonPayload = fc.oneof(
      fc.dictionary(jsonKey, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
      fc.array(fc.dictionary(jsonKey, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }), { maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(jsonPayload, async (value) => {
        randomPayload = value;
        const res = await request(server.url).get("/random").set(as("alice")).expect(200);
        for (const path of propertyPaths(res.body)) expect(isAllowedPath(path, fields)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});

describe("response filter on class instances and toJSON", () => {
  const tree = compileFieldTree(["id", "owner.id", "list.id"], "fields", [])!;

  it("filters class instances at the root, nested and in arrays like plain objects", () => {
    class User {
      id = "u1";
      passwordHash = "argon2id";
    }
    expect(filterResponse(new User(), tree)).toEqual({ id: "u1" });
    expect(filterResponse([new User()], tree)).toEqual([{ id: "u1" }]);
    expect(filterResponse({ owner: new User(), list: [new User(), [new User()]] }, tree)).toEqual({ owner: { id: "u1" }, list: [{ id: "u1" }, [{ id: "u1" }]] });
    expect(filterResponse({ owner: new Map([["id", 1]]), list: new Set([1]) }, tree)).toEqual({ owner: {}, list: {} });
  });

  it("lets no own toJSON send what the allowlist removed", () => {
    const secret = { id: 1, passwordHash: "argon2id" };
    const smuggler = { ...secret, toJSON: () => secret };
    for (const payload of [smuggler, { owner: smuggler }, [smuggler], { list: [smuggler] }, { toJSON: () => ({ id: 1, toJSON: () => secret }) }]) {
      expect(JSON.stringify(filterResponse(payload, tree))).not.toContain("argon2id");
    }
  });

  it("filters any class instance exactly as the plain object with the same fields (fast-check)", () => {
    const key = fc.oneof(fc.constantFrom("id", "owner", "list", "secret", "__proto__", "toString"), fc.string({ maxLength: 5 }));
    const json = fc.oneof(fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }), fc.array(fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }), { maxLength: 3 }));
    fc.assert(
      fc.property(json, (plain) => {
        expect(JSON.stringify(filterResponse(asEntities(plain), tree))).toBe(JSON.stringify(filterResponse(plain, tree)));
      }),
      { numRuns: 300 },
    );
  });

  it("holds through Express for entities and an own toJSON", async () => {
    const { secure, errors } = bulwark({ authenticate: [testOnlyAuthenticator(USERS)] });
    const app = express();
    app.use(secure());
    const response = { fields: ["id", "owner.id", "list.id"] };
    const entity = () => new Entity({ id: "u1", passwordHash: "argon2id" });
    app.get("/entities", secure({ response }), (_req, res) => void res.json({ id: 1, secret: "argon2id", owner: entity(), list: [entity()] }));
    app.get("/root", secure({ response }), (_req, res) => void res.json([entity()]));
    app.get("/smuggle", secure({ response }), (_req, res) => {
      const row = { id: 1, passwordHash: "argon2id" };
      res.json({ ...row, toJSON: () => row });
    });
    app.use(errors());
    const local = await serve(app);
    try {
      const entities = await request(local.url).get("/entities").set(as("alice")).expect(200);
      expect(entities.body).toEqual({ id: 1, owner: { id: "u1" }, list: [{ id: "u1" }] });
      expect((await request(local.url).get("/root").set(as("alice")).expect(200)).body).toEqual([{ id: "u1" }]);
      const smuggled = await request(local.url).get("/smuggle").set(as("alice")).expect(200);
      expect(smuggled.body).toEqual({ id: 1 });
    } finally {
      await local.close();
    }
  });
});
