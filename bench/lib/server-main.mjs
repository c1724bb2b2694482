/**
 * The entry point of one bench server process: `node bench/lib/server-main.mjs <server>`, where
 * `<server>` names a module of bench/servers (e.g. `express-bulwark`). Its environment carries the
 * settings (see server-process.mjs); the runner and the smoke test start it this way.
 */
import process from "node:process";
import { serve } from "./server-process.mjs";

const name = process.argv[2];
if (name === undefined || !/^(express|koa|fastify)-(bare|headers|floor|bulwark|peer|peer-jose)$/.test(name)) {
  throw new Error("usage: node bench/lib/server-main.mjs <express|koa|fastify>-<bare|headers|floor|bulwark|peer|peer-jose>");
}
const { default: server } = await import(`../servers/${name}.mjs`);
await serve(server);
