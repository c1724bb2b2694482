/**
 * Bare Koa 3 with @koa/router and @koa/bodyparser: the bench routes with hand validation, a hand
 * ownership check and a hand allowlist, and no security layer at all.
 */
import Koa from "koa";
import Router from "@koa/router";
import { bodyParser } from "@koa/bodyparser";
import { bodyProblem, createdItem, items, pickItem, unverifiedSubject, validId } from "../lib/fixtures.mjs";

async function identify(ctx, next) {
  const subject = unverifiedSubject(ctx.get("authorization"));
  if (subject === undefined) {
    ctx.status = 401;
    ctx.body = { error: "unauthorized" };
    return;
  }
  ctx.state.subject = subject;
  await next();
}

/** The bare app, with `first` (Koa middleware) in front of its routes when given. */
export function bareApp(...first) {
  const app = new Koa();
  const router = new Router();
  for (const middleware of first) app.use(middleware);
  router.get("/items/:id", identify, getItem);
  router.post("/items", identify, bodyParser({ enableTypes: ["json"], jsonLimit: "100kb" }), postItem);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

function getItem(ctx) {
  if (!validId(ctx.params.id)) {
    ctx.status = 400;
    ctx.body = { error: "invalid id" };
    return;
  }
  const item = items.get(ctx.params.id);
  if (item === undefined || item.owner !== ctx.state.subject) {
    ctx.status = 404;
    ctx.body = { error: "not found" };
    return;
  }
  ctx.body = pickItem(item);
}

function postItem(ctx) {
  const problem = bodyProblem(ctx.request.body);
  if (problem !== undefined) {
    ctx.status = 400;
    ctx.body = { error: problem };
    return;
  }
  ctx.status = 201;
  ctx.body = createdItem(ctx.request.body, ctx.state.subject);
}

export default { name: "koa-bare", handler: bareApp().callback() };
