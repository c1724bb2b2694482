/**
 * OpenAPI validation of a path that more than one of the document's templates matches, on every
 * adapter: `/orders/bulk` and `/orders/{id}` both match `/orders/bulk`, and `/orders/BULK` too on
 * a router that ignores letter case (Express's and @koa/router's default). The request must be
 * validated against the operation of the handler that serves it, whichever route the router took.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import express from "express";
import supertest from "supertest";
import { bulwark } from "@bulwark/express";
import { ADAPTERS } from "./harness/adapters.js";
import type { NeutralRoute, RunningApp } from "./harness/neutral-app.js";

const DOCUMENT = Object.freeze({
  openapi: "3.1.0",
  info: { title: "Orders", version: "1.0.0" },
  paths: {
    "/orders/bulk": {
      post: {
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: { type: "object", required: ["orders"], additionalProperties: false, properties: { orders: { type: "array", maxItems: 2, items: { type: "integer" } } } },
            },
          },
        },
        responses: { "200": { description: "Accepted." } },
      },
    },
    "/orders/{id}": {
      post: {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", maxLength: 12 } }],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: { type: "object", required: ["note"], additionalProperties: false, properties: { note: { type: "string", maxLength: 20 } } },
            },
          },
        },
        responses: { "200": { description: "Noted." } },
      },
    },
  },
});

type Handler = "bulk" | "byId";

/** What each handler's own operation accepts, checked on what the handler actually received. */
const accepts: Record<Handler, (body: unknown) => boolean> = {
  bulk: (body) => {
    const orders = (body as { orders?: unknown }).orders;
    return Object.keys(body as object).join() === "orders" && Array.isArray(orders) && orders.length <= 2;
  },
  byId: (body) => Object.keys(body as object).join() === "note" && typeof (body as { note?: unknown }).note === "string",
};

const BODIES = [{ orders: [1] }, { note: "rush" }, { orders: [1, 2, 3, 4, 5] }];
const PATHS = ["/orders/bulk", "/orders/BULK", "/Orders/Bulk/"];

describe.each(ADAPTERS)("OpenAPI on a path two templates match, on %s", (name, build) => {
  for (const bulkFirst of [true, false]) {
    describe(`with the route of ${bulkFirst ? "/orders/bulk" : "/orders/:id"} registered first`, () => {
      const served: { handler: Handler; body: unknown }[] = [];
      let app: RunningApp;
      const route = (handler: Handler, path: string): NeutralRoute => ({
        method: "POST",
        path,
        policy: { public: true },
        handler: ({ body }) => {
          served.push({ handler, body });
          return { body: { handler } };
        },
      });
      beforeAll(async () => {
        const routes = [route("bulk", "/orders/bulk"), route("byId", "/orders/:id")];
        app = await build({ options: { openapi: DOCUMENT }, routes: bulkFirst ? routes : routes.reverse() });
      });
      afterAll(() => app.close());

      for (const path of PATHS) {
        it(`POST ${path}: no handler receives a body its own operation refuses`, async () => {
          const outcomes: number[] = [];
          for (const body of BODIES) {
            const before = served.length;
            const response = await supertest(app.server).post(path).send(body);
            outcomes.push(response.status);
            if (response.status === 200) {
              expect(served).toHaveLength(before + 1);
              const last = served[served.length - 1]!;
              expect(response.body).toEqual({ handler: last.handler });
              expect(accepts[last.handler](last.body)).toBe(true);
            } else {
              expect([400, 404]).toContain(response.status);
              expect(served).toHaveLength(before);
            }
          }
          // Fastify compares letter case and keeps a trailing slash: no route serves /Orders/Bulk/.
          if (name === "fastify" && path === "/Orders/Bulk/") {
            expect(outcomes).toEqual([404, 404, 404]);
            return;
          }
          // Exactly the body of the serving handler's operation gets through (the first two
          // bodies fit one operation each; the third fits none).
          expect(outcomes.filter((status) => status === 200)).toHaveLength(1);
          expect(outcomes[2]).toBe(400);
        });
      }

      it("validates against the operation of the handler the router chose", async () => {
        // Which handler serves /orders/BULK is the router's choice: Fastify compares letter case
        // (so `/orders/:id`); Express and @koa/router ignore it and take the first route registered.
        const expected: Handler = name !== "fastify" && bulkFirst ? "bulk" : "byId";
        const body = expected === "bulk" ? BODIES[0] : BODIES[1];
        const response = await supertest(app.server).post("/orders/BULK").send(body);
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ handler: expected });
      });
    });
  }
});

describe("OpenAPI on a contested path served by a route that is no template (Express)", () => {
  let server: ReturnType<express.Express["listen"]>;
  const served: unknown[] = [];
  beforeAll(async () => {
    const app = express();
    const { secure, errors } = bulwark({ openapi: DOCUMENT });
    app.use(secure());
    app.post(/^\/orders\/[^/]+$/i, secure({ public: true }), (req, res) => {
      served.push(req.body);
      res.json({ ok: true });
    });
    app.use(errors());
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("refuses it (404) rather than guess which operation applies", async () => {
    for (const body of BODIES.slice(0, 2)) {
      const response = await supertest(server).post("/orders/BULK").send(body);
      expect(response.status).toBe(404);
      expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
    }
    expect(served).toHaveLength(0);
  });

  it("still validates a path only one template matches", async () => {
    expect((await supertest(server).post("/orders/42").send({ note: "ok" })).status).toBe(200);
    expect((await supertest(server).post("/orders/42").send({ orders: [1] })).status).toBe(400);
    expect(served).toEqual([{ note: "ok" }]);
  });
});
