import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import express from "express";
import request from "supertest";
import { bulwark } from "@bulwark/express";
import type { SecurityEvent } from "../events/security-event.js";
import { testOnlyAuthenticator, TEST_USER_HEADER } from "./test-support/test-authenticator.js";
import { serve, type TestServer } from "./test-support/test-server.js";

interface Note {
  id: string;
  authorId: string;
  text: string;
}

const NOTES: Note[] = [
  { id: "n1", authorId: "alice", text: "alice's first" },
  { id: "n2", authorId: "bob", text: "bob's" },
  { id: "n3", authorId: "alice", text: "alice's second" },
];
const byId = (id: string | undefined) => NOTES.find((note) => note.id === id);
const USERS = { alice: { roles: ["member"] }, bob: { roles: ["member"] }, guest: { roles: [] }, mod: { roles: ["moderator"] } };
const RBAC = { roles: { member: { can: ["notes:read", "notes:edit"] }, moderator: { inherits: ["member"], can: ["notes:*"] } } };
const as = (user: string) => ({ [TEST_USER_HEADER]: user });

let server: TestServer;
let bare: TestServer;
const events: SecurityEvent[] = [];

beforeAll(async () => {
  const { secure, errors } = bulwark({
    authenticate: [testOnlyAuthenticator(USERS)],
    rbac: RBAC,
    ownership: { owner: (note: Note) => note.authorId, bypassRoles: ["moderator"] },
    bola: { threshold: 3, block: 60 },
    onEvent: (e) => void events.push(e),
  });
  const app = express();
  app.use(secure());
  app.get("/notes", secure({}), (req, res) => void res.json(req.bulwark.authorize.filter(NOTES, "notes:read")));
  app.get("/notes/mine", secure({}), (req, res) => void res.json(req.bulwark.authorize.filter(NOTES)));
  app.get("/notes/:id/can/:action", secure({}), (req, res) => {
    const { authorize } = req.bulwark;
    const action = String(req.params.action);
    res.json({ allowed: authorize(action === "none" ? null : action, byId(String(req.params.id))) });
  });
  app.get("/can/:action", secure({}), (req, res) => void res.json({ allowed: req.bulwark.authorize(String(req.params.action)) }));
  app.patch("/notes/:id", secure({}), (req, res) => {
    const note = byId(String(req.params.id));
    if (!req.bulwark.authorize("notes:edit", note)) return void res.status(404).json({ code: "NOT_FOUND" });
    res.json({ updated: note!.id });
  });
  app.get("/context", secure({}), (req, res) => {
    const first = req.bulwark.authorize;
    res.json({ sameFunction: first === req.bulwark.authorize, serialised: JSON.parse(JSON.stringify(req.bulwark)) });
  });
  app.use(errors());
  server = await serve(app);

  // Without an ownership rule, permission checks work and object checks are a programming error.
  const plain = bulwark({ authenticate: [testOnlyAuthenticator(USERS)], rbac: RBAC, onError: () => undefined });
  const bareApp = express();
  bareApp.use(plain.secure());
  bareApp.get("/can", plain.secure({}), (req, res) => void res.json({ allowed: req.bulwark.authorize("notes:read") }));
  bareApp.get("/own", plain.secure({}), (req, res) => void res.json({ allowed: req.bulwark.authorize("notes:read", NOTES[0]) }));
  bareApp.use(plain.errors());
  bare = await serve(bareApp);
});

afterAll(async () => {
  await Promise.all([server.close(), bare.close()]);
});

