/**
 * Express 5 with the peer stack users assemble today (see lib/express-peer-stack.mjs), verifying
 * tokens with express-jwt.
 */
import { expressPeerStack } from "../lib/express-peer-stack.mjs";
import { benchSettings } from "../lib/server-process.mjs";

const settings = benchSettings();
const name = settings.redisUrl === undefined ? "express-peer" : "express-peer-redis";

export default { name, handler: await expressPeerStack(settings, name, "express-jwt") };
