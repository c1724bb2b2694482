/**
 * The notes API on Fastify: every route has a policy (`strict: true` refuses one that has none at
 * startup), and the plugin refuses whatever a route forgot.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { SecurityError, bulwark, frameworkErrors, type RoutePolicy } from "@bulwark/fastify";
import { AdminController } from "./admin-controller.js";
import { NotesStore, type Note } from "./notes-store.js";
import { securityConfig, type SecurityOptions } from "./security.js";

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

/** Builds the app, with its own Bulwark plugin, around a notes store; resolves once it is ready. */
export async function createApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const notes = options.notes ?? NotesStore.seeded();
  // frameworkErrors: what Fastify rejects before routing (a URL that does not decode) is a problem+json too.
  const app = Fastify({ frameworkErrors });
  await app.register(bulwark, securityConfig(options));

  const secured = (policy: RoutePolicy) => ({ config: { secure: policy } });

  app.get("/health", secured({ public: true }), async () => ({ ok: true }));

  // A note of someone else answers 404, exactly like a note that does not exist.
  const ownNote = {
    load: (request: { params: Readonly<Record<string, string>> }) => notes.get(String(request.params.id)),
    owner: (note: Note) => note.ownerId,
  };

  app.get("/notes", secured({ can: "notes:read", response: { fields: NOTE_FIELDS } }), async (request) => {
    return notes.all().filter((note) => note.ownerId === request.bulwark.principal?.id);
  });

  app.post(
    "/notes",
    secured({ can: "notes:write", body: noteInput, writable: { fields: ["title", "body"] }, response: { fields: NOTE_FIELDS }, rateLimit: { points: 20, duration: 60, by: "principal" } }),
    async (request, reply) => {
      const principal = request.bulwark.principal!;
      const input = request.body as z.infer<typeof noteInput>;
      return reply.code(201).send(notes.create({ ...input, ownerId: principal.id, tenantId: String(principal.claims.tenantId) }));
    },
  );

  app.get("/notes/:id", secured({ can: "notes:read", params: noteId, owns: ownNote, response: { fields: NOTE_FIELDS } }), async (request) => {
    return request.bulwark.resource;
  });

  app.patch(
    "/notes/:id",
    secured({ can: "notes:write", params: noteId, body: notePatch, writable: { fields: ["title", "body"] }, owns: ownNote, response: { fields: NOTE_FIELDS } }),
    async (request) => notes.update((request.params as { id: string }).id, request.body as z.infer<typeof notePatch>),
  );

  app.delete("/notes/:id", secured({ can: "notes:write", params: noteId, owns: ownNote }), async (request, reply) => {
    notes.delete((request.params as { id: string }).id);
    return reply.code(204).send();
  });

  // The admin area: one guard for every method on every path under /admin (a scoped hook, and a
  // catch-all route so that an unknown admin path or method meets the guard before its 404), then
  // per-method policies.
  const admin = new AdminController(notes);
  await app.register(async (area) => {
    const adminOnly = area.secure({ roles: ["admin"] });
    area.addHook("onRequest", adminOnly);
    area.get("/notes", admin.list);
    area.delete("/notes/:id", admin.remove);
    // The guard named on the catch-alls too: under `strict: true` a route must show its own policy.
    const notFound = async () => {
      throw new SecurityError("NOT_FOUND");
    };
    area.all("/", { onRequest: adminOnly }, notFound);
    area.all("/*", { onRequest: adminOnly }, notFound);
  }, { prefix: "/admin" });

  await app.ready();
  return app;
}
