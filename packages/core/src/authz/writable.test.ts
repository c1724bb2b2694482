import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import express from "express";
import fc from "fast-check";
import request from "supertest";
import { bulwark } from "@bulwark/express";
import { ConfigError } from "../errors/security-error.js";
import { compileFieldTree } from "./field-tree.js";
import { readCorpus } from "./test-support/corpora.js";
import { deepFreeze, isAllowedPath, propertyPaths } from "./test-support/field-paths.js";
import { testOnlyAuthenticator, TEST_USER_HEADER } from "./test-support/test-authenticator.js";
import { serve, type TestServer } from "./test-support/test-server.js";
import { stripUnwritable, unwritablePaths } from "./writable-filter.js";

interface AbuseCase {
  id: string;
  category: string;
  transport: string;
  raw: string;
  assert: string;
}
interface AbuseCorpus {
  referenceSchema: { body: { properties: Record<string, unknown> } };
  cases: AbuseCase[];
}

const corpus = readCorpus<AbuseCorpus>("input-validation-abuse.json");
const MASS_ASSIGNMENT = corpus.cases.filter((c) => c.category === "mass-assignment");
/** The fields the corpus's reference schema lets a client set. */
const SCHEMA_FIELDS = Object.keys(corpus.referenceSchema.body.properties);
/** The corpus names what a handler must never see. */
const NEVER_SEEN = ["isAdmin", "role", "ownerId", "id", "createdAt", "discount"];

const USERS = { alice: { roles: ["member"] }, ada: { roles: ["admin"] } };
const as = (user: string) => ({ [TEST_USER_HEADER]: user });

let server: TestServer;
const received: unknown[] = [];

beforeAll(async () => {
  const { secure, errors } = bulwark({
    authenticate: [testOnlyAuthenticator(USERS)],
    rbac: { roles: { member: {}, admin: { inherits: ["member"] } } },
  });
  const app = express();
  app.use(secure());
  const record = (req: express.Request, res: express.Response) => {
    received.push(req.body);
    res.json({ ok: true });
  };
  app.post("/items", secure({ writable: { fields: SCHEMA_FIELDS } }), record);
  app.post("/items/lenient", secure({ writable: { fields: SCHEMA_FIELDS, mode: "strip" } }), record);
  app.patch("/profile", secure({
    writable: { fields: ["name", "address.city", "address.zip", "phones"], byRole: { admin: ["role", "isAdmin", "balance"] } },
  }), record);
  app.patch("/profile/lenient", secure({
    writable: { fields: ["name", "address.city", "items.qty"], byRole: { admin: ["role"] }, mode: "strip" },
  }), record);
  app.post("/bookings/approve", secure({ writable: { fields: ["approved", "comment"] } }), record);
  app.use(errors());
  server = await serve(app);
});

afterAll(async () => {
  await server.close();
});

describe("writable: mass assignment, from the corpus", () => {
  it.each(MASS_ASSIGNMENT.map((c) => [c.id, c] as const))("%s is rejected with the field names and no values", async (_id, abuse) => {
    received.length = 0;
    const res = await request(server.url).post("/items").set(as("alice")).set("content-type", "application/json").send(abuse.raw).expect(400);
    expect(res.body.code).toBe("AUTHZ_FIELD_NOT_WRITABLE");
    const paths = (res.body.errors as { path: string }[]).map((e) => e.path);
    const body = JSON.parse(abuse.raw) as Record<string, unknown>;
    for (const name of Object.keys(body).filter((k) => !SCHEMA_FIELDS.includes(k))) expect(paths).toContain(`/body/${name}`);
    for (const value of Object.values(body)) if (typeof value === "string" && value.length > 2) expect(res.text).not.toContain(value);
    expect(received).toHaveLength(0);
  });

  it.each(MASS_ASSIGNMENT.map((c) => [c.id, c] as const))("%s is stripped before the handler in strip mode", async (_id, abuse) => {
    received.length = 0;
    await request(server.url).post("/items/lenient").set(as("alice")).set("content-type", "application/json").send(abuse.raw).expect(200);
    const seen = received[0] as Record<string, unknown>;
    for (const name of NEVER_SEEN) expect(seen).not.toHaveProperty(name);
    for (const name of Object.keys(seen)) expect(SCHEMA_FIELDS).toContain(name);
  });
});

