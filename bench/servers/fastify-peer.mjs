/**
 * Fastify 5 with the peer stack users assemble today (see lib/fastify-peer-stack.mjs), verifying
 * tokens with @fastify/jwt.
 */
import { fastifyPeerStack } from "../lib/fastify-peer-stack.mjs";
import { benchSettings } from "../lib/server-process.mjs";

const settings = benchSettings();
const name = settings.redisUrl === undefined ? "fastify-peer" : "fastify-peer-redis";

export default { name, fastify: await fastifyPeerStack(settings, name, "@fastify/jwt") };
