/**
 * Bare Fastify 5 (servers/fastify-bare.mjs) with the header lines Bulwark adds set on every reply,
 * as Bulwark's Fastify adapter sets them (`reply.header`), and nothing else: what the lines alone
 * cost (see lib/bulwark-headers.mjs).
 */
import bare from "./fastify-bare.mjs";
import { HEADER_LINES, newRequestId } from "../lib/bulwark-headers.mjs";

bare.fastify.addHook("onRequest", (request, reply, done) => {
  reply.header("x-request-id", newRequestId());
  for (const [name, value] of HEADER_LINES) reply.header(name, value);
  done();
});

export default { name: "fastify-headers", fastify: bare.fastify };
