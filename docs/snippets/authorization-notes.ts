// Shared ownership defaults and authorize() in handlers, from docs/authorization.md (authorization.test.ts runs it).
import express from "express";
import { bulwark, SecurityError } from "@bulwark/express";
import { authenticate } from "./authorization.js";
import { notes } from "./authorization-data.js";
import { showNote } from "./authorization-handlers.js";

/** The app of the section: notes owned by their author, checked by policy and inside handlers. */
export function notesApp() {
  const { secure, errors } = bulwark({
    authenticate,
    rbac: {
      roles: {
        viewer: { can: ["notes:read"] },
        editor: { inherits: ["viewer"], can: ["notes:edit"] },
        admin:  { can: ["*"] },
      },
    },
    ownership: { owner: (object) => object.ownerId, bypassRoles: ["admin"] },
  });
  const app = express();
  app.use(secure());
  app.get("/notes/:id", secure({ owns: { load: (req) => notes.get(req.params.id) } }), showNote);

  app.patch("/notes/by-slug/:slug", secure({}), async (req, res) => {
    const note = await notes.findBySlug(req.params.slug);
    if (!req.bulwark.authorize("notes:edit", note)) throw new SecurityError("NOT_FOUND");
    res.json(await notes.update(note!.id, req.body));
  });

  app.get("/notes", secure({ can: "notes:read" }), async (req, res) => {
    res.json(req.bulwark.authorize.filter(await notes.recent()));
  });

  app.use(errors());
  return app;
}
