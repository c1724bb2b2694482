// Attribute rules (ABAC), from docs/authorization.md (authorization.test.ts runs it).
import express from "express";
import { bulwark } from "@bulwark/express";
import { authenticate } from "./authorization.js";
import { tickets, type Ticket } from "./authorization-data.js";
import { addReply, runReport } from "./authorization-handlers.js";
import { securityLog } from "./security-log.js";

/** The app of the section: a rule on the principal and the clock, a rule on the loaded object. */
export function attributesApp() {
  const { secure, errors } = bulwark({
    authenticate,
    rbac: { roles: { editor: { can: ["reports:*"] }, admin: { inherits: ["editor"], can: ["*"] } } },
    onEvent: (event) => securityLog.record(event),
  });
  const app = express();
  app.use(secure());

  // Only during office hours (UTC), only on the caller's plan.
  app.post("/reports/run", secure({
    can: "reports:run",
    allow: ({ principal }) => {
      const hour = new Date().getUTCHours();
      return principal?.claims.plan === "pro" && hour >= 9 && hour < 17;
    },
  }), runReport);

  // Replies only to open tickets of the caller's tenant.
  app.post("/tickets/:id/replies", secure({
    owns: { load: (req) => tickets.get(req.params.id), owner: (t) => t.tenantId, as: "tenantId" },
    allow: ({ resource }) => (resource as Ticket).status === "open",
  }), addReply);

  app.use(errors());
  return app;
}
