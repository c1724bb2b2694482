// Object ownership (BOLA) and enumeration, from docs/authorization.md (authorization.test.ts runs it).
import express from "express";
import type { Redis } from "ioredis";
import { bulwark, redisStore } from "@bulwark/express";
import { authenticate } from "./authorization.js";
import { documents, orders, projects } from "./authorization-data.js";
import { securityLog } from "./security-log.js";

/** The app of the section: objects owned by a customer, by several users, by a tenant; probing blocked. */
export function ownershipApp(redis: Redis) {
  const { secure, errors } = bulwark({
    authenticate,
    onEvent: (event) => securityLog.record(event),
    store: redisStore(redis),
    bola: { threshold: 20, window: 60, block: 300 },   // the defaults; block: 0 only reports; false turns it off
  });
  const app = express();
  app.use(secure());

  app.get("/orders/:id", secure({
    scopes: ["orders:read"],
    owns: { load: (req) => orders.get(req.params.id), owner: (order) => order.customerId,
            bypassRoles: ["support"] },
  }), (req, res) => res.json(req.bulwark.resource));

  app.get("/documents/:id", secure({
    owns: { load: (req) => documents.get(req.params.id),
            owner: (doc) => [doc.ownerId, ...doc.editorIds] },             // any of several owners
  }), (req, res) => res.json(req.bulwark.resource));

  app.get("/projects/:id", secure({
    owns: { load: (req) => projects.get(req.params.id), owner: (p) => p.tenantId, as: "tenantId" },
  }), (req, res) => res.json(req.bulwark.resource));

  app.use(errors());
  return app;
}
