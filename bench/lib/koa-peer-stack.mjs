/**
 * The Koa 3 peer stack, as an expert tunes it: koa-helmet, koa-ratelimit by IP before
 * authentication and by user after it, token verification (koa-jwt with the public key imported
 * once as a KeyObject, or jose directly), ajv validators compiled once, @koa/bodyparser, and
 * hand-written ownership and allowlist.
 */
import { createPublicKey } from "node:crypto";
import Koa from "koa";
import Router from "@koa/router";
import { bodyParser } from "@koa/bodyparser";
import helmet from "koa-helmet";
import ratelimit from "koa-ratelimit";
import jwt from "koa-jwt";
import { Ajv } from "ajv";
import { AUDIENCE, BODY_SCHEMA, ISSUER, LIMIT_POINTS, LIMIT_WINDOW_SECONDS, PARAMS_SCHEMA, createdItem, items, pickItem } from "./fixtures.mjs";
import { joseVerifier } from "./jose-verifier.mjs";
import { onStop, redisPrefix } from "./server-process.mjs";

/** Builds the app; `verifier` is `"koa-jwt"` or `"jose"`. */
export async function koaPeerStack(settings, name, verifier) {
  let driver = { driver: "memory", db: new Map() };
  let userDriver = { driver: "memory", db: new Map() };
  if (settings.redisUrl !== undefined) {
    const { default: Redis } = await import("ioredis");
    const client = new Redis(settings.redisUrl, { maxRetriesPerRequest: 1 });
    onStop(() => client.quit());
    const prefix = redisPrefix(name);
    driver = { driver: "redis", db: client, namespace: `${prefix}ip` };
    userDriver = { driver: "redis", db: client, namespace: `${prefix}user` };
  }
  const limit = { duration: LIMIT_WINDOW_SECONDS * 1000, max: LIMIT_POINTS };

  const ajv = new Ajv();
  const validParams = ajv.compile(PARAMS_SCHEMA);
  const validBody = ajv.compile(BODY_SCHEMA);

  const app = new Koa();
  const router = new Router();
  app.use(helmet());
  app.use(ratelimit({ ...limit, ...driver, id: (ctx) => ctx.ip }));
  if (verifier === "jose") {
    const verify = joseVerifier(settings.jwks);
    app.use(async (ctx, next) => {
      const claims = await verify(ctx.get("authorization"));
      if (claims === undefined) {
        ctx.status = 401;
        ctx.body = { error: "unauthorized" };
        return;
      }
      ctx.state.user = claims;
      await next();
    });
  } else {
    const publicKey = createPublicKey({ key: settings.jwks.keys[0], format: "jwk" });
    app.use(jwt({ secret: publicKey, algorithms: ["ES256"], issuer: ISSUER, audience: AUDIENCE }));
  }
  app.use(ratelimit({ ...limit, ...userDriver, id: (ctx) => ctx.state.user.sub }));

  router.get("/items/:id", (ctx) => {
    if (!validParams(ctx.params)) {
      ctx.status = 400;
      ctx.body = { error: "invalid id" };
      return;
    }
    const item = items.get(ctx.params.id);
    if (item === undefined || item.owner !== ctx.state.user.sub) {
      ctx.status = 404;
      ctx.body = { error: "not found" };
      return;
    }
    ctx.body = pickItem(item);
  });

  router.post("/items", bodyParser({ enableTypes: ["json"], jsonLimit: "100kb" }), (ctx) => {
    if (!validBody(ctx.request.body)) {
      ctx.status = 400;
      ctx.body = { error: "invalid body", errors: validBody.errors };
      return;
    }
    ctx.status = 201;
    ctx.body = createdItem(ctx.request.body, ctx.state.user.sub);
  });

  app.use(router.routes());
  app.use(router.allowedMethods());
  return app.callback();
}
