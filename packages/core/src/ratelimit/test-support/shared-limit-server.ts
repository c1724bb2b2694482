/**
 * TEST ONLY: one app instance of the multi-instance tests, run as its own process (forked with
 * `--import tsx`). It serves `GET /` behind the engine with the rate-limiting feature on a Redis
 * store, and answers IPC messages: `{ type: "redis" }` (its client's status), `{ type: "stop" }`.
 * Configuration comes in `BULWARK_TEST_SERVER` (JSON): `{ redisUrl, prefix, rateLimit, rateLimiting }`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { writeNodeProblem } from "../../adapter/node-response-guard.js";
import { createEngine } from "../../pipeline/engine.js";
import type { SecurityRequest } from "../../request/security-request.js";
import { redisStore } from "../../store/redis-store.js";
import { rateLimitFeature } from "../rate-limit-feature.js";

const settings = JSON.parse(process.env.BULWARK_TEST_SERVER ?? "{}") as {
  redisUrl: string;
  prefix: string;
  rateLimit: unknown;
  rateLimiting: unknown;
};

// Retry quickly, so the test does not wait long for the reconnect after Redis comes back.
const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 100 });
redis.on("error", () => undefined);
let storeFailures = 0;

// The engine with the rate-limiting feature alone: these processes exercise the shared store.
const engine = createEngine(
  {
    store: redisStore(redis, { prefix: settings.prefix }),
    rateLimit: settings.rateLimit as never,
    rateLimiting: settings.rateLimiting as never,
    bruteForce: false,
    onError: () => {
      storeFailures++;
    },
  },
  [rateLimitFeature],
);

function toSecurityRequest(req: IncomingMessage): SecurityRequest {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return {
    method: (req.method ?? "GET").toUpperCase(),
    url,
    path: q === -1 ? url : url.slice(0, q),
    route: undefined,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    params: {},
    query: {},
    body: undefined,
    remoteAddress: req.socket.remoteAddress,
    encrypted: false,
  };
}

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const state = engine.start(toSecurityRequest(req), {
    setHeader: (name, value) => res.setHeader(name, value),
    removeHeader: (name) => res.removeHeader(name),
  });
  Promise.resolve().then(() => engine.global(state, { kind: "deferred" })).then(
    () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ ok: true, pid: process.pid }));
    },
    (error: unknown) => writeNodeProblem(res, engine.problem(error, state), engine),
  );
});
server.keepAliveTimeout = 1;

server.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "ready", port: (server.address() as AddressInfo).port });
});

process.on("message", (message: { type: string }) => {
  if (message.type === "redis") process.send?.({ type: "redis", status: redis.status, storeFailures });
  if (message.type === "stop") {
    server.close();
    redis.disconnect();
    process.disconnect?.();
  }
});
