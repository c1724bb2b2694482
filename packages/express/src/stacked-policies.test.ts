/**
 * Regression: a later route policy erased an earlier policy's response allowlist. With
 * `router.use(secure({ response }))` and a route's own `secure()` without `response`, the fields
 * the router's allowlist removed were sent. Stacked policies can only narrow what leaves now.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createServer, type Server } from "node:http";
import express from "express";
import request from "supertest";
import { bulwark } from "./index.js";

const USER = { id: "u1", name: "Alice", email: "alice@example.com", passwordHash: "$2b$10$abcdefghijklmnopqrstuv", ssn: "078-05-1120" };

describe("stacked route policies on Express", () => {
  let server: Server;

  beforeAll(async () => {
    const app = express();
    const { secure, errors } = bulwark();
    app.use(secure());
    const users = express.Router();
    users.use(secure({ public: true, response: { fields: ["id", "name", "email"] } }));   // router-wide allowlist
    users.get("/router-only", (_req, res) => void res.json(USER));
    users.get("/without-response", secure({ public: true, rateLimit: { points: 100, duration: 60 } }), (_req, res) => void res.json(USER));
    users.get("/other-allowlist", secure({ public: true, response: { fields: ["id", "email", "ssn"] } }), (_req, res) => void res.json(USER));
    app.use("/users", users);
    app.use(errors());
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("the router-wide allowlist applies on its own", async () => {
    const res = await request(server).get("/users/router-only");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: "u1", name: "Alice", email: "alice@example.com" });
  });

  it("a route policy without `response` keeps the router-wide allowlist", async () => {
    const res = await request(server).get("/users/without-response");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: "u1", name: "Alice", email: "alice@example.com" });
    expect(res.text).not.toContain(USER.passwordHash);
    expect(res.text).not.toContain(USER.ssn);
  });

  it("a route policy with another allowlist lets out only the fields both allow", async () => {
    const res = await request(server).get("/users/other-allowlist");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: "u1", email: "alice@example.com" });
  });

  it("applies the global masks once, however many stacked policies ran", async () => {
    const app = express();
    // The mask marks each application, so that masks applied twice would show.
    const { secure, errors } = bulwark({ mask: { name: (value: unknown) => `${String(value)}!` } });
    app.use(secure());
    app.get("/twice", secure({ public: true }), secure({ public: true, rateLimit: { points: 100, duration: 60 } }), (_req, res) => void res.json(USER));
    app.use(errors());
    const res = await request(app).get("/twice");
    expect(res.status).toBe(200);
    expect(res.body.name).toBe("Alice!");
  });
});
