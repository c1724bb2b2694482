/**
 * Koa 3 with @koa/router and Bulwark's full policy (see lib/bulwark-setup.mjs). No body parser:
 * Bulwark's global layer reads and parses the body with its limits.
 */
import Koa from "koa";
import Router from "@koa/router";
import * as adapter from "@bulwark/koa";
import { bulwarkSetup } from "../lib/bulwark-setup.mjs";
import { createdItem } from "../lib/fixtures.mjs";
import { benchSettings } from "../lib/server-process.mjs";

const settings = benchSettings();
const name = settings.redisUrl === undefined ? "koa-bulwark" : "koa-bulwark-redis";
const { config, getPolicy, postPolicy, missing } = await bulwarkSetup(adapter, settings, name);
const { secure } = adapter.bulwark(config);

const app = new Koa();
const router = new Router();
app.use(secure());
router.get("/items/:id", secure(getPolicy), (ctx) => {
  ctx.body = ctx.state.bulwark.resource;
});
router.post("/items", secure(postPolicy), (ctx) => {
  ctx.status = 201;
  ctx.body = createdItem(ctx.request.body, ctx.state.bulwark.principal.id);
});
app.use(router.routes());
app.use(router.allowedMethods());

export default { name, handler: app.callback(), missing };
