import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import express, { type NextFunction, type Request, type Response } from "express";
import request from "supertest";
import { bulwark } from "@bulwark/express";
import type { SecurityEvent } from "../events/security-event.js";
import { ConfigError } from "../errors/security-error.js";
import { testOnlyAuthenticator, TEST_USER_HEADER } from "./test-support/test-authenticator.js";
import { serve, type TestServer } from "./test-support/test-server.js";

const USERS = {
  vera: { roles: ["viewer"] },
  eddie: { roles: ["editor"] },
  ada: { roles: ["admin"] },
  nobody: { roles: [] },
  stranger: { roles: ["intern"] },
  reader: { kind: "service" as const, scopes: ["orders:read"] },
  writer: { kind: "service" as const, scopes: ["orders:read", "orders:write"] },
};

const RBAC = {
  roles: {
    viewer: { can: ["orders:read"] },
    editor: { inherits: ["viewer"], can: ["orders:write", "reports:*"] },
    admin: { inherits: ["editor"], can: ["*"] },
  },
};

const METHODS = ["get", "post", "put", "patch", "delete", "head", "options"] as const;

let server: TestServer;
const events: SecurityEvent[] = [];

/** What apps commonly put in front of their routes: honour X-HTTP-Method-Override on POST. */
function methodOverride(req: Request, _res: Response, next: NextFunction): void {
  const override = req.headers["x-http-method-override"];
  if (req.method === "POST" && typeof override === "string") req.method = override.toUpperCase();
  next();
}

beforeAll(async () => {
  const { secure, errors } = bulwark({ authenticate: [testOnlyAuthenticator(USERS)], rbac: RBAC, onEvent: (e) => void events.push(e) });
  const app = express();
  app.use(secure());
  app.use(methodOverride);
  const ok = (_req: Request, res: Response) => void res.json({ ok: true });
  app.get("/orders", secure({ can: "orders:read" }), ok);
  app.delete("/orders/:id", secure({ can: "orders:delete" }), ok);
  app.get("/reports/sales", secure({ can: "reports:sales:read" }), ok);
  app.get("/reports/both", secure({ can: ["reports:sales:read", "orders:write"] }), ok);
  app.get("/editor-area", secure({ roles: ["editor"] }), ok);
  app.get("/scoped", secure({ scopes: ["orders:read", "orders:write"] }), ok);
  // Admin-only: one guard for every method under /admin ...
  const admin = express.Router();
  admin.get("/users", (_req, res) => void res.json([{ id: "u1", email: "a@example.com" }]));
  admin.post("/invites", (_req, res) => void res.status(201).json({ created: true }));
  admin.delete("/users/:id", (_req, res) => void res.status(204).end());
  app.use("/admin", secure({ roles: ["admin"] }), admin);
  // ... and one route registered for GET only (Express answers HEAD and OPTIONS for it itself).
  app.get("/api/admin/v1/users/all", secure({ roles: ["admin"] }), (_req, res) => void res.json([{ id: "u1" }]));
  app.delete("/api/admin/v1/users/:id", secure({ roles: ["admin"] }), (_req, res) => void res.status(204).end());
  app.use(errors());
  server = await serve(app);
});

afterAll(async () => {
  await server.close();
});

const as = (user: string) => ({ [TEST_USER_HEADER]: user });