describe("writable: roles, nesting and modes", () => {
  it("lets a member set allowed fields and an admin set more", async () => {
    received.length = 0;
    await request(server.url).patch("/profile").set(as("alice")).send({ name: "A", address: { city: "Oslo" }, phones: ["1", "2"] }).expect(200);
    await request(server.url).patch("/profile").set(as("ada")).send({ name: "B", role: "admin", isAdmin: true, balance: 10 }).expect(200);
    expect(received).toEqual([{ name: "A", address: { city: "Oslo" }, phones: ["1", "2"] }, { name: "B", role: "admin", isAdmin: true, balance: 10 }]);
  });

  it.each(["role", "isAdmin", "ownerId", "balance"])("rejects a member setting %s", async (field) => {
    const res = await request(server.url).patch("/profile").set(as("alice")).send({ name: "A", [field]: field === "balance" ? 1e9 : "admin" }).expect(400);
    expect(res.body.errors).toEqual([{ path: `/body/${field}`, code: "notWritable", message: "may not be set in this request" }]);
    expect(res.text).not.toMatch(/1000000000|"admin"/);
  });

  it("checks nested objects and refuses replacing a partly writable object", async () => {
    const nested = await request(server.url).patch("/profile").set(as("alice")).send({ address: { city: "Oslo", verified: true } }).expect(400);
    expect(nested.body.errors.map((e: { path: string }) => e.path)).toEqual(["/body/address/verified"]);
    const replaced = await request(server.url).patch("/profile").set(as("alice")).send({ address: "anywhere" }).expect(400);
    expect(replaced.body.errors.map((e: { path: string }) => e.path)).toEqual(["/body/address"]);
  });

  it("escapes odd field names as JSON pointers", async () => {
    const res = await request(server.url).patch("/profile").set(as("alice")).send({ "a/b~c": 1 }).expect(400);
    expect(res.body.errors[0].path).toBe("/body/a~1b~0c");
  });

  it("strips nested and array elements, and by role", async () => {
    received.length = 0;
    await request(server.url).patch("/profile/lenient").set(as("alice"))
      .send({ name: "A", role: "admin", address: { city: "Oslo", verified: true }, items: [{ qty: 1, price: 0 }, { qty: 2 }] }).expect(200);
    await request(server.url).patch("/profile/lenient").set(as("ada")).send({ role: "auditor", balance: 5 }).expect(200);
    expect(received).toEqual([{ name: "A", address: { city: "Oslo" }, items: [{ qty: 1 }, { qty: 2 }] }, { role: "auditor" }]);
  });

  it("applies to urlencoded bodies too", async () => {
    received.length = 0;
    const res = await request(server.url).post("/items").set(as("alice")).type("form").send("name=x&quantity=5&isAdmin=true").expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(["/body/isAdmin"]);
    expect(received).toHaveLength(0);
  });

  it("rebuilds OWASP API3 scenario 2 (a host adds total_stay_price)", async () => {
    await request(server.url).post("/bookings/approve").set(as("alice")).send({ approved: true, comment: "Check-in is after 3pm" }).expect(200);
    const res = await request(server.url).post("/bookings/approve").set(as("alice"))
      .send({ approved: true, comment: "Check-in is after 3pm", total_stay_price: "$1,000,000" }).expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(["/body/total_stay_price"]);
    expect(res.text).not.toContain("1,000,000");
  });
});

