/**
 * Runs the apps of docs/authorization.md, section by section, on real servers, with access tokens
 * signed by the stand-in identity provider and verified by `jwt({ jwks })`.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { randomUUID } from "node:crypto";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import request from "supertest";
import { app as denyByDefaultApp } from "./authorization.js";
import { attributesApp } from "./authorization-attributes.js";
import { db, orders } from "./authorization-data.js";
import { decoratorsApp } from "./authorization-decorators.js";
import { notesApp } from "./authorization-notes.js";
import { ownershipApp } from "./authorization-ownership.js";
import { propertiesApp } from "./authorization-properties.js";
import { rolesApp } from "./authorization-roles.js";
import { tokenFor, type TokenClaims } from "./identity-provider.js";
import { securityLog } from "./security-log.js";

// Keys of this file only, removed afterwards (ioredis adds the prefix to every key it sends).
const REDIS_PREFIX = `docs-authorization-test:${randomUUID()}:`;
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { keyPrefix: REDIS_PREFIX, lazyConnect: true });

const servers: Server[] = [];
const urls: Record<string, string> = {};

async function serve(name: string, app: RequestListener): Promise<void> {
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  urls[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The `Authorization` header of a token for `subject` with these claims. */
const as = (subject: string, claims: TokenClaims = {}) => ({ authorization: `Bearer ${tokenFor(subject, claims)}` });
const at = (name: string) => request(urls[name]!);
const eventsSince = (start: number) => securityLog.events.slice(start);

/** Everything but Date keeps running for real while the clock is faked. */
const REAL_TIMERS = [
  "hrtime", "nextTick", "performance", "queueMicrotask", "requestAnimationFrame", "cancelAnimationFrame", "requestIdleCallback",
  "cancelIdleCallback", "setImmediate", "clearImmediate", "setInterval", "clearInterval", "setTimeout", "clearTimeout",
] as const;

const vic = { roles: ["viewer"], scope: "orders:read" };
const eve = { roles: ["editor"], plan: "pro" };
const ada = { roles: ["admin"] };
const sue = { roles: ["support"], scope: "orders:read" };

