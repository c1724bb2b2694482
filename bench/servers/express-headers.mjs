/**
 * Bare Express 5 (servers/express-bare.mjs) with the header lines Bulwark adds set on every answer
 * by a first Express middleware, as Bulwark's global layer sets them (on Express's response, after
 * Express has given it its own prototype), and nothing else: what the lines alone cost (see
 * lib/bulwark-headers.mjs).
 */
import { bareApp } from "./express-bare.mjs";
import { setHeaderLines } from "../lib/bulwark-headers.mjs";

function headerLines(req, res, next) {
  setHeaderLines(res);
  next();
}

export default { name: "express-headers", handler: bareApp(headerLines) };
