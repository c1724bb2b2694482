/**
 * The published shape of each package: an exports map with types first, ESM and CommonJS builds
 * with declarations, and both `import` and `require` loading a working package.
 */
import { describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
// bench/ depends on every package, so Node resolves them from there as an installed app would.
const CONSUMER = path.join(ROOT, "bench");
const PACKAGES = ["core", "express", "koa", "fastify"] as const;

interface PackageJson {
  name: string;
  type?: string;
  exports: Record<string, Record<string, Record<string, string>>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function packageJson(name: string): PackageJson {
  return JSON.parse(readFileSync(path.join(ROOT, "packages", name, "package.json"), "utf8")) as PackageJson;
}

function run(args: string[]): string {
  const result = spawnSync(process.execPath, args, { cwd: CONSUMER, encoding: "utf8", timeout: 30_000 });
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout.trim();
}

const SMOKE_APPS: Record<string, { cjs: string; esm: string }> = {
  express: {
    cjs: `const express = require("express"); const { bulwark, jwt } = require("@bulwark/express"); const { generateKeyPairSync } = require("node:crypto");`,
    esm: `import express from "express"; import { bulwark, jwt } from "@bulwark/express"; import { generateKeyPairSync } from "node:crypto";`,
  },
  koa: {
    cjs: `const Koa = require("koa"); const Router = require("@koa/router"); const { bulwark, jwt } = require("@bulwark/koa"); const { generateKeyPairSync } = require("node:crypto");`,
    esm: `import Koa from "koa"; import Router from "@koa/router"; import { bulwark, jwt } from "@bulwark/koa"; import { generateKeyPairSync } from "node:crypto";`,
  },
  fastify: {
    cjs: `const Fastify = require("fastify"); const { bulwark, jwt } = require("@bulwark/fastify"); const { generateKeyPairSync } = require("node:crypto");`,
    esm: `import Fastify from "fastify"; import { bulwark, jwt } from "@bulwark/fastify"; import { generateKeyPairSync } from "node:crypto";`,
  },
};

// Every build also loads jose, ajv and rate-limiter-flexible: a JWT authenticator, a validated
// route and a limit make the smoke app touch each of them.
const OPTIONS = `{
  authenticate: [jwt({ issuer: "https://id.example.test/", audience: "smoke", algorithms: ["ES256"],
    jwks: { keys: [{ ...generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" }), kid: "k1", alg: "ES256" }] } })],
  rateLimit: { points: 100, duration: 60 },
}`;
const HEALTH_POLICY = `{ public: true, query: { type: "object", properties: { verbose: { type: "boolean" } } } }`;

const SMOKE_BODY: Record<string, string> = {
  express: `const app = express(); const { secure, errors } = bulwark(${OPTIONS}); app.use(secure());
    app.get("/health", secure(${HEALTH_POLICY}), (req, res) => res.json({ ok: true })); app.use(errors());
    const server = app.listen(0, "127.0.0.1", check);`,
  koa: `const app = new Koa(); const router = new Router(); const { secure } = bulwark(${OPTIONS}); app.use(secure());
    router.get("/health", secure(${HEALTH_POLICY}), (ctx) => { ctx.body = { ok: true }; }); app.use(router.routes());
    const server = app.listen(0, "127.0.0.1", check);`,
  fastify: `const app = Fastify(); let server; app.register(bulwark, ${OPTIONS});
    app.get("/health", { config: { secure: ${HEALTH_POLICY} } }, async () => ({ ok: true }));
    app.listen({ port: 0, host: "127.0.0.1" }).then(() => { server = app; server.address = () => app.server.address(); check(); });`,
};

const CHECK = `async function check() {
  const { port } = server.address();
  const ok = await fetch("http://127.0.0.1:" + port + "/health");
  const denied = await fetch("http://127.0.0.1:" + port + "/health?__proto__=1");
  const invalid = await fetch("http://127.0.0.1:" + port + "/health?verbose=maybe");
  const badToken = await fetch("http://127.0.0.1:" + port + "/health", { headers: { authorization: "Bearer e30.e30.x" } });
  console.log(JSON.stringify({ ok: ok.status, id: ok.headers.get("x-request-id") !== null, limit: ok.headers.get("ratelimit-policy") !== null,
    denied: denied.status, type: denied.headers.get("content-type"), invalid: invalid.status, badToken: badToken.status }));
  server.close();
}`;

describe.each(PACKAGES)("@bulwark/%s package", (name) => {
  const pkg = packageJson(name);

  it("declares an exports map with types first for import and require", () => {
    const root = pkg.exports["."]!;
    expect(Object.keys(root)).toEqual(["import", "require"]);
    expect(Object.keys(root.import!)[0]).toBe("types");
    expect(Object.keys(root.require!)[0]).toBe("types");
    for (const target of [root.import!.types!, root.import!.default!, root.require!.types!, root.require!.default!]) {
      expect(existsSync(path.join(ROOT, "packages", name, target))).toBe(true);
    }
    expect(pkg.type).toBe("module");
  });

  it("never depends on a web framework except as a peer", () => {
    const dependencies = Object.keys(pkg.dependencies ?? {});
    for (const framework of ["express", "koa", "fastify", "@koa/router"]) expect(dependencies).not.toContain(framework);
    if (name !== "core") expect(Object.keys(pkg.peerDependencies ?? {})).toContain(name);
  });

  it("loads with require and with import, exposing the same names", () => {
    const viaRequire = JSON.parse(run(["-e", `console.log(JSON.stringify(Object.keys(require("@bulwark/${name}")).sort()))`])) as string[];
    const viaImport = JSON.parse(run(["--input-type=module", "-e", `const m = await import("@bulwark/${name}"); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== "default" && k !== "module.exports").sort()))`])) as string[];
    expect(viaRequire.filter((k) => k !== "default")).toEqual(viaImport);
    expect(viaImport).toContain(name === "core" ? "createEngine" : "bulwark");
  });

  if (name !== "core") {
    it.each(["cjs", "esm"] as const)("serves a guarded app from the %s build", (format) => {
      const source = `${SMOKE_APPS[name]![format]}\n${CHECK}\n${SMOKE_BODY[name]}`;
      const out = run(format === "esm" ? ["--input-type=module", "-e", source] : ["-e", source]);
      expect(JSON.parse(out.split("\n").pop()!)).toEqual({ ok: 200, id: true, limit: true, denied: 400, type: "application/problem+json; charset=utf-8", invalid: 400, badToken: 401 });
    });
  }
});
