/**
 * Bare Fastify 5: the bench routes with hand validation, a hand ownership check and a hand
 * allowlist (no schemas), and no security layer at all.
 */
import Fastify from "fastify";
import { bodyProblem, createdItem, items, pickItem, unverifiedSubject, validId } from "../lib/fixtures.mjs";

async function identify(request, reply) {
  const subject = unverifiedSubject(request.headers.authorization);
  if (subject === undefined) return reply.code(401).send({ error: "unauthorized" });
  request.subject = subject;
}

/**
 * The bare app. `plugin` (`[plugin, options]`) is registered before the routes, and `config` is
 * given to each route, when given.
 */
export async function bareApp({ plugin, config } = {}) {
  const app = Fastify({ logger: false });
  if (plugin !== undefined) await app.register(...plugin);
  app.decorateRequest("subject", "");
  const options = config === undefined ? { onRequest: identify } : { onRequest: identify, config };
  app.get("/items/:id", options, async (request, reply) => {
    if (!validId(request.params.id)) return reply.code(400).send({ error: "invalid id" });
    const item = items.get(request.params.id);
    if (item === undefined || item.owner !== request.subject) return reply.code(404).send({ error: "not found" });
    return pickItem(item);
  });
  app.post("/items", options, async (request, reply) => {
    const problem = bodyProblem(request.body);
    if (problem !== undefined) return reply.code(400).send({ error: problem });
    reply.code(201);
    return createdItem(request.body, request.subject);
  });
  return app;
}

export default { name: "fastify-bare", fastify: await bareApp() };
