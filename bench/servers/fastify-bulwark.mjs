/**
 * Fastify 5 with the Bulwark plugin and its full policy (see lib/bulwark-setup.mjs), given as
 * each route's `config.secure`.
 */
import Fastify from "fastify";
import * as adapter from "@bulwark/fastify";
import { bulwarkSetup } from "../lib/bulwark-setup.mjs";
import { createdItem } from "../lib/fixtures.mjs";
import { benchSettings } from "../lib/server-process.mjs";

const settings = benchSettings();
const name = settings.redisUrl === undefined ? "fastify-bulwark" : "fastify-bulwark-redis";
const { config, getPolicy, postPolicy, missing } = await bulwarkSetup(adapter, settings, name);

const app = Fastify({ logger: false });
await app.register(adapter.bulwark, config);
app.get("/items/:id", { config: { secure: getPolicy } }, async (request) => request.bulwark.resource);
app.post("/items", { config: { secure: postPolicy } }, async (request, reply) => {
  reply.code(201);
  return createdItem(request.body, request.bulwark.principal.id);
});

export default { name, fastify: app, missing };
