/**
 * Koa 3 with the peer stack users assemble today (see lib/koa-peer-stack.mjs), verifying tokens
 * with koa-jwt.
 */
import { koaPeerStack } from "../lib/koa-peer-stack.mjs";
import { benchSettings } from "../lib/server-process.mjs";

const settings = benchSettings();
const name = settings.redisUrl === undefined ? "koa-peer" : "koa-peer-redis";

export default { name, handler: await koaPeerStack(settings, name, "koa-jwt") };
