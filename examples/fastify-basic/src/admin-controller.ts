/**
 * Admin endpoints written as a controller class: each method carries its policy with the
 * `@route(policy)` decorator (TC39 standard decorators). Decorated methods are bound to their
 * instance, so they are registered as handlers directly.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { SecurityError, route } from "@bulwark/fastify";
import type { Note, NotesStore } from "./notes-store.js";

/** What admins can do with every note. */
export class AdminController {
  readonly #notes: NotesStore;

  /** A controller over `notes`. */
  constructor(notes: NotesStore) {
    this.#notes = notes;
  }

  /** Lists every note of every user. */
  @route({ roles: ["admin"], response: { fields: ["id", "ownerId", "tenantId", "title", "createdAt"] } })
  async list(): Promise<Note[]> {
    return this.#notes.all();
  }

  /** Deletes any note. */
  @route({ can: "notes:delete-any" })
  async remove(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { id } = request.params as { id: string };
    if (!this.#notes.delete(id)) throw new SecurityError("NOT_FOUND");
    return reply.code(204).send();
  }
}