beforeAll(async () => {
  await redis.connect();
  await serve("deny", denyByDefaultApp);
  await serve("roles", rolesApp());
  await serve("attributes", attributesApp());
  await serve("ownership", ownershipApp(redis));
  await serve("notes", notesApp());
  await serve("properties", propertiesApp());
  await serve("decorators", decoratorsApp());
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  const keys = await redis.keys(`${REDIS_PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys.map((key) => key.slice(REDIS_PREFIX.length)));
  await redis.quit();
});

describe("docs/authorization.md: deny by default", () => {
  it("answers public and guarded routes, and requires a principal for secure({})", async () => {
    await at("deny").get("/health").expect(200, { ok: true });
    await at("deny").get("/me").set(as("vic", vic)).expect(200, { id: "vic" });
    const anonymous = await at("deny").get("/me").expect(401);
    expect(anonymous.body.code).toBe("AUTH_REQUIRED");
  });

  it("refuses a route without a policy with 403 ROUTE_UNGUARDED, and emits route.unguarded", async () => {
    const start = securityLog.events.length;
    const res = await at("deny").get("/forgotten").set(as("ada", ada)).expect(403);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.body.code).toBe("ROUTE_UNGUARDED");
    expect(res.text).not.toContain("never sent");
    expect(eventsSince(start).map((e) => e.type)).toContain("route.unguarded");
  });
});

describe("docs/authorization.md: roles, scopes and permissions", () => {
  it("grants a permission through the role model and its inheritance", async () => {
    for (const [user, claims] of [["vic", vic], ["eve", eve], ["ada", ada]] as const) {
      await at("roles").get("/orders").set(as(user, claims)).expect(200);
    }
    await at("roles").get("/orders").set(as("sue", sue)).expect(403);
    const editor = await at("roles").delete("/orders/o9").set(as("eve", eve)).expect(403);
    expect(editor.body.code).toBe("AUTHZ_INSUFFICIENT_PERMISSION");
    await at("roles").delete("/orders/o9").set(as("ada", ada)).expect(204);
  });

  it("admits a role and every role inheriting it", async () => {
    await at("roles").get("/editor").set(as("eve", eve)).expect(200);
    await at("roles").get("/editor").set(as("ada", ada)).expect(200);
    const viewer = await at("roles").get("/editor").set(as("vic", vic)).expect(403);
    expect(viewer.body.code).toBe("AUTHZ_INSUFFICIENT_ROLE");
  });

  it("needs every scope, and tells a JWT caller which one with insufficient_scope", async () => {
    const missing = await at("roles").get("/export").set(as("vic", vic)).expect(403);
    expect(missing.body.code).toBe("AUTHZ_INSUFFICIENT_SCOPE");
    expect(missing.headers["www-authenticate"]).toMatch(/^Bearer error="insufficient_scope"/);
    await at("roles").get("/export").set(as("vic", { ...vic, scope: "orders:read export" })).expect(200);
  });

  it("guards the admin area for every method, an overridden one included", async () => {
    for (const method of ["get", "post", "head", "options", "delete"] as const) {
      await at("roles")[method]("/admin/users").set(as("eve", eve)).expect(403);
    }
    await at("roles").post("/admin/users").set(as("eve", eve)).set("x-http-method-override", "GET").expect(403);
    await at("roles").post("/admin/invites").set(as("eve", eve)).expect(403);
    await at("roles").get("/admin/users").set(as("ada", ada)).expect(200);
    await at("roles").post("/admin/invites").set(as("ada", ada)).expect(201);
  });
});

describe("docs/authorization.md: attribute rules", () => {
  it("runs reports for pro callers during office hours only", async () => {
    // Tokens are issued at the faked time too.
    jest.useFakeTimers({ now: new Date("2024-05-02T10:00:00Z"), doNotFake: [...REAL_TIMERS] });
    try {
      // Built under the faked clock: bulwark() takes its clock (Date.now) when it starts.
      await serve("office", attributesApp());
      await at("office").post("/reports/run").set(as("eve", eve)).expect(202);
      const start = securityLog.events.length;
      const notPro = await at("office").post("/reports/run").set(as("ada", ada)).expect(403); // may run reports, not on the pro plan
      expect(notPro.body.code).toBe("AUTHZ_FORBIDDEN");
      expect(eventsSince(start).some((e) => e.type === "authz.denied" && e.code === "AUTHZ_FORBIDDEN")).toBe(true);
      jest.setSystemTime(new Date("2024-05-02T20:00:00Z"));
      const late = await at("office").post("/reports/run").set(as("eve", eve)).expect(403);
      expect(late.body.code).toBe("AUTHZ_FORBIDDEN");
    } finally {
      jest.useRealTimers();
    }
  });

  it("lets the rule see the object owns loaded: replies only to open tickets of the caller's tenant", async () => {
    const acme = { tenantId: "acme" };
    await at("attributes").post("/tickets/t1/replies").set(as("vic", acme)).expect(201, { ticket: "t1" });
    const closed = await at("attributes").post("/tickets/t2/replies").set(as("vic", acme)).expect(403);
    expect(closed.body.code).toBe("AUTHZ_FORBIDDEN");
    await at("attributes").post("/tickets/t3/replies").set(as("vic", acme)).expect(404);
  });
});

describe("docs/authorization.md: object ownership", () => {
  it("serves an order to its customer and to support, and answers 404 to anyone else", async () => {
    await at("ownership").get("/orders/o1").set(as("vic", vic)).expect(200, { id: "o1", customerId: "vic", total: 10 });
    const start = securityLog.events.length;
    const foreign = await at("ownership").get("/orders/o2").set(as("vic", vic)).expect(404);
    const missing = await at("ownership").get("/orders/o404").set(as("vic", vic)).expect(404);
    expect(foreign.body.code).toBe("NOT_FOUND");
    expect({ ...foreign.body, requestId: undefined }).toEqual({ ...missing.body, requestId: undefined });
    expect(eventsSince(start).filter((e) => e.type === "ownership.denied")).toHaveLength(1); // the foreign order only
    await at("ownership").get("/orders/o2").set(as("sue", sue)).expect(200);
  });

  it("accepts any of several owners, and compares a tenant claim with as", async () => {
    await at("ownership").get("/documents/d1").set(as("eve")).expect(200);
    await at("ownership").get("/documents/d1").set(as("vic")).expect(200);
    await at("ownership").get("/documents/d1").set(as("sue")).expect(404);
    await at("ownership").get("/projects/p1").set(as("vic", { tenantId: "acme" })).expect(200);
    await at("ownership").get("/projects/p2").set(as("vic", { tenantId: "acme" })).expect(404);
  });

  it("blocks a principal probing ids with 429 AUTHZ_ENUMERATION_BLOCKED, counted in Redis", async () => {
    const start = securityLog.events.length;
    const mallory = as("mallory", { scope: "orders:read" });
    for (let i = 0; i < 20; i++) await at("ownership").get(`/orders/guess-${i}`).set(mallory).expect(404);
    const tripped = await at("ownership").get("/orders/o1").set(mallory).expect(429); // the 21st denial within the window
    expect(tripped.body.code).toBe("AUTHZ_ENUMERATION_BLOCKED");
    const blocked = await at("ownership").get("/orders/guess-0").set(mallory).expect(429);
    expect(blocked.body.code).toBe("AUTHZ_ENUMERATION_BLOCKED");
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(blocked.headers["retry-after"])).toBeLessThanOrEqual(300);
    expect(eventsSince(start).some((e) => e.type === "bola.suspected" && e.principalId === "mallory")).toBe(true);
    expect(await redis.keys(`${REDIS_PREFIX}*`)).not.toHaveLength(0);
    await at("ownership").get("/orders/o1").set(as("vic", vic)).expect(200); // others are not blocked
  });
});

describe("docs/authorization.md: shared ownership defaults and authorize()", () => {
  it("applies the top-level owner rule to owns", async () => {
    await at("notes").get("/notes/n1").set(as("eve", eve)).expect(200);
    await at("notes").get("/notes/n1").set(as("vic", vic)).expect(404);
    await at("notes").get("/notes/n1").set(as("ada", ada)).expect(200);
  });

  it("authorizes inside a handler: a permission and ownership, never a missing object", async () => {
    const edited = await at("notes").patch("/notes/by-slug/first").set(as("eve", eve)).send({ text: "edited" }).expect(200);
    expect(edited.body).toMatchObject({ id: "n1", text: "edited" });
    await at("notes").patch("/notes/by-slug/second").set(as("eve", eve)).send({ text: "x" }).expect(404); // vic's
    await at("notes").patch("/notes/by-slug/second").set(as("vic", vic)).send({ text: "x" }).expect(404); // no notes:edit
    await at("notes").patch("/notes/by-slug/nothing").set(as("eve", eve)).send({ text: "x" }).expect(404);
  });

  it("filters a listing down to the principal's objects", async () => {
    const listed = await at("notes").get("/notes").set(as("vic", vic)).expect(200);
    expect(listed.body.map((note: { id: string }) => note.id)).toEqual(["n2"]);
  });
});

describe("docs/authorization.md: property rules", () => {
  it("sends only the allowlisted fields, nested and in arrays, plus those of the principal's roles", async () => {
    const own = await at("properties").get("/users/vic").set(as("vic", vic)).expect(200);
    expect(own.body).toEqual({ id: "vic", name: "Vic", address: { city: "Oslo" }, orders: [{ id: "o1", items: [{ sku: "A-1" }] }] });
    expect((await at("properties").get("/users/sue").set(as("sue", sue)).expect(200)).body).toEqual({ id: "sue", name: "Sue", email: "sue@example.com" });
    expect((await at("properties").get("/users/ada").set(as("ada", ada)).expect(200)).body).toEqual({ id: "ada", name: "Ada", isInternal: true });
    expect(db.users.findRow("vic")?.passwordHash).toBeDefined(); // the row itself is untouched
  });

  it("refuses a body that sets other fields, naming them without their values", async () => {
    const rejected = await at("properties").patch("/users/dan").set(as("dan", vic)).send({ name: "D", role: "admin" }).expect(400);
    expect(rejected.body.code).toBe("AUTHZ_FIELD_NOT_WRITABLE");
    expect(rejected.body.errors.map((e: { path: string }) => e.path)).toEqual(["/body/role"]);
    expect(rejected.text).not.toContain("admin");
    await at("properties").patch("/users/dan").set(as("dan", vic)).send({ address: { street: "Elsewhere" } }).expect(400);
    expect(db.users.findRow("dan")).toMatchObject({ name: "Dan", role: "viewer" });
    await at("properties").patch("/users/dan").set(as("dan", vic)).send({ name: "Daniel", address: { city: "Bergen", zip: "5004" } }).expect(200);
    await at("properties").patch("/users/dan").set(as("ada", ada)).send({ role: "editor" }).expect(200);
    expect(db.users.findRow("dan")).toMatchObject({ name: "Daniel", role: "editor", address: { city: "Bergen", zip: "5004" } });
  });

  it("strips the fields a public sign-up may not set", async () => {
    const created = await at("properties").post("/signup").send({ email: "new@example.com", password: "pw-long-enough", isAdmin: true }).expect(201);
    expect(db.users.findRow(created.body.id)).toMatchObject({ email: "new@example.com", password: "pw-long-enough" });
    expect(db.users.findRow(created.body.id)).not.toHaveProperty("isAdmin");
  });
});

describe("docs/authorization.md: decorators", () => {
  it("runs a decorated controller method only once its policy allowed the request", async () => {
    await at("decorators").delete("/orders/o3").set(as("eve", eve)).expect(403);
    expect(orders.get("o3")).toBeDefined();
    await at("decorators").delete("/orders/o3").set(as("ada", ada)).expect(204);
    expect(orders.get("o3")).toBeUndefined();
    await at("decorators").delete("/orders/o3").set(as("ada", ada)).expect(404);
  });
});
