import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createServer, type Server } from "node:http";
import request from "supertest";
import { app as expressApp } from "./quick-start-express.js";
import { app as koaApp } from "./quick-start-koa.js";
import { buildApp } from "./quick-start-fastify.js";

const ORDER = "/orders/6f1c2c3e-8a51-4c1e-9d7b-1d2e3f4a5b6c";
let fastify: Awaited<ReturnType<typeof buildApp>>;
const servers: Record<string, Server> = {};

beforeAll(async () => {
  fastify = await buildApp();
  await fastify.ready();
  servers.express = createServer(expressApp);
  servers.koa = createServer(koaApp.callback());
  servers.fastify = fastify.server;
});
afterAll(async () => {
  await fastify.close();
});

describe.each(["express", "koa", "fastify"])("the README quick start on %s", (name) => {
  it("answers the public health route with the security headers", async () => {
    const res = await request(servers[name]!).get("/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(res.headers["content-security-policy"]).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers["x-request-id"]).toBeDefined();
  });

  it("requires a bearer token on the orders route", async () => {
    const res = await request(servers[name]!).get(ORDER);
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(res.body.code).toBe("AUTH_REQUIRED");
  });

  it("refuses a malformed token without contacting the identity provider", async () => {
    const res = await request(servers[name]!).get(ORDER).set("authorization", "Bearer not-a-jwt");
    expect(res.status).toBe(401);
    expect(res.text).not.toContain("not-a-jwt");
  });
});
