/**
 * The notes API on Koa: every route has a policy, and the global layer refuses whatever a route
 * forgot.
 */
import Koa from "koa";
import Router from "@koa/router";
import { z } from "zod";
import { createAdminController } from "./admin-controller.js";
import { NotesStore, type Note } from "./notes-store.js";
import { createSecurity, type SecurityOptions } from "./security.js";

/** What clients may see of a note. */
const NOTE_FIELDS = ["id", "ownerId", "title", "body", "createdAt"];

const noteInput = z.object({ title: z.string().min(1).max(200), body: z.string().max(10_000) });
const notePatch = noteInput.partial();
const noteId = z.object({ id: z.string().uuid() });

/**
 * Every path under /admin, whatever the method. Case-insensitive like @koa/router's matching, so
 * `/ADMIN/notes` cannot reach an admin route around the guard.
 */
const ADMIN_AREA = /^\/admin(?:\/|$)/i;

/** What `createApp` may be given; without options it is the app `server.ts` runs. */
export interface AppOptions extends SecurityOptions {
  /** The notes (default: one note each for alice and bob). */
  readonly notes?: NotesStore;
}

/** Builds the app, with its own Bulwark instance, around a notes store. */
export function createApp(options: AppOptions = {}): Koa {
  const notes = options.notes ?? NotesStore.seeded();
  const { secure } = createSecurity(options);
  const app = new Koa();
  app.use(secure());

  const router = new Router();
  router.get("/health", secure({ public: true }), (ctx) => {
    ctx.body = { ok: true };
  });

  // A note of someone else answers 404, exactly like a note that does not exist.
  const ownNote = {
    load: (request: { params: Readonly<Record<string, string>> }) => notes.get(String(request.params.id)),
    owner: (note: Note) => note.ownerId,
  };

  router.get("/notes", secure({ can: "notes:read", response: { fields: NOTE_FIELDS } }), (ctx) => {
    ctx.body = notes.all().filter((note) => note.ownerId === ctx.state.bulwark.principal?.id);
  });

  router.post(
    "/notes",
    secure({ can: "notes:write", body: noteInput, writable: { fields: ["title", "body"] }, response: { fields: NOTE_FIELDS }, rateLimit: { points: 20, duration: 60, by: "principal" } }),
    (ctx) => {
      const principal = ctx.state.bulwark.principal!;
      const input = ctx.request.body as z.infer<typeof noteInput>;
      ctx.status = 201;
      ctx.body = notes.create({ ...input, ownerId: principal.id, tenantId: String(principal.claims.tenantId) });
    },
  );

  router.get("/notes/:id", secure({ can: "notes:read", params: noteId, owns: ownNote, response: { fields: NOTE_FIELDS } }), (ctx) => {
    ctx.body = ctx.state.bulwark.resource;
  });

  router.patch(
    "/notes/:id",
    secure({ can: "notes:write", params: noteId, body: notePatch, writable: { fields: ["title", "body"] }, owns: ownNote, response: { fields: NOTE_FIELDS } }),
    (ctx) => {
      ctx.body = notes.update(ctx.params.id!, ctx.request.body as z.infer<typeof notePatch>);
    },
  );

  router.delete("/notes/:id", secure({ can: "notes:write", params: noteId, owns: ownNote }), (ctx) => {
    notes.delete(ctx.params.id!);
    ctx.status = 204;
  });

  // The admin area: one guard for every method on every path under /admin, then per-method policies.
  const adminOnly = secure({ roles: ["admin"] });
  app.use((ctx, next) => (ADMIN_AREA.test(ctx.path) ? adminOnly(ctx, next) : next()));
  const admin = createAdminController(secure, notes);
  const adminRoutes = new Router({ prefix: "/admin" });
  adminRoutes.get("/notes", (ctx) => admin.list(ctx));
  adminRoutes.delete("/notes/:id", (ctx) => admin.remove(ctx));

  app.use(router.routes());
  app.use(adminRoutes.routes());
  return app;
}
