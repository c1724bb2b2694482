/**
 * Runs the app docs/validation.md quotes, checking what the page says it does.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import http from "node:http";
import type { AddressInfo } from "node:net";
import supertest from "supertest";
import { createOpenApiApp, createValidationApp } from "./test-support/docs-validation-app.js";
import { TENANT } from "./test-support/openapi-fixture.js";

const servers: http.Server[] = [];
async function serve(app: http.RequestListener): Promise<supertest.Agent> {
  const server = http.createServer(app);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return supertest.agent(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}
afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

describe("docs/validation.md", () => {
  let api: supertest.Agent;
  beforeAll(async () => {
    api = await serve(createValidationApp());
  });

  it("validates a body with zod and answers a problem listing each field", async () => {
    expect((await api.post("/orders").send({ item: "book", quantity: 2 })).body).toEqual({ created: { item: "book", quantity: 2 } });
    const refused = await api.post("/orders").send({ item: "", quantity: "2", isAdmin: true });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { path: "/body/item", code: "minLength", message: "must be at least 1 character" },
      { path: "/body/quantity", code: "type", message: "must be a number" },
      { path: "/body/isAdmin", code: "additionalProperties", message: "is not allowed" },
    ]);
  });

  it("coerces the query and refuses pollution and undeclared parameters", async () => {
    expect((await api.get("/orders?page=2&tag=a")).body).toEqual({ query: { page: 2, tag: ["a"] } });
    const refused = await api.get("/orders?page=1&page=2&debug=1");
    expect(refused.body.errors).toEqual([
      { path: "/query/page", code: "duplicateParameter", message: "must be given only once" },
      { path: "/query/debug", code: "additionalProperties", message: "is not allowed" },
    ]);
  });

  it("validates path parameters and lower-case headers", async () => {
    const id = "0b5a0c5e-4d1f-4a55-9a43-2f1c9c7d1e10";
    expect((await api.get(`/orders/${id}`).set("X-Api-Version", "2")).status).toBe(200);
    expect((await api.get("/orders/42").set("X-Api-Version", "9")).body.errors.map((e: { path: string }) => e.path)).toEqual(["/params/id", "/headers/x-api-version"]);
  });

  it("strips undeclared properties on the route that asks", async () => {
    expect((await api.patch("/profile").send({ displayName: "Jo", role: "admin" })).body).toEqual({ saved: { displayName: "Jo" } });
  });

  it("keeps free-form maps open but refuses operator keys", async () => {
    expect((await api.put("/settings").send({ theme: "dark" })).status).toBe(200);
    expect((await api.put("/settings").send({ $where: "1" })).body.errors[0].code).toBe("operatorKey");
  });

  it("compares identifiers canonically", async () => {
    expect((await api.post("/users").send({ username: "ＡＤＭＩＮ" })).status).toBe(409);
    expect((await api.post("/users").send({ username: "jane" })).status).toBe(201);
    expect((await api.post("/users").send({ username: "JANE" })).status).toBe(409);
  });

  it("answers 422 when configured", async () => {
    const other = await serve(createValidationApp({ validation: { status: 422 } }));
    expect((await other.post("/orders").send({})).status).toBe(422);
  });

  it("validates against an OpenAPI document", async () => {
    const openapi = await serve(createOpenApiApp());
    expect((await openapi.get("/api/orders?page=2").set("x-tenant", TENANT)).body).toEqual({ query: { page: 2 } });
    expect((await openapi.get("/api/orders?page=0").set("x-tenant", TENANT)).status).toBe(400);
    expect((await openapi.post("/api/orders").send({ item: "book", quantity: 1 })).status).toBe(201);
    expect((await openapi.delete("/api/orders")).status).toBe(405);
    expect((await openapi.get("/api/unknown")).status).toBe(404);
  });
});
