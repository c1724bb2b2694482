/**
 * Regression: a later route policy erased an earlier policy's response allowlist. With
 * `onRequest: fastify.secure(A)` and `config: { secure: B }` on one route (both run), the fields
 * A's allowlist removed were sent when B had no `response`. Stacked policies can only narrow what
 * leaves now.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { FastifyInstance } from "fastify";
import request from "supertest";
import { createApp, listen } from "./__tests__/support.js";

const USER = { id: "u1", name: "Alice", email: "alice@example.com", passwordHash: "$2b$10$abcdefghijklmnopqrstuv", ssn: "078-05-1120" };

describe("stacked route policies on Fastify", () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await createApp();
    const allowlist = app.secure({ public: true, response: { fields: ["id", "name", "email"] } });
    app.get("/without-response", { onRequest: allowlist, config: { secure: { public: true } } }, async () => USER);
    app.get("/other-allowlist", { onRequest: allowlist, config: { secure: { public: true, response: { fields: ["id", "email", "ssn"] } } } }, async () => USER);
    app.get("/two-hooks", { onRequest: allowlist, preHandler: app.secure({ public: true }) }, async () => USER);
    await listen(app);
  });
  afterAll(() => app.close());

  it("a config policy without `response` keeps the hook's allowlist", async () => {
    const res = await request(app.server).get("/without-response");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: "u1", name: "Alice", email: "alice@example.com" });
    expect(res.text).not.toContain(USER.passwordHash);
    expect(res.text).not.toContain(USER.ssn);
  });

  it("a config policy with another allowlist lets out only the fields both allow", async () => {
    const res = await request(app.server).get("/other-allowlist");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: "u1", email: "alice@example.com" });
  });

  it("a second guard hook without `response` keeps the first hook's allowlist", async () => {
    const res = await request(app.server).get("/two-hooks");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: "u1", name: "Alice", email: "alice@example.com" });
  });
});
