/**
 * A route guard mounted without `app.use(secure())`: the route runs the global layer itself, so a
 * forgotten global layer still gives the request id, headers, transport checks, body and
 * authentication. Refusals decided at once (thrown) and after a wait (rejected) both answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import express from "express";
import { SignJWT } from "jose";
import request from "supertest";
import { bulwark, jwt } from "./index.js";

const secret = randomBytes(32);
const issuer = "https://id.example.com/";
const audience = "orders-api";

function token(): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: "user-1" }).setProtectedHeader({ alg: "HS256" }).setIssuer(issuer).setAudience(audience).setIssuedAt(now).setExpirationTime(now + 600).sign(secret);
}

describe("a route guard without the global layer on Express", () => {
  let server: Server;

  beforeAll(() => {
    const app = express();
    const { secure, errors } = bulwark({
      authenticate: [jwt({ issuer, audience, algorithms: ["HS256"], secret })],
      limits: { urlLength: 200 },
      rateLimit: { points: 1000, duration: 60 },
    });
    app.get("/me", secure({}), (req, res) => void res.json({ id: req.bulwark.principal?.id, requestId: req.bulwark.requestId }));
    app.post(
      "/items",
      secure({ public: true, body: { type: "object", properties: { title: { type: "string" } }, required: ["title"], additionalProperties: false } }),
      (req, res) => void res.status(201).json(req.body),
    );
    app.use(errors());
    server = createServer(app);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("authenticates, first by verifying the token and then from the cache, with the security headers", async () => {
    const authorization = `Bearer ${await token()}`;
    for (let i = 0; i < 2; i++) {
      const res = await request(server).get("/me").set("authorization", authorization);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: "user-1", requestId: res.headers["x-request-id"] });
      expect(res.headers["content-security-policy"]).toBe("default-src 'none';frame-ancestors 'none'");
      expect(res.headers["ratelimit-policy"]).toContain("q=1000");
    }
  });

  it("answers a refusal decided at once (a URL past the limit) and one decided after a wait (a bad token)", async () => {
    const long = await request(server).get(`/me?q=${"a".repeat(300)}`);
    expect(long.status).toBe(414);
    expect(long.headers["content-type"]).toContain("application/problem+json");
    const forged = await request(server).get("/me").set("authorization", `Bearer ${(await token()).slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe("AUTH_TOKEN_INVALID");
    const missing = await request(server).get("/me");
    expect(missing.status).toBe(401);
  });

  it("reads and validates the body itself", async () => {
    expect((await request(server).post("/items").send({ title: "t" })).body).toEqual({ title: "t" });
    const refused = await request(server).post("/items").send({ title: "t", admin: true });
    expect(refused.status).toBe(400);
    expect(refused.text).not.toContain("admin\":true");
  });
});
