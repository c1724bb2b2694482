/**
 * The app that docs/validation.md quotes: every snippet there is a verbatim part of this file, and
 * docs-examples.test.ts runs it.
 */
import express from "express";
import { z } from "zod";
import { bulwark } from "@bulwark/express";
import { canonicalIdentifier } from "@bulwark/core";
import type { BulwarkOptions } from "@bulwark/core";
import { ORDERS_OPENAPI_31 } from "./openapi-fixture.js";

const users = new Set(["admin"]);

/** Builds the documentation's app; `options` are added to its `bulwark()` configuration. */
export function createValidationApp(options: BulwarkOptions = {}) {
  const { secure, errors } = bulwark({
    validation: { unknown: "reject", maxStringLength: 1_000, status: 400 },
    ...options,
  });
  const app = express();
  app.use(secure());

  // A zod schema for the body: what the handler gets is the parsed, validated value.
  const NewOrder = z.object({
    item: z.string().min(1).max(100),
    quantity: z.number().int().min(1).max(100),
    note: z.string().max(500).optional(),
  });

  app.post("/orders", secure({ public: true, body: NewOrder }), (req, res) => {
    res.status(201).json({ created: req.body });
  });

  // A JSON Schema for the query: "?page=2&tag=a" reaches the handler as { page: 2, tag: ["a"] }.
  app.get("/orders", secure({
    public: true,
    query: {
      type: "object",
      properties: {
        page: { type: "integer", minimum: 1, maximum: 100 },
        status: { type: "string", enum: ["open", "shipped"] },
        tag: { type: "array", maxItems: 5, items: { type: "string", maxLength: 20 } },
      },
    },
  }), (req, res) => {
    res.json({ query: req.query });
  });

  // Path parameters and headers: header names are matched in lower case.
  app.get("/orders/:id", secure({
    public: true,
    params: z.object({ id: z.uuid() }),
    headers: z.object({ "x-api-version": z.coerce.number().int().min(1).max(3) }),
  }), (req, res) => {
    res.json({ id: req.params.id });
  });

  // Drop undeclared properties on this route instead of refusing them.
  app.patch("/profile", secure({
    public: true,
    body: {
      schema: {
        type: "object",
        properties: { displayName: { type: "string", maxLength: 50 }, bio: { type: "string", maxLength: 2000 } },
      },
      unknown: "strip",
    },
  }), (req, res) => {
    res.json({ saved: req.body });
  });

  // A free-form map stays open, but "$where" or "a.b" keys are still refused unless declared.
  app.put("/settings", secure({
    public: true,
    body: { type: "object", additionalProperties: { type: "string", maxLength: 100 } },
  }), (req, res) => {
    res.json({ settings: req.body });
  });

  // Compare identifiers in one canonical form, on both sides.
  app.post("/users", secure({
    public: true,
    body: z.object({ username: z.string().min(3).max(32).regex(/^[\p{L}\p{N}_.-]+$/u) }),
  }), (req, res) => {
    const key = canonicalIdentifier(req.body.username);
    if (users.has(key)) return void res.status(409).json({ error: "taken" });
    users.add(key);
    res.status(201).json({ username: req.body.username });
  });

  app.use(...errors());
  return app;
}

/** The same orders API, validated against its OpenAPI document instead of route schemas. */
export function createOpenApiApp() {
  const { secure, errors } = bulwark({
    openapi: { document: ORDERS_OPENAPI_31, strict: true, validateResponses: process.env.NODE_ENV !== "production" },
  });
  const app = express();
  app.use(secure());
  app.get("/api/orders", secure({ public: true }), (req, res) => {
    res.json({ query: req.query });
  });
  app.post("/api/orders", secure({ public: true }), (req, res) => {
    res.status(201).json({ created: req.body });
  });
  app.use(...errors());
  return app;
}
