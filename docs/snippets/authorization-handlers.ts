/**
 * The route handlers the authorization snippets mount: small stand-ins for the app's own, which run
 * only once the route's policy has allowed the request.
 */
import type { RequestHandler } from "express";
import { db, orders } from "./authorization-data.js";

/** Lists orders. */
export const listOrders: RequestHandler = (_req, res) => {
  res.json(orders.all().map(({ id, total }) => ({ id, total })));
};

/** Deletes an order. */
export const deleteOrder: RequestHandler = (_req, res) => {
  res.status(204).end();
};

/** The editors' start page. */
export const editorHome: RequestHandler = (_req, res) => {
  res.json({ page: "editor" });
};

/** Exports orders. */
export const exportOrders: RequestHandler = (_req, res) => {
  res.json({ exported: orders.all().length });
};

/** Lists users (admin area). */
export const listUsers: RequestHandler = (_req, res) => {
  res.json([{ id: "vic" }, { id: "sue" }]);
};

/** Sends an invitation (admin area). */
export const createInvite: RequestHandler = (_req, res) => {
  res.status(201).json({ invited: true });
};

/** Starts a report. */
export const runReport: RequestHandler = (_req, res) => {
  res.status(202).json({ started: true });
};

/** Adds a reply to the ticket `owns` loaded. */
export const addReply: RequestHandler = (req, res) => {
  res.status(201).json({ ticket: (req.bulwark.resource as { id: string }).id });
};

/** Shows the note `owns` loaded. */
export const showNote: RequestHandler = (req, res) => {
  res.json(req.bulwark.resource);
};

/** Applies the body to the user `owns` loaded. */
export const updateUser: RequestHandler = (req, res) => {
  const user = db.users.update((req.bulwark.resource as { id: string }).id, req.body);
  res.json({ id: user?.id });
};

/** Creates a user from the body. */
export const signUp: RequestHandler = (req, res) => {
  res.status(201).json({ id: db.users.create(req.body).id });
};
