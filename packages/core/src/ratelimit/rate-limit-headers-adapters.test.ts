/**
 * The RateLimit fields on real apps of the three adapters: a request meeting a global limit and a
 * route limit gets both in one pair of fields, whatever answers it (the handler, a refusal after
 * the limits, a hijacked Fastify reply).
 */
import { describe, expect, it } from "@jest/globals";
import express from "express";
import Fastify, { type FastifyReply } from "fastify";
import Koa from "koa";
import Router from "@koa/router";
import request from "supertest";
import * as bulwarkExpress from "@bulwark/express";
import * as bulwarkFastify from "@bulwark/fastify";
import * as bulwarkKoa from "@bulwark/koa";
import { parseStringList } from "./test-support/structured-fields.js";

const GLOBAL = { points: 100, duration: 60, name: "global" };
const ROUTE = { rateLimit: { points: 10, duration: 60, name: "route" }, public: true } as const;
const DIGITS = { type: "object", properties: { id: { type: "string", pattern: "^[0-9]+$" } }, required: ["id"] } as const;
const REFUSING = { ...ROUTE, params: DIGITS } as const;

type Server = Parameters<typeof request>[0];

async function expressApp(): Promise<Server> {
  const { secure, errors } = bulwarkExpress.bulwark({ rateLimit: GLOBAL });
  const app = express();
  app.use(secure());
  app.get("/ok", secure(ROUTE), (_req, res) => void res.json({ ok: true }));
  app.get("/refused/:id", secure(REFUSING), (_req, res) => void res.json({ ok: true }));
  app.use(errors());
  return app;
}

async function koaApp(): Promise<Server> {
  const { secure } = bulwarkKoa.bulwark({ rateLimit: GLOBAL });
  const app = new Koa();
  const router = new Router();
  app.use(secure());
  router.get("/ok", secure(ROUTE), (ctx) => void (ctx.body = { ok: true }));
  router.get("/refused/:id", secure(REFUSING), (ctx) => void (ctx.body = { ok: true }));
  app.use(router.routes());
  return app.callback();
}

async function fastifyApp(): Promise<Server> {
  const app = Fastify();
  await app.register(bulwarkFastify.bulwark, { rateLimit: GLOBAL });
  app.get("/ok", { config: { secure: ROUTE } }, async () => ({ ok: true }));
  app.get("/refused/:id", { config: { secure: REFUSING } }, async () => ({ ok: true }));
  app.get("/hijacked", { config: { secure: ROUTE } }, async (_request, reply: FastifyReply) => {
    reply.hijack();
    reply.raw.writeHead(200, { "content-type": "text/plain" });
    reply.raw.end("raw");
  });
  await app.ready();
  return app.server;
}

function limitsNamed(header: string | undefined): string[] {
  return parseStringList(header!).map((item) => String(item.value));
}

describe.each([
  ["Express", expressApp],
  ["Koa", koaApp],
  ["Fastify", fastifyApp],
])("RateLimit fields on %s", (_name, build) => {
  it("name the global and the route limit on a handler's answer and on a refusal after the limits", async () => {
    const app = await build();
    const ok = await request(app).get("/ok");
    expect(ok.status).toBe(200);
    expect(limitsNamed(ok.headers["ratelimit-policy"])).toEqual(["global", "route"]);
    expect(parseStringList(ok.headers["ratelimit"]!).map((item) => [item.value, item.params.r])).toEqual([["global", 99], ["route", 9]]);
    const refused = await request(app).get("/refused/abc");
    expect(refused.status).toBe(400);
    expect(limitsNamed(refused.headers["ratelimit-policy"])).toEqual(["global", "route"]);
  });
});

describe("RateLimit fields on a hijacked Fastify reply", () => {
  it("are written with the reply's own head", async () => {
    const app = await fastifyApp();
    const res = await request(app).get("/hijacked");
    expect(res.status).toBe(200);
    expect(res.text).toBe("raw");
    expect(limitsNamed(res.headers["ratelimit-policy"])).toEqual(["global", "route"]);
  });
});
