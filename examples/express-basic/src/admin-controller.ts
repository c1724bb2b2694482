/**
 * Admin endpoints written as a controller class: each method carries its policy with the
 * `@secure.route(policy)` decorator (TC39 standard decorators). The decorators belong to the
 * app's Bulwark instance, so the class is declared by a function that receives it.
 */
import type { Request, Response } from "express";
import { SecurityError, type SecureExpress } from "@bulwark/express";
import type { NotesStore } from "./notes-store.js";

/** What admins can do with every note. */
export interface AdminController {
  /** Lists every note of every user. */
  list(req: Request, res: Response): void;
  /** Deletes any note. */
  remove(req: Request, res: Response): void;
}

/** The admin controller of an app whose route guards come from `secure`. */
export function createAdminController(secure: SecureExpress, notes: NotesStore): AdminController {
  class NotesAdmin implements AdminController {
    @secure.route({ roles: ["admin"], response: { fields: ["id", "ownerId", "tenantId", "title", "createdAt"] } })
    list(_req: Request, res: Response): void {
      res.json(notes.all());
    }

    @secure.route({ can: "notes:delete-any" })
    remove(req: Request, res: Response): void {
      // Thrown, not written: the error handler answers with the same problem body as every 404.
      if (!notes.delete(String(req.params.id))) throw new SecurityError("NOT_FOUND");
      res.status(204).end();
    }
  }
  return new NotesAdmin();
}
