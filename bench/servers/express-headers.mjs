/**
 * Bare Express 5 (servers/express-bare.mjs) with the header lines Bulwark adds set by hand on every
 * answer, and nothing else: what the lines alone cost (see lib/bulwark-headers.mjs).
 */
import bare from "./express-bare.mjs";
import { HEADER_LINES, newRequestId } from "../lib/bulwark-headers.mjs";

function withHeaders(req, res) {
  res.setHeader("x-request-id", newRequestId());
  for (const [name, value] of HEADER_LINES) res.setHeader(name, value);
  bare.handler(req, res);
}

export default { name: "express-headers", handler: withHeaders };
