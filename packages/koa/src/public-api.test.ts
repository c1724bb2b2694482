import { readFileSync } from "node:fs";
import path from "node:path";
import Koa from "koa";
import Router from "@koa/router";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import * as koaAdapter from "./index.js";
import { bulwark, type SecurityContext } from "./index.js";
import { serve, type Served } from "./__tests__/support.js";

/** The names an index file re-exports from `@bulwark/core`, in order. */
function coreReExports(file: string): string[] {
  const source = readFileSync(file, "utf8");
  const block = /export \{([^}]*)\} from "@bulwark\/core";/.exec(source);
  if (block === null) throw new Error(`no re-export block in ${file}`);
  return block[1]!.split(",").map((name) => name.trim()).filter((name) => name !== "");
}

describe("@bulwark/koa public API", () => {
  it("pins the runtime exports", () => {
    expect(Object.keys(koaAdapter).sort()).toEqual([
      "ConfigError", "ResponseValidationError", "SecurityError", "apiKey", "bulwark", "canonicalIdentifier", "createApiKey", "createMasker", "encodeHtml", "encodeHtmlAttribute", "encodeJsString", "encodeJsonForHtml", "encodeUrlComponent", "isSecurityError", "jwt", "maskCard", "maskEmail", "maskEvents", "maskIban", "maskPhone", "memoryStore", "redisStore", "safeUrl",
    ]);
  });

  it("re-exports the same core names as @bulwark/express", () => {
    const koa = coreReExports(path.join(__dirname, "index.ts"));
    const express = coreReExports(path.join(__dirname, "../../express/src/index.ts"));
    expect(koa.length).toBeGreaterThan(0);
    expect(koa).toEqual(express);
  });

  it("returns secure, secure.route and the engine from bulwark()", () => {
    const result = bulwark({});
    expect(typeof result.secure).toBe("function");
    expect(typeof result.secure.route).toBe("function");
    expect(typeof result.engine.compile).toBe("function");
  });

  it("throws a ConfigError naming every problem in a bad config", () => {
    const attempt = () => bulwark({ onEvnt: () => undefined, expose: "yes" } as never);
    expect(attempt).toThrow(koaAdapter.ConfigError);
    expect(attempt).toThrow(/onEvnt[\s\S]*onEvent|onEvent[\s\S]*onEvnt/);
    expect(attempt).toThrow(/expose/);
  });
});

describe("ctx.state.bulwark types", () => {
  let served: Served;

  beforeAll(async () => {
    const { secure } = bulwark({});
    // An app with its own state type still sees Bulwark's context, typed.
    const app = new Koa<{ tenant: string }>();
    app.use(secure());
    app.use(async (ctx, next) => {
      ctx.state.tenant = "acme";
      await next();
    });
    const router = new Router<{ tenant: string }>();
    router.get("/whoami", secure({ public: true }), (ctx) => {
      const context: SecurityContext = ctx.state.bulwark;
      const requestId: string = ctx.state.bulwark.requestId;
      // @ts-expect-error -- a misspelt member is a type error, not `any`
      void ctx.state.bulwark.requestID;
      ctx.body = { tenant: ctx.state.tenant, requestId, ip: context.ip, principal: context.principal ?? null };
    });
    app.use(router.routes());
    served = await serve(app);
  });

  afterAll(() => served.close());

  it("puts the per-request context on ctx.state.bulwark", async () => {
    const res = await served.http.get("/whoami").set("x-request-id", "typed-1");
    expect(res.body).toEqual({ tenant: "acme", requestId: "typed-1", ip: "127.0.0.1", principal: null });
  });
});