// Regression: with `address.city` writable, `{"address": ["admin", "x"]}` replaced `address` in
// both modes, because array elements that are not objects were skipped. An empty array carries no
// data and passes: clearing a list of objects (`lines.sku` writable, `lines: []`) looks the same.
describe("writable: an array does not replace a partly writable parent (regression)", () => {
  const tree = compileFieldTree(["name", "address.city", "items.qty", "tags"], "fields", [])!;

  it.each([
    [{ address: ["admin", "x"] }, ["/body/address/0", "/body/address/1"], {}],
    [{ address: [null, { city: "c" }] }, ["/body/address/0"], { address: [{ city: "c" }] }],
    [{ address: [{ city: "c" }, 1] }, ["/body/address/1"], { address: [{ city: "c" }] }],
    [{ items: [["x"], [{ qty: 1 }]] }, ["/body/items/0/0"], { items: [[{ qty: 1 }]] }],
    [["role", { name: "n" }], ["/body/0"], [{ name: "n" }]],
  ])("%j: reject lists %j, strip keeps %j", (body, paths, stripped) => {
    expect(unwritablePaths(deepFreeze(body), tree)).toEqual(paths);
    expect(stripUnwritable(deepFreeze(body), tree)).toEqual(stripped);
  });

  it("still accepts arrays of objects, a whole writable list, and empty arrays (a list cleared)", () => {
    for (const body of [{ address: [{ city: "c" }] }, { items: [{ qty: 1 }, [{ qty: 2 }]] }, { tags: [], name: "n" }, { tags: ["a", 1, null] }, [], { items: [] }, { items: [[]] }]) {
      expect(unwritablePaths(body, tree)).toEqual([]);
      expect(stripUnwritable(body, tree)).toEqual(body);
    }
  });

  it("refuses (reject) and drops (strip) such arrays through Express", async () => {
    for (const body of [{ name: "A", address: ["admin", "x"] }, { name: "A", address: [null] }]) {
      received.length = 0;
      const res = await request(server.url).patch("/profile").set(as("alice")).send(body).expect(400);
      expect(res.body.code).toBe("AUTHZ_FIELD_NOT_WRITABLE");
      expect(res.text).not.toContain("admin");
      expect(received).toHaveLength(0);
      await request(server.url).patch("/profile/lenient").set(as("alice")).send(body).expect(200);
      expect(received).toEqual([{ name: "A" }]);
    }
    received.length = 0;
    await request(server.url).patch("/profile/lenient").set(as("alice")).send({ items: ["x", { qty: 1, price: 0 }] }).expect(200);
    expect(received).toEqual([{ items: [{ qty: 1 }] }]);
  });

  it("never lets a body through in which a partly writable object is not an object (fast-check)", () => {
    const fields = ["name", "address.city", "address.geo.lat", "items.qty"];
    const partial = new Set(["address", "address.geo", "items"]);
    /** True when every value under a partly writable name is an object, or an array of such. */
    const keepsShape = (value: unknown, path: string, inArray = false): boolean => {
      if (Array.isArray(value)) return value.every((v) => keepsShape(v, path, true));
      if (value === null || typeof value !== "object") return path === "" && !inArray;
      return Object.entries(value).every(([k, v]) => {
        const child = path === "" ? k : `${path}.${k}`;
        return !partial.has(child) || (v !== null && typeof v === "object" && keepsShape(v, child));
      });
    };
    const tree2 = compileFieldTree(fields, "fields", [])!;
    const key = fc.constantFrom("name", "address", "city", "geo", "lat", "items", "qty");
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, fc.jsonValue({ maxDepth: 0 }), fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(key, tie("node"), { maxKeys: 3 })),
    })).node;
    fc.assert(
      fc.property(fc.oneof(fc.dictionary(key, value, { maxKeys: 4 }), fc.array(value, { maxLength: 3 })), (body) => {
        if (unwritablePaths(body, tree2).length === 0) expect(keepsShape(body, "")).toBe(true);
        expect(keepsShape(stripUnwritable(body, tree2), "")).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("writable configuration", () => {
  it("refuses a bad mode and bad fields at startup", () => {
    const { secure } = bulwark({ authenticate: [testOnlyAuthenticator(USERS)] });
    expect(() => secure({ writable: { fields: ["a"], mode: "drop" as never } })).toThrow(ConfigError);
    expect(() => secure({ writable: { fields: ["a.__proto__"] } })).toThrow(/not a field path/);
    expect(() => secure({ writable: ["a"] as never })).toThrow(/must be an object/);
  });
});

describe("writable properties (fast-check)", () => {
  const segment = fc.constantFrom("name", "role", "isAdmin", "address", "city", "items", "qty", "constructor");
  const fieldList = fc.array(fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join(".")), { maxLength: 5 });
  const key = fc.oneof(segment, fc.constant("__proto__"), fc.string({ maxLength: 5 }));
  const body = fc.oneof(
    fc.object({ key, maxDepth: 4, maxKeys: 6, withNullPrototype: true }),
    fc.array(fc.object({ key, maxDepth: 3, maxKeys: 4 }), { maxLength: 3 }),
  );

  it("strip never lets a forbidden key through, and reject flags every body strip would change", () => {
    fc.assert(
      fc.property(fieldList, body, (fields, value) => {
        const tree = compileFieldTree(fields, "fields", [])!;
        const frozen = deepFreeze(value);
        const stripped = stripUnwritable(frozen, tree);
        for (const path of propertyPaths(stripped)) expect(isAllowedPath(path, fields)).toBe(true);
        const forbidden = propertyPaths(frozen).some((path) => !isAllowedPath(path, fields));
        if (forbidden) expect(unwritablePaths(frozen, tree).length).toBeGreaterThan(0);
        if (unwritablePaths(frozen, tree).length === 0) expect(stripped).toEqual(frozen);
      }),
      { numRuns: 500 },
    );
  });

  it("holds end to end: the handler never receives a forbidden key", async () => {
    const fields = ["name", "address.city", "items.qty"];
    const jsonKey = fc.oneof(fc.constantFrom("name", "role", "address", "city", "items", "qty", "isAdmin"), fc.string({ maxLength: 4 }));
    const jsonBody = fc.dictionary(jsonKey, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });
    await fc.assert(
      fc.asyncProperty(jsonBody, async (value) => {
        received.length = 0;
        const res = await request(server.url).patch("/profile/lenient").set(as("alice")).send(value);
        // Transport checks may refuse a hostile body first; whatever passes is clean.
        if (res.status === 200) for (const path of propertyPaths(received[0])) expect(isAllowedPath(path, fields)).toBe(true);
        else expect(res.status).toBe(400);
      }),
      { numRuns: 40 },
    );
  });
});
