/**
 * Regression: deny by default let through anything that looked like a CORS preflight. An OPTIONS
 * request with `Origin` and `Access-Control-Request-Method` got the full data of an unguarded
 * `app.all()` or `app.use()` handler, where a GET got 403. Only an answer without a payload (what
 * CORS middleware sends) may pass on a preflight now.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createServer, type Server } from "node:http";
import express, { type RequestHandler } from "express";
import request from "supertest";
import { rawRequest } from "../../core/src/auth/testing/raw-request.js";
import { bulwark } from "./index.js";

const SECRET = "DE89370400440532013000";
const PREFLIGHT = { origin: "https://evil.example", "access-control-request-method": "GET" };

const leak: RequestHandler = (_req, res) => {
  res.set("x-account", SECRET);
  res.json({ accounts: [{ iban: SECRET, owner: "alice" }] });
};

/** What the `cors` package answers a preflight with: no body, `Content-Length: 0`. */
const corsAnswer = (status: number): RequestHandler => (_req, res) => {
  res.set({ "access-control-allow-origin": "https://app.example", "access-control-allow-methods": "GET,PUT" });
  res.status(status).set("content-length", "0").end();
};

describe("deny by default on Express: CORS preflights", () => {
  let server: Server;

  beforeAll(async () => {
    const app = express();
    const { secure, errors } = bulwark({ onError: () => undefined });
    app.use(secure());
    app.all("/internal/accounts", leak);                 // forgot a policy
    app.options("/cors/204", corsAnswer(204));
    app.options("/cors/200", corsAnswer(200));
    app.options("/declared-empty", (_req, res) => {
      res.writeHead(200, { "content-length": 0 });
      res.end(SECRET);
    });
    app.use("/legacy", leak);                            // forgot a policy
    app.use(errors());
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ["app.all()", "/internal/accounts"],
    ["app.use()", "/legacy/x"],
  ])("an OPTIONS request with CORS preflight headers on an unguarded %s handler gets 403 and no data", async (_name, path) => {
    const res = await request(server).options(path).set(PREFLIGHT);
    expect(res.status).toBe(403);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.body.code).toBe("ROUTE_UNGUARDED");
    expect(res.text).not.toContain(SECRET);
    expect(res.headers["x-account"]).toBeUndefined();
    expect(JSON.stringify(res.headers)).not.toContain(SECRET);
  });

  it.each([204, 200])("a true preflight answer (status %i, Content-Length: 0) on an unguarded route still passes", async (status) => {
    const res = await request(server).options(`/cors/${status}`).set(PREFLIGHT);
    expect(res.status).toBe(status);
    expect(res.text ?? "").toBe("");
    expect(res.headers["access-control-allow-origin"]).toBe("https://app.example");
  });

  it("an answer declaring Content-Length: 0 in writeHead passes, but what it writes after is dropped", async () => {
    const res = await rawRequest(server, ["OPTIONS /declared-empty HTTP/1.1", "Host: 127.0.0.1", "Origin: https://evil.example", "Access-Control-Request-Method: GET"]);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(SECRET);
  });

  it("a plain OPTIONS request (no CORS headers) to an unguarded route is refused too", async () => {
    const res = await request(server).options("/internal/accounts");
    expect(res.status).toBe(403);
    expect(res.text).not.toContain(SECRET);
  });
});
