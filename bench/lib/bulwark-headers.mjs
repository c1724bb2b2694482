/**
 * The header lines the Bulwark bench server adds to every answer, for the "headers" servers: the
 * bare server with these lines set by hand and nothing else, which measures what the lines alone
 * cost a framework (Node validates each name and value, and writes them into every response head).
 * The security headers are read from a Bulwark engine built with the defaults, so they are the
 * lines Bulwark sends; the RateLimit fields have the values of the bench's limits. The smoke test
 * checks that a "headers" server and the Bulwark server answer with the same header lines.
 */
import { randomUUID } from "node:crypto";
import * as core from "@bulwark/core";
import { LIMIT_POINTS, LIMIT_WINDOW_SECONDS } from "./fixtures.mjs";

const security = core.createEngine({}, core.FEATURES).config.headers.set;
const limits = ["global", "per-user"];

/** Every line but the request id, as `[name, value]` pairs, in the order Bulwark sets them. */
export const HEADER_LINES = Object.freeze([
  ...security,
  ["cache-control", "no-store"],
  ["RateLimit-Policy", limits.map((name) => `"${name}";q=${LIMIT_POINTS};w=${LIMIT_WINDOW_SECONDS}`).join(", ")],
  ["RateLimit", limits.map((name) => `"${name}";r=${LIMIT_POINTS - 1};t=${LIMIT_WINDOW_SECONDS}`).join(", ")],
]);

/** A new request id, made as Bulwark makes one when the request brings none. */
export const newRequestId = randomUUID;

/** Sets the lines (a new request id first) on a Node response or a framework's wrapper of one. */
export function setHeaderLines(res) {
  res.setHeader("x-request-id", newRequestId());
  for (const [name, value] of HEADER_LINES) res.setHeader(name, value);
}

/** A Node request handler that sets the lines on the response, then hands over to `handler`. */
export function withHeaderLines(handler) {
  return function withHeaders(req, res) {
    setHeaderLines(res);
    handler(req, res);
  };
}
