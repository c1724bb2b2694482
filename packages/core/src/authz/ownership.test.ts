import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import express, { type Request, type Response } from "express";
import request from "supertest";
import { bulwark } from "@bulwark/express";
import { ConfigError } from "../errors/security-error.js";
import type { SecurityEvent } from "../events/security-event.js";
import { testOnlyAuthenticator, TEST_USER_HEADER } from "./test-support/test-authenticator.js";
import { serve, type TestServer } from "./test-support/test-server.js";

interface Order {
  id: string;
  customerId: string;
  total: number;
}
interface Doc {
  id: string;
  tenantId: string;
  ownerId: number;
  editors: string[];
  title: string;
}

const ORDERS = new Map<string, Order>([
  ["1", { id: "1", customerId: "alice", total: 10 }],
  ["2", { id: "2", customerId: "bob", total: 20 }],
]);
const DOCS = new Map<string, Doc>([
  ["d1", { id: "d1", tenantId: "acme", ownerId: 7, editors: ["carol"], title: "Plan" }],
  ["d2", { id: "d2", tenantId: "globex", ownerId: 8, editors: [], title: "Budget" }],
]);

const USERS = {
  alice: { claims: { tenantId: "acme" } },
  bob: { claims: { tenantId: "globex" } },
  carol: { id: "7", claims: { tenantId: "acme" } },
  multi: { claims: { tenantId: ["globex", "initech"] } },
  ada: { roles: ["admin"] },
  root: { roles: ["superadmin"] },
};

let server: TestServer;
const events: SecurityEvent[] = [];
const as = (user: string) => ({ [TEST_USER_HEADER]: user });
const loadOrder = (req: { params: Readonly<Record<string, string>> }) => ORDERS.get(req.params.id ?? "");
const loadDoc = async (req: { params: Readonly<Record<string, string>> }) => DOCS.get(req.params.id ?? "");

beforeAll(async () => {
  const { secure, errors } = bulwark({
    authenticate: [testOnlyAuthenticator(USERS)],
    rbac: { roles: { admin: {}, superadmin: { inherits: ["admin"] } } },
    bola: { threshold: 1000 },
    onEvent: (e) => void events.push(e),
  });
  const app = express();
  app.use(secure());
  const sendResource = (req: Request, res: Response) => void res.json({ resource: req.bulwark.resource });
  app.get("/orders/:id", secure({ owns: { load: loadOrder, owner: (o: Order) => o.customerId, bypassRoles: ["admin"] } }), sendResource);
  app.get("/strict-orders/:id", secure({ owns: { load: loadOrder, owner: (o: Order) => o.customerId, deny: 403 } }), sendResource);
  app.get("/docs/:id", secure({ owns: { load: loadDoc, owner: (d: Doc) => d.tenantId, as: "tenantId" } }), sendResource);
  app.get("/shared-docs/:id", secure({ owns: { load: loadDoc, owner: (d: Doc) => [d.ownerId, ...d.editors] } }), sendResource);
  app.get("/fragile/:id", secure({
    owns: {
      load: loadOrder,
      owner: (o: Order) => {
        if (o.id === "2") throw new TypeError("cannot read customer of order 2");
        return o.customerId;
      },
    },
  }), sendResource);
  app.use(errors());
  server = await serve(app);
});

afterAll(async () => {
  await server.close();
});

