/**
 * The response phase on Express with what apps do around it: res.jsonp, sub-apps (which swap the prototype of
 * the request and response), their own `res.json` wrappers before or after Bulwark, and two
 * apps in one process, one with Bulwark and one without.
 */
import { describe, expect, it } from "@jest/globals";
import express, { type Response } from "express";
import request from "supertest";
import { bulwark } from "./index.js";

const RECORD = { id: "a1", owner: "u1", secretNote: "internal only" };
const ALLOWED = { response: { fields: ["id", "owner"] }, public: true } as const;

type Json = (body: unknown) => Response;

describe("response filtering on Express", () => {
  it("filters and denies by default inside a mounted sub-app", async () => {
    const app = express();
    const sub = express();
    const { secure, errors } = bulwark();
    app.use(secure());
    sub.get("/record", secure(ALLOWED), (_req, res) => void res.json(RECORD));
    sub.get("/open", (_req, res) => void res.json(RECORD));
    app.use("/sub", sub);
    app.use(errors());

    const filtered = await request(app).get("/sub/record");
    expect(filtered.status).toBe(200);
    expect(filtered.body).toEqual({ id: "a1", owner: "u1" });
    const denied = await request(app).get("/sub/open");
    expect(denied.status).toBe(403);
    expect(denied.text).not.toContain("internal only");
  });

  it("filters through an app's own res.json wrapper, installed before or after the global layer", async () => {
    const app = express();
    const { secure, errors } = bulwark();
    const seen: unknown[] = [];
    const wrapJson = (_req: unknown, res: Response, next: () => void) => {
      const json = res.json as Json;
      res.json = function loggingJson(this: Response, body: unknown) {
        seen.push(body);
        return json.call(this, body);
      } as Response["json"];
      next();
    };
    app.use("/before", wrapJson);
    app.use(secure());
    app.use("/after", wrapJson);
    app.get("/before/record", secure(ALLOWED), (_req, res) => void res.json(RECORD));
    app.get("/after/record", secure(ALLOWED), (_req, res) => void res.json(RECORD));
    app.use(errors());

    for (const path of ["/before/record", "/after/record"]) {
      const res = await request(app).get(path);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: "a1", owner: "u1" });
    }
    expect(seen).toHaveLength(2);
  });

  it("filters res.jsonp like res.json, with or without a callback", async () => {
    const app = express();
    const { secure, errors } = bulwark();
    app.use(secure());
    app.get("/record", secure({ ...ALLOWED, query: { type: "object", properties: { callback: { type: "string", maxLength: 20 } } } }), (_req, res) => void res.jsonp(RECORD));
    app.use(errors());

    const plain = await request(app).get("/record");
    expect(plain.status).toBe(200);
    expect(plain.body).toEqual({ id: "a1", owner: "u1" });
    const wrapped = await request(app).get("/record?callback=show");
    expect(wrapped.status).toBe(200);
    expect(wrapped.text).toContain("show(");
    expect(wrapped.text).not.toContain("internal only");
  });

  it("filters the payload whatever else res.json and res.jsonp are given", async () => {
    const app = express();
    const { secure, errors } = bulwark();
    app.use(secure());
    // Express 5 sends the first argument and ignores the others; Express 4 read (status, body).
    const extras: Record<string, unknown> = { undefined, null: null, text: "x", object: {} };
    for (const [name, extra] of Object.entries(extras)) {
      app.get(`/json/${name}`, secure(ALLOWED), (_req, res) => void (res.json as (...args: unknown[]) => unknown)(RECORD, extra));
      app.get(`/jsonp/${name}`, secure(ALLOWED), (_req, res) => void (res.jsonp as (...args: unknown[]) => unknown)(RECORD, extra));
    }
    app.use(errors());

    for (const name of Object.keys(extras)) {
      for (const method of ["json", "jsonp"]) {
        const res = await request(app).get(`/${method}/${name}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ id: "a1", owner: "u1" });
      }
    }
  });

  it("leaves the responses of an app without Bulwark untouched", async () => {
    const secured = express();
    const { secure, errors } = bulwark();
    secured.use(secure());
    secured.get("/record", secure(ALLOWED), (_req, res) => void res.json(RECORD));
    secured.use(errors());
    const plain = express();
    plain.get("/record", (_req, res) => void res.json(RECORD));

    expect((await request(secured).get("/record")).body).toEqual({ id: "a1", owner: "u1" });
    const untouched = await request(plain).get("/record");
    expect(untouched.status).toBe(200);
    expect(untouched.body).toEqual(RECORD);
    expect(untouched.headers["x-request-id"]).toBeUndefined();
  });

  it("gives handlers the request's context as req.bulwark", async () => {
    const app = express();
    const { secure, errors } = bulwark();
    app.use(secure());
    app.get("/context", secure({ public: true }), (req, res) => void res.json({ requestId: req.bulwark.requestId }));
    app.use(errors());
    const res = await request(app).get("/context");
    expect(res.body.requestId).toBe(res.headers["x-request-id"]);
  });
});