describe("can: permissions through the role model", () => {
  it("grants a permission to the role that has it and to every role inheriting it", async () => {
    for (const user of ["vera", "eddie", "ada"]) {
      await request(server.url).get("/orders").set(as(user)).expect(200, { ok: true });
    }
    const denied = await request(server.url).get("/orders").set(as("nobody")).expect(403);
    expect(denied.body.code).toBe("AUTHZ_INSUFFICIENT_PERMISSION");
    expect(denied.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });

  it("grants through wildcards: orders:* / reports:* / *", async () => {
    await request(server.url).delete("/orders/1").set(as("ada")).expect(200);
    for (const user of ["vera", "eddie"]) {
      const res = await request(server.url).delete("/orders/1").set(as(user)).expect(403);
      expect(res.body.code).toBe("AUTHZ_INSUFFICIENT_PERMISSION");
    }
    await request(server.url).get("/reports/sales").set(as("eddie")).expect(200);
    await request(server.url).get("/reports/sales").set(as("ada")).expect(200);
    await request(server.url).get("/reports/sales").set(as("vera")).expect(403);
  });

  it("needs every listed permission", async () => {
    await request(server.url).get("/reports/both").set(as("eddie")).expect(200);
    await request(server.url).get("/reports/both").set(as("vera")).expect(403);
  });

  it("gives nothing to a role the model does not define", async () => {
    const res = await request(server.url).get("/orders").set(as("stranger")).expect(403);
    expect(res.body.code).toBe("AUTHZ_INSUFFICIENT_PERMISSION");
  });

  it("asks an anonymous caller to authenticate first", async () => {
    const res = await request(server.url).get("/orders").expect(401);
    expect(res.body.code).toBe("AUTH_REQUIRED");
  });
});

describe("roles and scopes", () => {
  it("lets a role through, and every role that inherits it", async () => {
    await request(server.url).get("/editor-area").set(as("eddie")).expect(200);
    await request(server.url).get("/editor-area").set(as("ada")).expect(200);
    const res = await request(server.url).get("/editor-area").set(as("vera")).expect(403);
    expect(res.body.code).toBe("AUTHZ_INSUFFICIENT_ROLE");
  });

  it("needs all scopes", async () => {
    await request(server.url).get("/scoped").set(as("writer")).expect(200);
    const res = await request(server.url).get("/scoped").set(as("reader")).expect(403);
    expect(res.body.code).toBe("AUTHZ_INSUFFICIENT_SCOPE");
  });

  it("emits authz.denied for each refusal, with the principal and the code", async () => {
    events.length = 0;
    await request(server.url).get("/editor-area").set(as("vera")).expect(403);
    const denial = events.find((e) => e.type === "authz.denied");
    expect(denial).toMatchObject({ type: "authz.denied", principalId: "vera", code: "AUTHZ_INSUFFICIENT_ROLE", method: "GET" });
  });
});

describe("admin-only routes refuse an ordinary user on every method", () => {
  it.each(METHODS)("%s under a router guarded for all methods", async (method) => {
    const paths = ["/admin/users", "/admin/invites", "/admin/users/u1"];
    for (const path of paths) {
      const res = await request(server.url)[method](path).set(as("vera"));
      expect(res.status).toBe(403);
      if (method !== "head") expect(res.body.code).toBe("AUTHZ_INSUFFICIENT_ROLE");
      expect(JSON.stringify(res.body)).not.toContain("a@example.com");
    }
  });

  it.each(METHODS)("%s on a route registered for GET only", async (method) => {
    const res = await request(server.url)[method]("/api/admin/v1/users/all").set(as("vera"));
    // HEAD runs the GET route and DELETE matches /users/:id: both refused by their policy. The
    // other methods match no route here and reach the not-found handler: never the data either.
    if (method === "get" || method === "head" || method === "delete") expect(res.status).toBe(403);
    else expect(res.status).toBe(404);
    expect(JSON.stringify(res.body ?? "")).not.toContain("u1");
  });

  it.each(["GET", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"])("POST with X-HTTP-Method-Override: %s", async (override) => {
    for (const path of ["/admin/users", "/admin/users/u1", "/api/admin/v1/users/u1", "/api/admin/v1/users/all"]) {
      const res = await request(server.url).post(path).set(as("vera")).set("x-http-method-override", override);
      expect([403, 404]).toContain(res.status);
      if (res.status === 403) expect(["AUTHZ_INSUFFICIENT_ROLE", "ROUTE_UNGUARDED"]).toContain(res.body.code);
    }
  });

  it("lets the admin through on the same routes", async () => {
    await request(server.url).get("/admin/users").set(as("ada")).expect(200);
    await request(server.url).post("/admin/invites").set(as("ada")).expect(201);
    await request(server.url).delete("/admin/users/u1").set(as("ada")).expect(204);
    await request(server.url).post("/api/admin/v1/users/u1").set(as("ada")).set("x-http-method-override", "DELETE").expect(204);
  });
});

describe("configuration of the role model", () => {
  const base = { authenticate: [testOnlyAuthenticator(USERS)] };

  function problemsOf(build: () => unknown): readonly string[] {
    try {
      build();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error("expected a ConfigError");
  }

  it("refuses an inheritance cycle, naming it", () => {
    const problems = problemsOf(() => bulwark({
      ...base,
      rbac: { roles: { viewer: { inherits: ["admin"] }, editor: { inherits: ["viewer"] }, admin: { inherits: ["editor"] } } },
    }));
    expect(problems.some((p) => /cycle/.test(p) && /viewer/.test(p) && /admin/.test(p) && /editor/.test(p))).toBe(true);
  });

  it("refuses a role inheriting itself", () => {
    const problems = problemsOf(() => bulwark({ ...base, rbac: { roles: { admin: { inherits: ["admin"] } } } }));
    expect(problems.join("\n")).toMatch(/admin inherits admin is a cycle/);
  });

  it("refuses unknown inherited roles with a hint, malformed grants and unknown role options, all at once", () => {
    const problems = problemsOf(() => bulwark({
      ...base,
      rbac: { roles: { viewer: { can: ["orders:*:read"] }, editor: { inherits: ["veiwer"], permissions: ["x"] } as never } },
    }));
    expect(problems.join("\n")).toMatch(/Did you mean "viewer"/);
    expect(problems.join("\n")).toMatch(/orders:\*:read/);
    expect(problems.join("\n")).toMatch(/permissions is not a known option/);
    expect(problems.length).toBeGreaterThanOrEqual(3);
  });

  it("refuses can without a role model, and wildcards in can", () => {
    const { secure } = bulwark(base);
    expect(() => secure({ can: "orders:read" })).toThrow(/needs a role model/);
    const withModel = bulwark({ ...base, rbac: RBAC });
    expect(() => withModel.secure({ can: "orders:*" })).toThrow(ConfigError);
    expect(() => withModel.secure({ can: [] })).toThrow(ConfigError);
    expect(() => withModel.secure({ public: true, can: "orders:read" })).toThrow(/public/);
  });

  it("warns at startup about a permission no role grants", () => {
    const emitWarning = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      const { secure } = bulwark({ ...base, rbac: { roles: { viewer: { can: ["orders:read"] } } } });
      secure({ can: "invoices:void" });
      const call = emitWarning.mock.calls.find((args) => (args[1] as { code?: string } | undefined)?.code === "BULWARK_PERMISSION_NOT_GRANTED");
      expect(String(call?.[0])).toMatch(/invoices:void/);
    } finally {
      emitWarning.mockRestore();
    }
  });
});
