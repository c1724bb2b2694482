// Roles, scopes and permissions, from docs/authorization.md (authorization.test.ts runs it).
import express from "express";
import { bulwark } from "@bulwark/express";
import { authenticate } from "./authorization.js";
import { createInvite, deleteOrder, editorHome, exportOrders, listOrders, listUsers } from "./authorization-handlers.js";

/** The app of the section: a role model, routes guarded by permission, role and scope, an admin area. */
export function rolesApp() {
  const { secure, errors } = bulwark({
    authenticate,
    rbac: {
      roles: {
        viewer: { can: ["orders:read"] },
        editor: { inherits: ["viewer"], can: ["orders:write", "reports:*"] },
        admin:  { inherits: ["editor"], can: ["*"] },
      },
    },
  });

  const app = express();
  app.use(secure());
  app.get("/orders", secure({ can: "orders:read" }), listOrders);            // viewer, editor, admin
  app.delete("/orders/:id", secure({ can: "orders:delete" }), deleteOrder);  // admin only (through *)
  app.get("/editor", secure({ roles: ["editor"] }), editorHome);             // editor and admin
  app.get("/export", secure({ scopes: ["orders:read", "export"] }), exportOrders);

  const admin = express.Router();
  admin.get("/users", listUsers);
  admin.post("/invites", createInvite);
  app.use("/admin", secure({ roles: ["admin"] }), admin);

  app.use(errors());
  return app;
}
