/**
 * Bare Koa 3 (servers/koa-bare.mjs) with the header lines Bulwark adds set by hand on every
 * answer, and nothing else: what the lines alone cost (see lib/bulwark-headers.mjs).
 */
import bare from "./koa-bare.mjs";
import { withHeaderLines } from "../lib/bulwark-headers.mjs";

export default { name: "koa-headers", handler: withHeaderLines(bare.handler) };
