/**
 * Admin endpoints written as a controller class: each method carries its policy with the
 * `@secure.route(policy)` decorator (TC39 standard decorators). The decorators belong to the
 * app's Bulwark instance, so the class is declared by a function that receives it.
 */
import type { RouterContext } from "@koa/router";
import { SecurityError, type SecureKoa } from "@bulwark/koa";
import type { NotesStore } from "./notes-store.js";

/** What admins can do with every note. */
export interface AdminController {
  /** Lists every note of every user. */
  list(ctx: RouterContext): Promise<void>;
  /** Deletes any note. */
  remove(ctx: RouterContext): Promise<void>;
}

/** The admin controller of an app whose route guards come from `secure`. */
export function createAdminController(secure: SecureKoa, notes: NotesStore): AdminController {
  class NotesAdmin implements AdminController {
    @secure.route({ roles: ["admin"], response: { fields: ["id", "ownerId", "tenantId", "title", "createdAt"] } })
    async list(ctx: RouterContext): Promise<void> {
      ctx.body = notes.all();
    }

    @secure.route({ can: "notes:delete-any" })
    async remove(ctx: RouterContext): Promise<void> {
      // Thrown, not written: the global layer answers with the same problem body as every 404.
      if (!notes.delete(String(ctx.params.id))) throw new SecurityError("NOT_FOUND");
      ctx.status = 204;
    }
  }
  return new NotesAdmin();
}
