/**
 * Bare Express 5 (servers/express-bare.mjs) with the header lines Bulwark adds set by hand on every
 * answer, and nothing else: what the lines alone cost (see lib/bulwark-headers.mjs).
 */
import bare from "./express-bare.mjs";
import { withHeaderLines } from "../lib/bulwark-headers.mjs";

export default { name: "express-headers", handler: withHeaderLines(bare.handler) };
