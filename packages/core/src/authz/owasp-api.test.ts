/**
 * The attack scenarios of OWASP API1 (BOLA), API3 (object property level) and API5 (function
 * level), read from the shared corpus and rebuilt against small Express apps.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import express from "express";
import request from "supertest";
import { bulwark } from "@bulwark/express";
import { readCorpus } from "./test-support/corpora.js";
import { testOnlyAuthenticator, TEST_USER_HEADER } from "./test-support/test-authenticator.js";
import { serve, type TestServer } from "./test-support/test-server.js";

interface Risk {
  id: string;
  exampleAttackScenarios: string;
}
const risks = readCorpus<{ risks: Risk[] }>("owasp-api-top10-2023.json").risks;
const scenariosOf = (id: string): string => risks.find((r) => r.id === id)!.exampleAttackScenarios;

/** The JSON objects quoted in a scenario text, in order. */
function jsonSnippets(text: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (let start = text.indexOf("{"); start !== -1; start = text.indexOf("{", start + 1)) {
    for (let end = text.indexOf("}", start); end !== -1; end = text.indexOf("}", end + 1)) {
      try {
        const value = JSON.parse(text.slice(start, end + 1)) as unknown;
        if (value !== null && typeof value === "object" && !Array.isArray(value)) {
          found.push(value as Record<string, unknown>);
          start = end;
          break;
        }
      } catch {
        // not a complete JSON object yet
      }
    }
  }
  return found;
}

