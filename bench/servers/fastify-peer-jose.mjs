/**
 * Fastify 5 with the peer stack (see lib/fastify-peer-stack.mjs), verifying tokens with jose
 * directly instead of @fastify/jwt.
 */
import { fastifyPeerStack } from "../lib/fastify-peer-stack.mjs";
import { benchSettings } from "../lib/server-process.mjs";

const settings = benchSettings();
const name = settings.redisUrl === undefined ? "fastify-peer-jose" : "fastify-peer-jose-redis";

export default { name, fastify: await fastifyPeerStack(settings, name, "jose") };
