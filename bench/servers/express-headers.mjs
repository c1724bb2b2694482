/**
 * Bare Express 5 (servers/express-bare.mjs) with the header lines Bulwark adds set on every answer
 * by a first Express middleware, as Bulwark's global layer sets them (on Express's response, after
 * Express has given it its own prototype), and nothing else: what the lines alone cost (see
 * lib/bulwark-headers.mjs).
 */
import { bareApp } from "./express-bare.mjs";
import { HEADER_LINES, newRequestId } from "../lib/bulwark-headers.mjs";

function headerLines(req, res, next) {
  res.setHeader("x-request-id", newRequestId());
  for (const [name, value] of HEADER_LINES) res.setHeader(name, value);
  next();
}

export default { name: "express-headers", handler: bareApp(headerLines) };
