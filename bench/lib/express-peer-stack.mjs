/**
 * The Express 5 peer stack, as an expert tunes it: helmet, express-rate-limit by IP before
 * authentication and by user after it, token verification (express-jwt with the public key
 * imported once as a KeyObject, or jose directly), ajv validators compiled once, and hand-written
 * ownership and allowlist (no package of the stack does them).
 */
import { createPublicKey } from "node:crypto";
import express from "express";
import helmet from "helmet";
import { rateLimit } from "express-rate-limit";
import { expressjwt } from "express-jwt";
import { Ajv } from "ajv";
import { AUDIENCE, BODY_SCHEMA, ISSUER, LIMIT_POINTS, LIMIT_WINDOW_SECONDS, PARAMS_SCHEMA, createdItem, items, pickItem } from "./fixtures.mjs";
import { joseVerifier } from "./jose-verifier.mjs";
import { ExpressRateLimitRedisStore } from "./peer-redis-store.mjs";
import { onStop, redisPrefix } from "./server-process.mjs";

/** Builds the app; `verifier` is `"express-jwt"` or `"jose"`. */
export async function expressPeerStack(settings, name, verifier) {
  let storeFor = () => undefined;
  if (settings.redisUrl !== undefined) {
    const { default: Redis } = await import("ioredis");
    const client = new Redis(settings.redisUrl, { maxRetriesPerRequest: 1 });
    onStop(() => client.quit());
    const prefix = redisPrefix(name);
    storeFor = (limiter) => new ExpressRateLimitRedisStore(client, `${prefix}${limiter}:`);
  }
  const limitOptions = { windowMs: LIMIT_WINDOW_SECONDS * 1000, limit: LIMIT_POINTS, standardHeaders: "draft-8", legacyHeaders: false };
  const ipLimit = rateLimit({ ...limitOptions, store: storeFor("ip") });
  const userLimit = rateLimit({ ...limitOptions, keyGenerator: (req) => req.auth.sub, store: storeFor("user") });

  const ajv = new Ajv();
  const validParams = ajv.compile(PARAMS_SCHEMA);
  const validBody = ajv.compile(BODY_SCHEMA);

  const app = express();
  app.disable("x-powered-by");
  app.use(helmet());
  app.use(ipLimit);
  if (verifier === "jose") {
    const verify = joseVerifier(settings.jwks);
    app.use((req, res, next) => {
      verify(req.headers.authorization).then((claims) => {
        if (claims === undefined) return res.status(401).json({ error: "unauthorized" });
        req.auth = claims;
        next();
      }, next);
    });
  } else {
    const publicKey = createPublicKey({ key: settings.jwks.keys[0], format: "jwk" });
    app.use(expressjwt({ secret: publicKey, algorithms: ["ES256"], issuer: ISSUER, audience: AUDIENCE }));
  }

  app.get("/items/:id", userLimit, (req, res) => {
    if (!validParams(req.params)) return res.status(400).json({ error: "invalid id" });
    const item = items.get(req.params.id);
    if (item === undefined || item.owner !== req.auth.sub) return res.status(404).json({ error: "not found" });
    res.json(pickItem(item));
  });

  app.post("/items", userLimit, express.json({ limit: "100kb" }), (req, res) => {
    if (!validBody(req.body)) return res.status(400).json({ error: "invalid body", errors: validBody.errors });
    res.status(201).json(createdItem(req.body, req.auth.sub));
  });

  app.use((error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = error.name === "UnauthorizedError" ? 401 : (error.status ?? error.statusCode ?? 500);
    res.status(status).json({ error: status === 401 ? "unauthorized" : "error" });
  });
  return app;
}
