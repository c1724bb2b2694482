/**
 * The examples of docs/authorization.md, section by section, run against a real Express app
 * (authentication comes from the test-only authenticator instead of jwt()).
 */
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import express, { type Request, type Response } from "express";
import request from "supertest";
import { SecurityError, bulwark } from "@bulwark/express";
import type { SecurityEvent } from "../events/security-event.js";
import { testOnlyAuthenticator, TEST_USER_HEADER } from "./test-support/test-authenticator.js";
import { fakeClockOnly } from "./test-support/fake-clock.js";
import { serve, type TestServer } from "./test-support/test-server.js";

interface Order {
  id: string;
  customerId: string;
  total: number;
}
interface Note {
  id: string;
  slug: string;
  ownerId: string;
  text: string;
}

const USERS = {
  vic: { roles: ["viewer"], scopes: ["orders:read"] },
  eve: { roles: ["editor"], claims: { plan: "pro" } },
  ada: { roles: ["admin"] },
  sue: { roles: ["support"], scopes: ["orders:read"] },
};
const as = (user: string) => ({ [TEST_USER_HEADER]: user });

let server: TestServer;
const events: SecurityEvent[] = [];
const orders = new Map<string, Order>([["o1", { id: "o1", customerId: "vic", total: 10 }], ["o2", { id: "o2", customerId: "eve", total: 20 }]]);
const notes = new Map<string, Note>([["n1", { id: "n1", slug: "first", ownerId: "eve", text: "hello" }], ["n2", { id: "n2", slug: "second", ownerId: "vic", text: "hi" }]]);
const users = new Map([["vic", { id: "vic", name: "Vic", email: "vic@example.com", passwordHash: "$2b$12$secret", isInternal: true, role: "viewer", address: { city: "Oslo", zip: "0150", street: "Karl Johans gate 1" } }]]);
const updates: unknown[] = [];

beforeAll(async () => {
  const { secure, errors } = bulwark({
    authenticate: [testOnlyAuthenticator(USERS)],
    rbac: {
      roles: {
        viewer: { can: ["orders:read", "notes:read"] },
        editor: { inherits: ["viewer"], can: ["orders:write", "reports:*", "notes:edit"] },
        admin: { inherits: ["editor"], can: ["*"] },
        support: { can: ["orders:read"] },
      },
    },
    ownership: { owner: (object: { ownerId: string }) => object.ownerId, bypassRoles: ["admin"] },
    onEvent: (e) => void events.push(e),
  });
  const app = express();
  app.use(secure());
  const ok = (_req: Request, res: Response) => void res.json({ ok: true });

  // Deny by default
  app.get("/health", secure({ public: true }), (_req, res) => void res.json({ ok: true }));
  app.get("/me", secure({}), (req, res) => void res.json({ id: req.bulwark.principal!.id }));
  app.get("/forgotten", (_req, res) => void res.json({ secret: "never sent" }));

  // Roles, scopes and permissions
  app.get("/orders", secure({ can: "orders:read" }), ok);
  app.delete("/orders/:id", secure({ can: "orders:delete" }), ok);
  app.get("/editor", secure({ roles: ["editor"] }), ok);
  app.get("/export", secure({ scopes: ["orders:read", "export"] }), ok);
  const admin = express.Router();
  admin.get("/users", (_req, res) => void res.json([...users.values()]));
  admin.post("/invites", ok);
  app.use("/admin", secure({ roles: ["admin"] }), admin);

  // Attribute rules
  app.post("/reports/run", secure({
    can: "reports:run",
    allow: ({ principal }) => {
      const hour = new Date().getUTCHours();
      return principal?.claims.plan === "pro" && hour >= 9 && hour < 17;
    },
  }), ok);

  // Object ownership
  app.get("/orders/:id", secure({
    scopes: ["orders:read"],
    owns: { load: (req) => orders.get(req.params.id ?? ""), owner: (order: Order) => order.customerId, bypassRoles: ["support"] },
  }), (req, res) => void res.json(req.bulwark.resource));
  app.get("/notes/:id", secure({ owns: { load: (req) => notes.get(req.params.id ?? "") } }), (req, res) => void res.json(req.bulwark.resource));
  app.patch("/notes/by-slug/:slug", secure({}), async (req, res) => {
    const note = [...notes.values()].find((n) => n.slug === req.params.slug);
    if (!req.bulwark.authorize("notes:edit", note)) throw new SecurityError("NOT_FOUND");
    res.json({ updated: note!.id });
  });
  app.get("/notes", secure({ can: "notes:read" }), (req, res) => void res.json(req.bulwark.authorize.filter([...notes.values()])));

  // Property rules
  app.get("/users/:id", secure({
    owns: { load: (req) => users.get(req.params.id ?? ""), owner: (u: { id: string }) => u.id },
    response: { fields: ["id", "name", "address.city"], byRole: { support: ["email"], admin: ["isInternal"] } },
  }), (req, res) => void res.json(req.bulwark.resource));
  app.patch("/users/:id", secure({
    owns: { load: (req) => users.get(req.params.id ?? ""), owner: (u: { id: string }) => u.id, bypassRoles: ["admin"] },
    writable: { fields: ["name", "address.city", "address.zip"], byRole: { admin: ["role", "isAdmin"] } },
  }), (req, res) => {
    updates.push(req.body);
    res.json({ ok: true });
  });
  app.post("/signup", secure({ public: true, writable: { fields: ["email", "password", "name"], mode: "strip" } }), (req, res) => {
    updates.push(req.body);
    res.status(201).json({ ok: true });
  });

  // Decorators
  class OrdersController {
    @secure.route({ can: "orders:delete", owns: { load: (req) => orders.get(req.params.id ?? ""), owner: (o: Order) => o.customerId, bypassRoles: ["admin"] } })
    remove(req: Request, res: Response) {
      orders.delete((req.bulwark.resource as Order).id);
      res.status(204).end();
    }
  }
  const controller = new OrdersController();
  app.delete("/decorated/orders/:id", controller.remove.bind(controller));

  app.use(errors());
  server = await serve(app);
});

