/**
 * Admin endpoints written as a controller class: each method carries its policy with the
 * `@secure.route(policy)` decorator (TC39 standard decorators).
 */
import type { Request, Response } from "express";
import type { NotesStore } from "./notes-store.js";
import { secure } from "./security.js";

/** What admins can do with every note. */
export class AdminController {
  constructor(private readonly notes: NotesStore) {}

  /** Lists every note of every user. */
  @secure.route({ roles: ["admin"], response: { fields: ["id", "ownerId", "tenantId", "title", "createdAt"] } })
  list(_req: Request, res: Response): void {
    res.json(this.notes.all());
  }

  /** Deletes any note. */
  @secure.route({ can: "notes:delete-any" })
  remove(req: Request, res: Response): void {
    if (!this.notes.delete(String(req.params.id))) {
      res.status(404).json({ code: "NOT_FOUND" });
      return;
    }
    res.status(204).end();
  }
}
