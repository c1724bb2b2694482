/**
 * Koa 3 with the peer stack (see lib/koa-peer-stack.mjs), verifying tokens with jose directly
 * instead of koa-jwt.
 */
import { koaPeerStack } from "../lib/koa-peer-stack.mjs";
import { benchSettings } from "../lib/server-process.mjs";

const settings = benchSettings();
const name = settings.redisUrl === undefined ? "koa-peer-jose" : "koa-peer-jose-redis";

export default { name, handler: await koaPeerStack(settings, name, "jose") };
