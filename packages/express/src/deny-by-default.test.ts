import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createServer, type Server } from "node:http";
import { Readable } from "node:stream";
import express, { type RequestHandler } from "express";
import request from "supertest";
import { bulwark, type SecurityEvent } from "./index.js";

const SECRET = "account-4111-1111-1111-1111";

/** Each way an Express handler can answer, all leaking SECRET if let through. */
const ANSWERS: Record<string, RequestHandler> = {
  "res.json": (_req, res) => void res.json({ card: SECRET }),
  "res.send(object)": (_req, res) => void res.send({ card: SECRET }),
  "res.send(string)": (_req, res) => void res.send(`card ${SECRET}`),
  "res.send(Buffer)": (_req, res) => void res.send(Buffer.from(`card ${SECRET}`)),
  "res.sendStatus(204)": (_req, res) => {
    res.set("x-card", SECRET);
    res.sendStatus(204);
  },
  "res.redirect": (_req, res) => res.redirect(`/cards/${SECRET}`),
  "res.end(text)": (_req, res) => void res.end(`card ${SECRET}`),
  "res.write then res.end": (_req, res) => {
    res.write("card ");
    res.end(SECRET);
  },
  "res.writeHead with headers": (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "x-card": SECRET });
    res.end(SECRET);
  },
  "a piped stream": (_req, res) => void Readable.from(["card ", SECRET]).pipe(res),
  "a late answer": (_req, res) => void setTimeout(() => res.json({ card: SECRET }), 5),
  "res.jsonp": (_req, res) => void res.jsonp({ card: SECRET }),
  "res.type().send()": (_req, res) => void res.type("html").send(`<p>${SECRET}</p>`),
};

describe("deny by default on Express", () => {
  const events: SecurityEvent[] = [];
  let server: Server;

  beforeAll(() => {
    const app = express();
    const { secure, errors } = bulwark({ onEvent: (event) => void events.push(event) });
    app.use(secure());
    Object.values(ANSWERS).forEach((handler, index) => {
      app.get(`/unguarded/${index}`, handler);
      app.get(`/guarded/${index}`, secure({ public: true }), handler);
    });
    app.use(errors());
    server = createServer(app);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(Object.keys(ANSWERS))("%s on a route without a policy answers 403 and leaks nothing", async (name) => {
    events.length = 0;
    const res = await request(server).get(`/unguarded/${Object.keys(ANSWERS).indexOf(name)}`).redirects(0);
    expect(res.status).toBe(403);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.body.code).toBe("ROUTE_UNGUARDED");
    expect(JSON.stringify(res.headers)).not.toContain(SECRET);
    expect(res.text).not.toContain(SECRET);
    expect(res.headers["content-security-policy"]).toBe("default-src 'none';frame-ancestors 'none'");
    expect(events.filter((e) => e.type === "route.unguarded")).toHaveLength(1);
  });

  it.each(Object.keys(ANSWERS))("%s on a guarded route is sent as written", async (name) => {
    const res = await request(server).get(`/guarded/${Object.keys(ANSWERS).indexOf(name)}`).redirects(0);
    expect(res.status).toBeLessThan(400);
    const text = typeof res.text === "string" ? res.text : Buffer.isBuffer(res.body) ? res.body.toString("utf8") : "";
    if (res.status !== 204) expect(text + JSON.stringify(res.headers)).toContain(SECRET);
  });
});
