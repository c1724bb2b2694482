/**
 * The notes API: every route has a policy, and the global layer refuses whatever a route forgot.
 */
import express, { type Express } from "express";
import { z } from "zod";
import { createAdminController } from "./admin-controller.js";
import { NotesStore, type Note } from "./notes-store.js";
import { createSecurity, type SecurityOptions } from "./security.js";

/** What clients may see of a note. */
const NOTE_FIELDS = ["id", "ownerId", "title", "body", "createdAt"];

const noteInput = z.object({ title: z.string().min(1).max(200), body: z.string().max(10_000) });
const notePatch = noteInput.partial();
const noteId = z.object({ id: z.string().uuid() });

/** What `createApp` may be given; without options it is the app `server.ts` runs. */
export interface AppOptions extends SecurityOptions {
  /** The notes (default: one note each for alice and bob). */
  readonly notes?: NotesStore;
}

/** Builds the app, with its own Bulwark instance, around a notes store. */
export function createApp(options: AppOptions = {}): Express {
  const notes = options.notes ?? NotesStore.seeded();
  const { secure, errors } = createSecurity(options);
  const app = express();
  app.use(secure());

  app.get("/health", secure({ public: true }), (_req, res) => {
    res.json({ ok: true });
  });

  // A note of someone else answers 404, exactly like a note that does not exist.
  const ownNote = {
    load: (request: { params: Readonly<Record<string, string>> }) => notes.get(String(request.params.id)),
    owner: (note: Note) => note.ownerId,
  };

  app.get("/notes", secure({ can: "notes:read", response: { fields: NOTE_FIELDS } }), (req, res) => {
    res.json(notes.all().filter((note) => note.ownerId === req.bulwark.principal?.id));
  });

  app.post(
    "/notes",
    secure({ can: "notes:write", body: noteInput, writable: { fields: ["title", "body"] }, response: { fields: NOTE_FIELDS }, rateLimit: { points: 20, duration: 60, by: "principal" } }),
    (req, res) => {
      const principal = req.bulwark.principal!;
      const input = req.body as z.infer<typeof noteInput>;
      res.status(201).json(notes.create({ ...input, ownerId: principal.id, tenantId: String(principal.claims.tenantId) }));
    },
  );

  app.get("/notes/:id", secure({ can: "notes:read", params: noteId, owns: ownNote, response: { fields: NOTE_FIELDS } }), (req, res) => {
    res.json(req.bulwark.resource);
  });

  app.patch(
    "/notes/:id",
    secure({ can: "notes:write", params: noteId, body: notePatch, writable: { fields: ["title", "body"] }, owns: ownNote, response: { fields: NOTE_FIELDS } }),
    (req, res) => {
      res.json(notes.update(String(req.params.id), req.body as z.infer<typeof notePatch>));
    },
  );

  app.delete("/notes/:id", secure({ can: "notes:write", params: noteId, owns: ownNote }), (req, res) => {
    notes.delete(String(req.params.id));
    res.status(204).end();
  });

  // The admin area: one guard for every method on every path under /admin, then per-method policies.
  const admin = createAdminController(secure, notes);
  const adminRoutes = express.Router();
  adminRoutes.get("/notes", (req, res) => admin.list(req, res));
  adminRoutes.delete("/notes/:id", (req, res) => admin.remove(req, res));
  app.use("/admin", secure({ roles: ["admin"] }), adminRoutes);

  app.use(errors());
  return app;
}
