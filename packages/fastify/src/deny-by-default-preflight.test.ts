/**
 * Regression: deny by default let through anything that looked like a CORS preflight. An OPTIONS
 * request with `Origin` and `Access-Control-Request-Method` got the full data of an unguarded route
 * accepting OPTIONS, where a GET got 403. Only an answer without a payload (what CORS plugins send)
 * may pass on a preflight now.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { FastifyInstance } from "fastify";
import request from "supertest";
import { rawRequest } from "../../core/src/auth/testing/raw-request.js";
import { SECURITY_HEADERS, createApp, listen } from "./__tests__/support.js";

const SECRET = "DE89370400440532013000";
const PREFLIGHT = { origin: "https://evil.example", "access-control-request-method": "GET" };

describe("deny by default on Fastify: CORS preflights", () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await createApp();
    app.route({ method: ["GET", "OPTIONS"], url: "/accounts", handler: async (_req, reply) => {
      reply.header("x-account", SECRET);
      return { accounts: [{ iban: SECRET, owner: "alice" }] };
    } });
    app.all("/all/accounts", async (_req, reply) => reply.header("x-account", SECRET).send({ iban: SECRET }));
    // What @fastify/cors answers a preflight with: no body, Content-Length: 0.
    app.options("/cors/:status", async (req, reply) => {
      const { status } = req.params as { status: string };
      return reply.code(Number(status)).header("access-control-allow-origin", "https://app.example").header("content-length", "0").send();
    });
    app.options("/hijacked", async (_req, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { "content-length": 0 });
      reply.raw.end(SECRET);
    });
    await listen(app);
  });
  afterAll(() => app.close());

  it.each([
    ["a route accepting GET and OPTIONS", "/accounts"],
    ["an app.all() route", "/all/accounts"],
  ])("an OPTIONS request with CORS preflight headers on %s without a policy gets 403 and no data", async (_name, path) => {
    const res = await request(app.server).options(path).set(PREFLIGHT);
    expect(res.status).toBe(403);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.body.code).toBe("ROUTE_UNGUARDED");
    expect(res.text).not.toContain(SECRET);
    expect(res.headers["x-account"]).toBeUndefined();
    expect(JSON.stringify(res.headers)).not.toContain(SECRET);
    for (const name of SECURITY_HEADERS) expect(res.headers[name]).toBeDefined();
  });

  it.each([204, 200])("a true preflight answer (status %i, Content-Length: 0) on an unguarded route still passes", async (status) => {
    const res = await request(app.server).options(`/cors/${status}`).set(PREFLIGHT);
    expect(res.status).toBe(status);
    expect(res.text ?? "").toBe("");
    expect(res.headers["access-control-allow-origin"]).toBe("https://app.example");
  });

  it("a hijacked answer declaring Content-Length: 0 passes, but what it writes after is dropped", async () => {
    const res = await rawRequest(app.server, ["OPTIONS /hijacked HTTP/1.1", "Host: 127.0.0.1", "Origin: https://evil.example", "Access-Control-Request-Method: GET"]);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(SECRET);
  });
});
