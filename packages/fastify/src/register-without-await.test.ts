import { afterEach, describe, expect, it } from "@jest/globals";
import Fastify, { type FastifyInstance } from "fastify";
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
    const ok = await app.inject({ url: "/health" });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ ok: true });
    const forgotten = await app.inject({ url: "/forgotten" });
    expect(forgotten.statusCode).toBe(403);
    expect(forgotten.body).not.toContain("data");
  });

  it("enforce the policy's checks, not just mark the route guarded", async () => {
    app = Fastify();
    void app.register(bulwark, {});
    app.post("/small", { config: { secure: { public: true, limits: { bodyBytes: 16 } } } }, async (request) => ({ got: request.body }));
    await app.ready();
    const res = await app.inject({ method: "POST", url: "/small", payload: { text: "x".repeat(64) } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: "BODY_TOO_LARGE" });
  });
});