describe("context.authorize(action, object)", () => {
  it("is true for a granted permission on the principal's own object", async () => {
    await request(server.url).get("/notes/n1/can/notes:read").set(as("alice")).expect(200, { allowed: true });
    await request(server.url).get("/notes/n1/can/notes:edit").set(as("alice")).expect(200, { allowed: true });
  });

  it("is false for someone else's object, a missing one, or a permission not granted", async () => {
    await request(server.url).get("/notes/n2/can/notes:read").set(as("alice")).expect(200, { allowed: false });
    await request(server.url).get("/notes/nope/can/notes:read").set(as("alice")).expect(200, { allowed: false });
    await request(server.url).get("/notes/n1/can/notes:delete").set(as("alice")).expect(200, { allowed: false });
    await request(server.url).get("/notes/n1/can/notes:read").set(as("guest")).expect(200, { allowed: false });
    await request(server.url).get("/notes/n1/can/notes:*").set(as("mod")).expect(200, { allowed: false });
  });

  it("checks ownership only with a null action, and permission only without an object", async () => {
    await request(server.url).get("/notes/n1/can/none").set(as("alice")).expect(200, { allowed: true });
    await request(server.url).get("/notes/n2/can/none").set(as("alice")).expect(200, { allowed: false });
    await request(server.url).get("/can/notes:edit").set(as("alice")).expect(200, { allowed: true });
    await request(server.url).get("/can/notes:purge").set(as("alice")).expect(200, { allowed: false });
    await request(server.url).get("/can/notes:purge").set(as("mod")).expect(200, { allowed: true });
  });

  it("lets bypass roles reach every object", async () => {
    await request(server.url).get("/notes/n2/can/notes:delete").set(as("mod")).expect(200, { allowed: true });
  });

  it("emits ownership.denied and authz.denied for its refusals", async () => {
    events.length = 0;
    await request(server.url).get("/notes/n1/can/notes:read").set(as("bob")).expect(200);
    await request(server.url).get("/notes/n2/can/notes:purge").set(as("bob")).expect(200);
    expect(events.find((e) => e.type === "ownership.denied")).toMatchObject({ principalId: "bob", code: "AUTHZ_NOT_OWNER" });
    expect(events.find((e) => e.type === "authz.denied")).toMatchObject({ principalId: "bob", code: "AUTHZ_INSUFFICIENT_PERMISSION" });
  });

  it("counts its ownership denials toward enumeration detection", async () => {
    events.length = 0;
    for (let i = 0; i < 5; i++) await request(server.url).patch("/notes/n1").set(as("bob")).expect(404);
    // authorize() counts without blocking the handler; the report arrives once the store answered.
    for (let i = 0; i < 20 && !events.some((e) => e.type === "bola.suspected"); i++) await new Promise((r) => setTimeout(r, 10));
    expect(events.filter((e) => e.type === "bola.suspected")).toHaveLength(1);
    expect(events.find((e) => e.type === "bola.suspected")).toMatchObject({ principalId: "bob", code: "AUTHZ_ENUMERATION_BLOCKED" });
  });

  it("is one lazily bound function per request, not part of the serialised context", async () => {
    const res = await request(server.url).get("/context").set(as("alice")).expect(200);
    expect(res.body.sameFunction).toBe(true);
    expect(Object.keys(res.body.serialised).sort()).toEqual(["ip", "principal", "requestId"]);
  });

  it("works for permissions without an ownership rule, and refuses object checks loudly", async () => {
    await request(bare.url).get("/can").set(as("alice")).expect(200, { allowed: true });
    const res = await request(bare.url).get("/own").set(as("alice")).expect(500);
    expect(res.body.code).toBe("INTERNAL");
    expect(res.text).not.toContain("ownership");
  });
});

describe("context.authorize.filter(list)", () => {
  it("keeps the principal's own items, in a new array", async () => {
    const res = await request(server.url).get("/notes/mine").set(as("alice")).expect(200);
    expect(res.body.map((n: Note) => n.id)).toEqual(["n1", "n3"]);
    const bob = await request(server.url).get("/notes").set(as("bob")).expect(200);
    expect(bob.body.map((n: Note) => n.id)).toEqual(["n2"]);
    expect(NOTES).toHaveLength(3);
  });

  it("keeps everything for a bypass role and nothing without the permission", async () => {
    const mod = await request(server.url).get("/notes").set(as("mod")).expect(200);
    expect(mod.body).toHaveLength(3);
    await request(server.url).get("/notes").set(as("guest")).expect(200, []);
  });
});
