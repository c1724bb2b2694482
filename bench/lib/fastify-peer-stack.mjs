/**
 * The Fastify 5 peer stack, as an expert tunes it: @fastify/helmet, @fastify/rate-limit by IP
 * before authentication (an instance-level onRequest hook) and by user after it (a second
 * instance on preHandler), token verification (@fastify/jwt with a static public key, which
 * fast-jwt imports once, or jose directly), Fastify's own schema validation, a response schema as
 * the allowlist, and a hand-written ownership check.
 */
import { createPublicKey } from "node:crypto";
import Fastify from "fastify";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import fastifyJwt from "@fastify/jwt";
import {
  AUDIENCE,
  BODY_SCHEMA,
  ISSUER,
  ITEM_RESPONSE_SCHEMA,
  LIMIT_POINTS,
  LIMIT_WINDOW_SECONDS,
  PARAMS_SCHEMA,
  createdItem,
  items,
} from "./fixtures.mjs";
import { joseVerifier } from "./jose-verifier.mjs";
import { onStop, redisPrefix } from "./server-process.mjs";

/** Builds the app; `verifier` is `"@fastify/jwt"` or `"jose"`. */
export async function fastifyPeerStack(settings, name, verifier) {
  let redis = {};
  let userRedis = {};
  if (settings.redisUrl !== undefined) {
    const { default: Redis } = await import("ioredis");
    const client = new Redis(settings.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 500 });
    onStop(() => client.quit());
    const prefix = redisPrefix(name);
    redis = { redis: client, nameSpace: `${prefix}ip-` };
    userRedis = { redis: client, nameSpace: `${prefix}user-` };
  }
  const limit = { max: LIMIT_POINTS, timeWindow: LIMIT_WINDOW_SECONDS * 1000 };

  const app = Fastify({ logger: false });
  await app.register(helmet);
  await app.register(rateLimit, { ...limit, ...redis, global: false });
  app.addHook("onRequest", app.rateLimit());
  let authenticate;
  if (verifier === "jose") {
    const verify = joseVerifier(settings.jwks);
    app.decorateRequest("user", null);
    authenticate = async (request, reply) => {
      const claims = await verify(request.headers.authorization);
      if (claims === undefined) return reply.code(401).send({ error: "unauthorized" });
      request.user = claims;
    };
  } else {
    const publicPem = createPublicKey({ key: settings.jwks.keys[0], format: "jwk" }).export({ type: "spki", format: "pem" });
    await app.register(fastifyJwt, {
      secret: { public: publicPem },
      verify: { algorithms: ["ES256"], allowedIss: ISSUER, allowedAud: AUDIENCE },
    });
    authenticate = async (request) => {
      await request.jwtVerify();
    };
  }

  await app.register(async function itemsApi(scope) {
    scope.addHook("onRequest", authenticate);
    await scope.register(rateLimit, { ...limit, ...userRedis, global: true, hook: "preHandler", keyGenerator: (request) => request.user.sub });

    scope.get("/items/:id", { schema: { params: PARAMS_SCHEMA, response: { 200: ITEM_RESPONSE_SCHEMA } } }, async (request, reply) => {
      const item = items.get(request.params.id);
      if (item === undefined || item.owner !== request.user.sub) return reply.code(404).send({ error: "not found" });
      return item;
    });

    scope.post("/items", { schema: { body: BODY_SCHEMA, response: { 201: ITEM_RESPONSE_SCHEMA } } }, async (request, reply) => {
      reply.code(201);
      return createdItem(request.body, request.user.sub);
    });
  });
  return app;
}