/** `METHOD /path` mentions of a scenario text. */
function endpoints(text: string): { method: string; path: string }[] {
  return [...text.matchAll(/\b(GET|POST|PUT|PATCH|DELETE) (\/[^\s`]+)/g)].map((m) => ({ method: m[1]!, path: m[2]! }));
}

const USERS = {
  attacker: { roles: ["user"], claims: { email: "attacker@somehost.com" } },
  owner: { roles: ["user"] },
  admin: { roles: ["admin"] },
};
const as = (user: string) => ({ [TEST_USER_HEADER]: user });
const METHODS = ["get", "post", "put", "patch", "delete", "head", "options"] as const;

let server: TestServer;
const handled: { path: string; body: unknown }[] = [];

// API1 scenario 1: shops with revenue data, whose names can be listed by anyone.
const SHOPS = new Map(["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka", "tyrell", "cyberdyne",
  "soylent", "gringotts", "oscorp", "monarch", "vandelay", "prestige", "duff", "krusty", "dunder", "pied-piper", "massive", "aperture"]
  .map((name, i) => [name, { name, ownerId: i === 0 ? "attacker" : "owner", revenue: [1000 + i, 2000 + i] }]));
// API1 scenario 3: documents deleted by id through a GraphQL-style mutation.
const DOCUMENTS = new Map([["doc-attacker", { id: "doc-attacker", ownerId: "attacker" }], ["doc-victim", { id: "doc-victim", ownerId: "owner" }]]);

beforeAll(async () => {
  const { secure, errors } = bulwark({
    authenticate: [testOnlyAuthenticator(USERS)],
    rbac: { roles: { user: { can: ["invites:read"] }, admin: { inherits: ["user"], can: ["*"] } } },
    ownership: { owner: (o: { ownerId: string }) => o.ownerId, bypassRoles: ["admin"] },
    bola: { threshold: 20, window: 60, block: 300 },
  });
  const app = express();
  app.use(secure());
  const record = (req: express.Request, res: express.Response) => {
    handled.push({ path: req.path, body: req.body });
    res.json({ ok: true, body: req.body });
  };

  // API1
  app.get("/shops", secure({}), (_req, res) => void res.json([...SHOPS.keys()]));
  app.get("/shops/:shopName/revenue_data.json", secure({ owns: { load: (req) => SHOPS.get(req.params.shopName ?? "") } }), (req, res) => {
    res.json(req.bulwark.resource);
  });
  app.post("/graphql", secure({
    owns: {
      load: (req) => {
        const keys = (req.body as { variables?: { reportKeys?: unknown } } | undefined)?.variables?.reportKeys;
        return Array.isArray(keys) && keys.length === 1 && typeof keys[0] === "string" ? DOCUMENTS.get(keys[0]) : undefined;
      },
    },
  }), record);

  // API3
  app.post("/api/host/approve_booking", secure({ writable: { fields: ["approved", "comment"] } }), record);
  app.put("/api/video/update_video", secure({ writable: { fields: ["description"] } }), record);
  app.post("/users/:id/report", secure({ response: { fields: ["status", "message", "reportedUser.id"] } }), (req, res) => {
    res.json({ status: "ok", message: "reported", reportedUser: { id: req.params.id, fullName: "Jane Roe", recentLocation: "48.85,2.35" } });
  });

  // API5: the invite flow; reading an invite is for users, creating one for administrators only.
  const adminOnly = secure({ roles: ["admin"] });
  app.all("/api/invites/new", adminOnly, record);
  app.get("/api/invites/:invite_guid", secure({ can: "invites:read" }), (req, res) => void res.json({ guid: req.params.invite_guid }));
  app.all("/api/admin/v1/users/all", adminOnly, (_req, res) => void res.json([{ email: "victim@example.com", role: "user" }]));
  app.use(errors());
  server = await serve(app);
});

afterAll(async () => {
  await server.close();
});

describe("API1:2023 Broken Object Level Authorization", () => {
  it("scenario 1: walking every shop's revenue_data.json reveals nothing and trips the block", async () => {
    const pattern = "/shops/{shopName}/revenue_data.json";
    expect(scenariosOf("API1:2023")).toContain(pattern);
    const names = (await request(server.url).get("/shops").set(as("attacker")).expect(200)).body as string[];
    const statuses: number[] = [];
    for (const name of names) {
      const res = await request(server.url).get(pattern.replace("{shopName}", name)).set(as("attacker"));
      statuses.push(res.status);
      if (name !== "acme") expect(res.text).not.toMatch(/revenue/);
    }
    expect(statuses[0]).toBe(200); // the attacker's own shop
    expect(statuses.slice(1, 21).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(21).every((s) => s === 429)).toBe(true);
  });

  it("scenario 3: deleting someone else's document by id is refused like a missing one", async () => {
    const mutation = jsonSnippets(scenariosOf("API1:2023")).find((s) => s.operationName === "deleteReports")!;
    expect(mutation).toBeDefined();
    const withKey = (key: string) => ({ ...mutation, variables: { reportKeys: [key] } });
    handled.length = 0;
    const foreign = await request(server.url).post("/graphql").set(as("owner")).set("x-request-id", "api1-s3-0001").send(withKey("doc-attacker"));
    const missing = await request(server.url).post("/graphql").set(as("owner")).set("x-request-id", "api1-s3-0001").send(withKey("doc-nothing"));
    expect(foreign.status).toBe(404);
    expect(foreign.text).toBe(missing.text);
    expect(handled).toHaveLength(0);
    await request(server.url).post("/graphql").set(as("owner")).send(withKey("doc-victim")).expect(200);
  });
});

describe("API3:2023 Broken Object Property Level Authorization", () => {
  const snippets = jsonSnippets(scenariosOf("API3:2023"));

  it("scenarios 2 and 3: replaying a legitimate body with an internal property added is refused", async () => {
    const cases = [
      { path: "/api/host/approve_booking", method: "post" as const, legit: snippets.find((s) => "approved" in s && !("total_stay_price" in s))!, attack: snippets.find((s) => "total_stay_price" in s)! },
      { path: "/api/video/update_video", method: "put" as const, legit: snippets.find((s) => "description" in s && !("blocked" in s))!, attack: snippets.find((s) => "blocked" in s)! },
    ];
    for (const { path, method, legit, attack } of cases) {
      expect(endpoints(scenariosOf("API3:2023")).map((e) => e.path)).toContain(path);
      handled.length = 0;
      await request(server.url)[method](path).set(as("attacker")).send(legit).expect(200);
      const res = await request(server.url)[method](path).set(as("attacker")).send(attack).expect(400);
      const added = Object.keys(attack).filter((k) => !(k in legit));
      expect(added.length).toBeGreaterThan(0);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(added.map((k) => `/body/${k}`));
      expect(handled).toEqual([{ path, body: legit }]);
    }
  });

  it("scenario 1: the reported user's fullName and recentLocation are not sent", async () => {
    const text = scenariosOf("API3:2023");
    for (const name of ["fullName", "recentLocation"]) expect(text).toContain(name);
    const res = await request(server.url).post("/users/313/report").set(as("attacker")).send({ reason: ["offensive behavior"] }).expect(200);
    expect(res.body).toEqual({ status: "ok", message: "reported", reportedUser: { id: "313" } });
    expect(res.text).not.toMatch(/fullName|recentLocation|Jane|48\.85/);
  });
});

describe("API5:2023 Broken Function Level Authorization", () => {
  const text = scenariosOf("API5:2023");
  const adminEndpoints = endpoints(text).filter((e) => e.path === "/api/invites/new" || e.path.startsWith("/api/admin/"));
  const invite = jsonSnippets(text).find((s) => s.role === "admin")!;

  it("reads the administrative endpoints and the malicious invite from the corpus", () => {
    expect(adminEndpoints.map((e) => `${e.method} ${e.path}`)).toEqual(expect.arrayContaining(["POST /api/invites/new", "GET /api/admin/v1/users/all"]));
    expect(invite).toEqual({ email: "attacker@somehost.com", role: "admin" });
  });

  it("scenario 1: an ordinary user cannot create an admin invite with any method or override", async () => {
    handled.length = 0;
    for (const method of METHODS) {
      const attempt = request(server.url)[method]("/api/invites/new").set(as("attacker"));
      const res = method === "head" ? await attempt : await attempt.type("json").send(JSON.stringify(invite));
      expect(res.status).toBe(403);
    }
    for (const override of ["POST", "PUT", "GET", "DELETE"]) {
      await request(server.url).post("/api/invites/new").set(as("attacker")).set("x-http-method-override", override).send(invite).expect(403);
    }
    expect(handled).toHaveLength(0);
    await request(server.url).get("/api/invites/0f8e").set(as("attacker")).expect(200);
    await request(server.url).post("/api/invites/new").set(as("admin")).send(invite).expect(200);
  });

  it("scenario 2: guessing GET /api/admin/v1/users/all exposes nothing", async () => {
    for (const method of METHODS) {
      const res = await request(server.url)[method]("/api/admin/v1/users/all").set(as("attacker"));
      expect(res.status).toBe(403);
      expect(res.text ?? "").not.toContain("victim@example.com");
    }
    const anonymous = await request(server.url).get("/api/admin/v1/users/all").expect(401);
    expect(anonymous.text).not.toContain("victim@example.com");
  });
});