describe("owns: object-level authorization", () => {
  it("loads the principal's own object and hands it to the handler", async () => {
    const res = await request(server.url).get("/orders/1").set(as("alice")).expect(200);
    expect(res.body).toEqual({ resource: { id: "1", customerId: "alice", total: 10 } });
  });

  it("answers a foreign object exactly like a missing one", async () => {
    const foreign = await request(server.url).get("/orders/2").set(as("alice")).set("x-request-id", "probe-0001");
    const missing = await request(server.url).get("/orders/999").set(as("alice")).set("x-request-id", "probe-0001");
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(foreign.text).toBe(missing.text);
    expect(foreign.body.code).toBe("NOT_FOUND");
    const headers = (res: request.Response) => Object.fromEntries(Object.entries(res.headers).filter(([name]) => name !== "date"));
    expect(headers(foreign)).toEqual(headers(missing));
    expect(foreign.text).not.toContain("bob");
  });

  it("emits ownership.denied for the foreign object only", async () => {
    events.length = 0;
    await request(server.url).get("/orders/2").set(as("alice")).expect(404);
    await request(server.url).get("/orders/999").set(as("alice")).expect(404);
    const denied = events.filter((e) => e.type === "ownership.denied");
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ principalId: "alice", code: "AUTHZ_NOT_OWNER", route: "/orders/:id" });
  });

  it("answers 403 for a foreign object when the route says deny: 403 (missing stays 404)", async () => {
    events.length = 0;
    const foreign = await request(server.url).get("/strict-orders/2").set(as("alice")).expect(403);
    expect(foreign.body.code).toBe("AUTHZ_NOT_OWNER");
    await request(server.url).get("/strict-orders/999").set(as("alice")).expect(404);
    await request(server.url).get("/strict-orders/1").set(as("alice")).expect(200);
    expect(events.filter((e) => e.type === "ownership.denied")).toHaveLength(1);
  });

  it("compares with a claim (tenant) through `as`", async () => {
    await request(server.url).get("/docs/d1").set(as("alice")).expect(200);
    await request(server.url).get("/docs/d2").set(as("alice")).expect(404);
    await request(server.url).get("/docs/d2").set(as("bob")).expect(200);
    // A principal in several tenants owns what any of them owns.
    await request(server.url).get("/docs/d2").set(as("multi")).expect(200);
    await request(server.url).get("/docs/d1").set(as("multi")).expect(404);
    // A principal without the claim owns nothing.
    await request(server.url).get("/docs/d1").set(as("ada")).expect(404);
  });

  it("accepts any of several owner ids, numbers and strings alike", async () => {
    await request(server.url).get("/shared-docs/d1").set(as("carol")).expect(200); // ownerId 7 vs id "7"
    await request(server.url).get("/shared-docs/d1").set(as("alice")).expect(404);
    await request(server.url).get("/shared-docs/d2").set(as("carol")).expect(404);
  });

  it("lets bypass roles (and roles inheriting them) reach any object, but not a missing one", async () => {
    await request(server.url).get("/orders/2").set(as("ada")).expect(200);
    await request(server.url).get("/orders/2").set(as("root")).expect(200);
    await request(server.url).get("/orders/999").set(as("ada")).expect(404);
  });

  it("treats an owner function that throws like a foreign object (no 500 that tells objects apart)", async () => {
    const crashing = await request(server.url).get("/fragile/2").set(as("alice")).set("x-request-id", "probe-0002");
    const missing = await request(server.url).get("/fragile/999").set(as("alice")).set("x-request-id", "probe-0002");
    expect(crashing.status).toBe(404);
    expect(crashing.text).toBe(missing.text);
  });

  it("requires a principal", async () => {
    await request(server.url).get("/orders/1").expect(401);
  });
});

describe("owns configuration", () => {
  const base = { authenticate: [testOnlyAuthenticator(USERS)] };

  it("refuses an owns without load or owner, unknown keys, a bad deny and public routes", () => {
    const { secure } = bulwark(base);
    const problemsOf = (policy: object): string => {
      try {
        secure(policy);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems.join("\n");
      }
      throw new Error("expected a ConfigError");
    };
    expect(problemsOf({ owns: { owner: () => "x" } })).toMatch(/owns.load is required/);
    expect(problemsOf({ owns: { load: () => undefined } })).toMatch(/needs owner/);
    expect(problemsOf({ owns: { load: () => undefined, owner: () => "x", onwer: 1 } })).toMatch(/Did you mean `owner`/);
    expect(problemsOf({ owns: { load: () => undefined, owner: () => "x", deny: 401 } })).toMatch(/404 .* or 403/);
    expect(problemsOf({ public: true, owns: { load: () => undefined, owner: () => "x" } })).toMatch(/public/);
  });

  it("takes owner, as and bypassRoles from the top-level ownership option", async () => {
    const { secure, errors } = bulwark({ ...base, ownership: { owner: (d: Doc) => d.tenantId, as: "tenantId" }, bola: false });
    const app = express();
    app.use(secure());
    app.get("/docs/:id", secure({ owns: { load: loadDoc } }), (req, res) => void res.json(req.bulwark.resource));
    app.use(errors());
    const local = await serve(app);
    try {
      await request(local.url).get("/docs/d1").set(as("alice")).expect(200);
      await request(local.url).get("/docs/d2").set(as("alice")).expect(404);
    } finally {
      await local.close();
    }
  });
});
