/**
 * Express 5 with the peer stack (see lib/express-peer-stack.mjs), verifying tokens with jose
 * directly instead of express-jwt.
 */
import { expressPeerStack } from "../lib/express-peer-stack.mjs";
import { benchSettings } from "../lib/server-process.mjs";

const settings = benchSettings();
const name = settings.redisUrl === undefined ? "express-peer-jose" : "express-peer-jose-redis";

export default { name, handler: await expressPeerStack(settings, name, "jose") };