afterAll(async () => {
  await server.close();
});

describe("docs/authorization.md", () => {
  it("deny by default: a forgotten route answers 403 ROUTE_UNGUARDED and emits route.unguarded", async () => {
    events.length = 0;
    await request(server.url).get("/health").expect(200);
    await request(server.url).get("/me").set(as("vic")).expect(200, { id: "vic" });
    await request(server.url).get("/me").expect(401);
    const res = await request(server.url).get("/forgotten").set(as("ada")).expect(403);
    expect(res.body.code).toBe("ROUTE_UNGUARDED");
    expect(res.text).not.toContain("never sent");
    expect(events.some((e) => e.type === "route.unguarded")).toBe(true);
  });

  it("roles, scopes and permissions", async () => {
    for (const user of ["vic", "eve", "ada"]) await request(server.url).get("/orders").set(as(user)).expect(200);
    await request(server.url).delete("/orders/o9").set(as("eve")).expect(403);
    await request(server.url).delete("/orders/o9").set(as("ada")).expect(200);
    await request(server.url).get("/editor").set(as("ada")).expect(200);
    await request(server.url).get("/editor").set(as("vic")).expect(403);
    await request(server.url).get("/export").set(as("vic")).expect(403);
    for (const method of ["get", "post", "head", "options", "delete"] as const) {
      await request(server.url)[method]("/admin/users").set(as("eve")).expect(403);
    }
    await request(server.url).post("/admin/users").set(as("eve")).set("x-http-method-override", "GET").expect(403);
  });

  it("attribute rules", async () => {
    fakeClockOnly();
    try {
      jest.setSystemTime(new Date("2024-05-02T10:00:00Z"));
      await request(server.url).post("/reports/run").set(as("eve")).expect(200);
      await request(server.url).post("/reports/run").set(as("ada")).expect(403); // may run reports, but is not on the pro plan
      jest.setSystemTime(new Date("2024-05-02T20:00:00Z"));
      await request(server.url).post("/reports/run").set(as("eve")).expect(403);
    } finally {
      jest.useRealTimers();
    }
  });

  it("object ownership, shared defaults and authorize()", async () => {
    await request(server.url).get("/orders/o1").set(as("vic")).expect(200);
    await request(server.url).get("/orders/o2").set(as("vic")).expect(404);
    await request(server.url).get("/orders/o2").set(as("sue")).expect(200);
    await request(server.url).get("/notes/n1").set(as("eve")).expect(200);
    await request(server.url).get("/notes/n1").set(as("vic")).expect(404);
    await request(server.url).patch("/notes/by-slug/first").set(as("eve")).expect(200, { updated: "n1" });
    await request(server.url).patch("/notes/by-slug/second").set(as("eve")).expect(404);
    await request(server.url).patch("/notes/by-slug/nothing").set(as("eve")).expect(404);
    const listed = await request(server.url).get("/notes").set(as("vic")).expect(200);
    expect(listed.body.map((n: Note) => n.id)).toEqual(["n2"]);
  });

  it("property rules", async () => {
    const read = await request(server.url).get("/users/vic").set(as("vic")).expect(200);
    expect(read.body).toEqual({ id: "vic", name: "Vic", address: { city: "Oslo" } });
    updates.length = 0;
    const rejected = await request(server.url).patch("/users/vic").set(as("vic")).send({ name: "V", role: "admin" }).expect(400);
    expect(rejected.body.errors.map((e: { path: string }) => e.path)).toEqual(["/body/role"]);
    await request(server.url).patch("/users/vic").set(as("ada")).send({ name: "V", role: "editor" }).expect(200);
    await request(server.url).post("/signup").send({ email: "new@example.com", password: "pw-long-enough", isAdmin: true }).expect(201);
    expect(updates).toEqual([{ name: "V", role: "editor" }, { email: "new@example.com", password: "pw-long-enough" }]);
  });

  it("decorators: @secure.route(policy) on a controller method", async () => {
    await request(server.url).delete("/decorated/orders/o1").set(as("eve")).expect(403);
    await request(server.url).delete("/decorated/orders/o1").set(as("ada")).expect(204);
    expect(orders.has("o1")).toBe(false);
    await request(server.url).delete("/decorated/orders/o1").set(as("ada")).expect(404);
  });
});
