/**
 * The three adapter builders: the same neutral app on Express, Koa and Fastify.
 */
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import express from "express";
import Koa from "koa";
import Router from "@koa/router";
import Fastify from "fastify";
import { bulwark as expressBulwark } from "@bulwark/express";
import { bulwark as koaBulwark } from "@bulwark/koa";
import { bulwark as fastifyBulwark } from "@bulwark/fastify";
import type { AdapterBuilder, HandlerInput, NeutralApp, RunningApp } from "./neutral-app.js";

async function listen(server: Server): Promise<RunningApp> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

/** Express 5. */
export const buildExpress: AdapterBuilder = async (spec: NeutralApp) => {
  const app = express();
  const { secure, errors } = expressBulwark(spec.options);
  app.use(secure());
  for (const route of spec.routes) {
    const guards = route.policy ? [secure(route.policy)] : [];
    const method = route.method.toLowerCase() as "get";
    app[method](route.path, ...guards, async (req, res, next) => {
      try {
        const input: HandlerInput = { params: req.params as Record<string, string>, query: req.query as Record<string, unknown>, body: req.body, bulwark: req.bulwark, headers: req.headers };
        const out = await route.handler(input);
        if (out.body === undefined) res.status(out.status ?? 204).end();
        else res.status(out.status ?? 200).json(out.body);
      } catch (error) {
        next(error);
      }
    });
  }
  app.use(errors());
  return listen(app.listen(0, "127.0.0.1"));
};

/** Koa 3 with @koa/router. */
export const buildKoa: AdapterBuilder = async (spec: NeutralApp) => {
  const app = new Koa();
  const router = new Router();
  const { secure } = koaBulwark(spec.options);
  app.use(secure());
  for (const route of spec.routes) {
    const guards = route.policy ? [secure(route.policy)] : [];
    router.register(route.path, [route.method], [...guards, async (ctx: Koa.ParameterizedContext) => {
      const state = ctx.state as { bulwark: HandlerInput["bulwark"] };
      const input: HandlerInput = {
        params: (ctx as unknown as { params: Record<string, string> }).params,
        query: ctx.query as Record<string, unknown>,
        body: (ctx.request as { body?: unknown }).body,
        bulwark: state.bulwark,
        headers: ctx.headers,
      };
      const out = await route.handler(input);
      ctx.status = out.status ?? (out.body === undefined ? 204 : 200);
      if (out.body !== undefined) ctx.body = out.body;
    }] as never);
  }
  app.use(router.routes());
  app.use(router.allowedMethods());
  return listen(createServer(app.callback()));
};

/** Fastify 5. */
export const buildFastify: AdapterBuilder = async (spec: NeutralApp) => {
  const app = Fastify({ logger: false });
  await app.register(fastifyBulwark, spec.options);
  for (const route of spec.routes) {
    app.route({
      method: route.method,
      url: route.path,
      ...(route.policy ? { config: { secure: route.policy } } : {}),
      handler: async (request, reply) => {
        const input: HandlerInput = {
          params: request.params as Record<string, string>,
          query: request.query as Record<string, unknown>,
          body: request.body,
          bulwark: (request as unknown as { bulwark: HandlerInput["bulwark"] }).bulwark,
          headers: request.headers,
        };
        const out = await route.handler(input);
        reply.code(out.status ?? (out.body === undefined ? 204 : 200));
        return out.body === undefined ? reply.send() : reply.send(out.body);
      },
    });
  }
  await app.ready();
  const running = await listen(app.server);
  return { ...running, close: async () => { await app.close(); } };
};

/** Every adapter, by name. */
export const ADAPTERS: ReadonlyArray<readonly [string, AdapterBuilder]> = [
  ["express", buildExpress],
  ["koa", buildKoa],
  ["fastify", buildFastify],
];
