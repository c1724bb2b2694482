// Property rules (what leaves, what may be set), from docs/authorization.md (authorization.test.ts runs it).
import express from "express";
import { bulwark } from "@bulwark/express";
import { authenticate } from "./authorization.js";
import { db } from "./authorization-data.js";
import { signUp, updateUser } from "./authorization-handlers.js";

/** The app of the section: user rows filtered on the way out, bodies checked on the way in. */
export function propertiesApp() {
  const { secure, errors } = bulwark({ authenticate });
  const app = express();
  app.use(secure());

  app.get("/users/:id", secure({
    owns: { load: (req) => db.users.findRow(req.params.id), owner: (u) => u.id },
    response: {
      fields: ["id", "name", "address.city", "orders.id", "orders.items.sku"],
      byRole: { support: ["email"], admin: ["isInternal"] },
    },
  }), (req, res) => res.json(req.bulwark.resource));   // passwordHash and the rest never leave

  app.patch("/users/:id", secure({
    owns: { load: (req) => db.users.findRow(req.params.id), owner: (u) => u.id, bypassRoles: ["admin"] },
    writable: { fields: ["name", "address.city", "address.zip"], byRole: { admin: ["role", "isAdmin"] } },
  }), updateUser);

  app.post("/signup", secure({ public: true, writable: { fields: ["email", "password", "name"], mode: "strip" } }), signUp);

  app.use(errors());
  return app;
}
