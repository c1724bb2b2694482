/**
 * Bare Express 5: the bench routes with hand validation, a hand ownership check and a hand
 * allowlist, and no security layer at all (the caller's id is read from the token unverified).
 */
import express from "express";
import { bodyProblem, createdItem, items, pickItem, unverifiedSubject, validId } from "../lib/fixtures.mjs";

function identify(req, res, next) {
  const subject = unverifiedSubject(req.headers.authorization);
  if (subject === undefined) return res.status(401).json({ error: "unauthorized" });
  req.subject = subject;
  next();
}

/** The bare app, with `first` (Express middleware) in front of its routes when given. */
export function bareApp(...first) {
  const app = express();
  app.disable("x-powered-by");
  if (first.length > 0) app.use(...first);
  app.get("/items/:id", identify, (req, res) => {
    if (!validId(req.params.id)) return res.status(400).json({ error: "invalid id" });
    const item = items.get(req.params.id);
    if (item === undefined || item.owner !== req.subject) return res.status(404).json({ error: "not found" });
    res.json(pickItem(item));
  });
  app.post("/items", identify, express.json({ limit: "100kb" }), (req, res) => {
    const problem = bodyProblem(req.body);
    if (problem !== undefined) return res.status(400).json({ error: problem });
    res.status(201).json(createdItem(req.body, req.subject));
  });
  return app;
}

export default { name: "express-bare", handler: bareApp() };
