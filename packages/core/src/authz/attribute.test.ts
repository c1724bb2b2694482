import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from "@jest/globals";
import express from "express";
import request from "supertest";
import { bulwark } from "@bulwark/express";
import type { AllowContext } from "./authz-policy.js";
import type { SecurityEvent } from "../events/security-event.js";
import { testOnlyAuthenticator, TEST_USER_HEADER } from "./test-support/test-authenticator.js";
import { fakeClockOnly } from "./test-support/fake-clock.js";
import { serve, type TestServer } from "./test-support/test-server.js";

interface Ticket {
  id: string;
  tenantId: string;
  ownerId: string;
  status: "open" | "closed";
}
const TICKETS = new Map<string, Ticket>([
  ["t1", { id: "t1", tenantId: "acme", ownerId: "alice", status: "open" }],
  ["t2", { id: "t2", tenantId: "acme", ownerId: "alice", status: "closed" }],
  ["t3", { id: "t3", tenantId: "globex", ownerId: "bob", status: "open" }],
]);
const USERS = {
  alice: { claims: { tenantId: "acme", plan: "pro" } },
  bob: { claims: { tenantId: "globex", plan: "free" } },
};
const as = (user: string) => ({ [TEST_USER_HEADER]: user });


let server: TestServer;
const events: SecurityEvent[] = [];
const internalErrors: unknown[] = [];
const seen: AllowContext[] = [];

beforeAll(async () => {
  const { secure, errors } = bulwark({
    authenticate: [testOnlyAuthenticator(USERS)],
    onEvent: (e) => void events.push(e),
    onError: (error) => void internalErrors.push(error),
  });
  const app = express();
  app.use(secure());
  const ok = (_req: express.Request, res: express.Response) => void res.json({ ok: true });
  app.get("/pro-feature", secure({ allow: ({ principal }) => principal?.claims.plan === "pro" }), ok);
  app.get("/async", secure({ allow: async ({ principal }) => principal?.id === "alice" }), ok);
  app.get("/truthy", secure({ allow: (() => "yes") as never }), ok);
  app.get("/throws", secure({ allow: () => { throw new Error("db password hunter2 at /srv/app/rules.js"); } }), ok);
  app.get("/rejects", secure({ allow: () => Promise.reject(new Error("rule backend down")) }), ok);
  app.get("/office-hours", secure({ allow: () => { const hour = new Date().getUTCHours(); return hour >= 9 && hour < 17; } }), ok);
  app.post("/tickets/:id/reply", secure({
    owns: { load: (req) => TICKETS.get(req.params.id ?? ""), owner: (t: Ticket) => t.tenantId, as: "tenantId" },
    allow: (context) => {
      seen.push(context);
      return (context.resource as Ticket).status === "open";
    },
  }), (req, res) => void res.json({ replied: (req.bulwark.resource as Ticket).id }));
  app.get("/public-hours", secure({ public: true, allow: ({ principal }) => principal === undefined }), ok);
  app.use(errors());
  server = await serve(app);
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  jest.useRealTimers();
});

describe("allow: attribute-based rules", () => {
  it("allows on true and denies on false with 403 AUTHZ_FORBIDDEN", async () => {
    await request(server.url).get("/pro-feature").set(as("alice")).expect(200);
    const res = await request(server.url).get("/pro-feature").set(as("bob")).expect(403);
    expect(res.body.code).toBe("AUTHZ_FORBIDDEN");
  });

  it("awaits async rules", async () => {
    await request(server.url).get("/async").set(as("alice")).expect(200);
    await request(server.url).get("/async").set(as("bob")).expect(403);
  });

  it("denies anything but true", async () => {
    await request(server.url).get("/truthy").set(as("alice")).expect(403);
  });

  it.each(["/throws", "/rejects"])("denies when the rule fails (%s), as a 403 without internals, recorded in the event code", async (path) => {
    events.length = 0;
    internalErrors.length = 0;
    const res = await request(server.url).get(path).set(as("alice")).expect(403);
    expect(res.body.code).toBe("AUTHZ_FORBIDDEN");
    expect(res.text).not.toMatch(/hunter2|srv|rules\.js|backend|Error/);
    expect(internalErrors).toHaveLength(0);
    expect(events.some((e) => e.type === "authz.denied" && e.code === "AUTHZ_RULE_FAILED")).toBe(true);
    expect(JSON.stringify(events)).not.toMatch(/hunter2|backend down/);
  });

  it("sees the loaded resource and runs after ownership", async () => {
    seen.length = 0;
    await request(server.url).post("/tickets/t1/reply").set(as("alice")).expect(200, { replied: "t1" });
    expect(seen[0]).toMatchObject({ principal: { id: "alice" }, resource: { id: "t1" }, request: { method: "POST" } });
    await request(server.url).post("/tickets/t2/reply").set(as("alice")).expect(403);
    // Another tenant's ticket stops at ownership (404), so the rule never sees it.
    seen.length = 0;
    await request(server.url).post("/tickets/t3/reply").set(as("alice")).expect(404);
    expect(seen).toHaveLength(0);
  });

  it("runs on public routes too, with no principal", async () => {
    await request(server.url).get("/public-hours").expect(200);
  });

  it("supports time-of-day rules", async () => {
    fakeClockOnly();
    jest.setSystemTime(new Date("2024-05-02T10:00:00Z"));
    await request(server.url).get("/office-hours").set(as("alice")).expect(200);
    jest.setSystemTime(new Date("2024-05-02T22:00:00Z"));
    await request(server.url).get("/office-hours").set(as("alice")).expect(403);
  });

  it("refuses a rule that is not a function at startup", () => {
    const { secure } = bulwark({ authenticate: [testOnlyAuthenticator(USERS)] });
    expect(() => secure({ allow: true as never })).toThrow(/policy.allow must be a function/);
  });
});
