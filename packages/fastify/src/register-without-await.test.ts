import { afterEach, describe, expect, it } from "@jest/globals";
import Fastify, { type FastifyInstance } from "fastify";
import request from "supertest";
import { bulwark } from "./index.js";

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe("routes declared before the plugin has loaded", () => {
  it("still get their policy when register() is not awaited", async () => {
    app = Fastify();
    void app.register(bulwark, {});
    app.get("/health", { config: { secure: { public: true } } }, async () => ({ ok: true }));
    app.get("/forgotten", async () => ({ secret: "data" }));
    await app.ready();
    const ok = await request(app.server).get("/health");
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true });
    const forgotten = await request(app.server).get("/forgotten");
    expect(forgotten.status).toBe(403);
    expect(forgotten.text).not.toContain("data");
  });

  it("enforce the policy's checks, not just mark the route guarded", async () => {
    app = Fastify();
    void app.register(bulwark, {});
    app.post("/small", { config: { secure: { public: true, limits: { bodyBytes: 16 } } } }, async (request) => ({ got: request.body }));
    await app.ready();
    const res = await request(app.server).post("/small").send({ text: "x".repeat(64) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: "BODY_TOO_LARGE" });
  });
});
