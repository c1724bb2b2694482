import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it, jest } from "@jest/globals";
import express from "express";
import { Redis } from "ioredis";
import request from "supertest";
import { bulwark } from "@bulwark/express";
import type { RateLimitApi } from "./rate-limit-options.js";
import { repositoryRoot } from "./test-support/corpora.js";
import { loginApp, ordersApp, sharedOptions, throttledOptions } from "./test-support/doc-examples.js";
import { CREDENTIAL_HEADER, headerAuthenticator } from "./test-support/header-authenticator.js";

const guide = readFileSync(path.join(repositoryRoot(), "docs/rate-limiting.md"), "utf8");
const source = readFileSync(path.join(__dirname, "test-support/doc-examples.ts"), "utf8");

function dedent(text: string): string {
  const lines = text.replace(/\s+$/, "").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join("\n");
}

describe("docs/rate-limiting.md", () => {
  const snippets = [...guide.matchAll(/<!-- snippet: ([a-z-]+) -->\n```ts\n([\s\S]*?)```/g)];

  it("shows only code the tests run, verbatim", () => {
    expect(snippets.map((m) => m[1])).toEqual(["limits", "redis", "login", "throttle"]);
    for (const [, name, code] of snippets) {
      const original = new RegExp(`// snippet: ${name}\\n([\\s\\S]*?)\\n\\s*// end snippet`).exec(source);
      expect({ name, code: dedent(code!) }).toEqual({ name, code: dedent(original![1]!) });
    }
  });

  it("limits: global per IP, route limits per principal with a burst, a costly route per API key", async () => {
    // Only the clock stands still (a one-second window must not end in the middle of the test).
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "clearImmediate", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "hrtime", "performance"] });
    try {
      await checkOrdersApp();
    } finally {
      jest.useRealTimers();
    }
  });

  async function checkOrdersApp(): Promise<void> {
    const app = ordersApp(headerAuthenticator({ key1: "secret" }, "apiKey"));
    const order = await request(app).get("/orders/1").set(CREDENTIAL_HEADER, "key1:secret").expect(200);
    expect(order.headers["ratelimit-policy"]).toBe('"global";q=300;w=60, "route-0-0";q=10;w=1, "route-0-1";q=1000;w=3600');
    let statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await request(app).post("/reports").set(CREDENTIAL_HEADER, "key1:secret")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    statuses = [];
    for (let i = 0; i < 31; i++) statuses.push((await request(app).get("/orders/2").set(CREDENTIAL_HEADER, "key1:secret")).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(29); // 9 sustained left + 20 burst
  }

  it("login: five failures lock the pair out, and the right password does not get in while locked", async () => {
    const app = loginApp({ verify: async (user, password) => user === "erin" && password === "right" });
    for (let i = 0; i < 5; i++) {
      const failed = await request(app).post("/login").send({ user: "erin", password: "wrong" }).expect(401);
      expect(failed.body.detail).toBe("Wrong user name or password.");
    }
    const locked = await request(app).post("/login").send({ user: "erin", password: "right" }).expect(429);
    expect(locked.body.code).toBe("AUTH_LOCKED_OUT");
    await request(app).post("/login").send({ user: "frank", password: "anything" }).expect(401);
  });

  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  afterAll(async () => {
    const keys = await redis.keys("orders-api:*");
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it("redis: the shared options work as shown", async () => {
    await redis.ping();
    const security = bulwark(sharedOptions(redis));
    const app = express();
    app.use(security.secure());
    app.get("/", security.secure({ public: true }), (_req, res) => void res.json({ ok: true }));
    const response = await request(app).get("/").set("x-forwarded-for", `198.51.100.${process.pid % 250}`).expect(200);
    expect(response.headers["ratelimit"]).toMatch(/^"global";r=299;/);
  });

  it("throttle: the options are accepted and the sampler stops on close()", () => {
    const security = bulwark(throttledOptions()) as unknown as RateLimitApi;
    expect(security.throttleLevel()).toBe("normal");
    security.close();
  });
});
