/**
 * What every bench server process shares: its settings (from the environment its parent gives
 * it), binding to 127.0.0.1 on a free port, telling the parent the port, and ending by itself
 * when its time is up or its parent is gone, so that no server outlives a run. The modules of
 * bench/servers only build their app; bench/lib/server-main.mjs serves one of them.
 */
import http from "node:http";
import { PerformanceObserver } from "node:perf_hooks";
import { setInterval, setTimeout } from "node:timers";

/** Settings of a bench server, read from the environment. */
export function benchSettings() {
  const jwksText = process.env.BENCH_JWKS;
  if (jwksText === undefined) throw new Error("BENCH_JWKS (the public JWK set of the bench tokens) is not set; start servers through bench/run.mjs.");
  return {
    jwks: JSON.parse(jwksText),
    /** Set when the server keeps its rate-limit counters in Redis. */
    redisUrl: process.env.BENCH_REDIS_URL || undefined,
    /** Seconds after which the server exits whatever happens. */
    ttlSeconds: Number(process.env.BENCH_TTL ?? 900),
    /** Parts of the Bulwark policy to leave out (the stage-cost measurement); see bulwark-setup.mjs. */
    leaveOut: (process.env.BENCH_LEAVE_OUT ?? "").split(",").filter(Boolean),
  };
}

/** A unique Redis key prefix for this server process (runs never share counters). */
export function redisPrefix(name) {
  return `bench:${name}:${process.pid}:${Date.now().toString(36)}:`;
}

let stopping = false;
const cleanups = [];

/** Registers work to do before the process exits (closing Redis clients). */
export function onStop(cleanup) {
  cleanups.push(cleanup);
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  const timer = setTimeout(() => process.exit(code), 1000);
  timer.unref();
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch {
      // Exiting anyway.
    }
  }
  process.exit(code);
}

/** Makes the process exit after `ttlSeconds`, on SIGTERM/SIGINT, and as soon as its parent is gone. */
function exitWithParent(ttlSeconds) {
  const parent = process.ppid;
  setTimeout(() => stop(0), ttlSeconds * 1000).unref();
  const watch = setInterval(() => {
    // Re-parented (the parent died): stop.
    if (process.ppid !== parent) stop(0);
  }, 500);
  watch.unref();
  if (process.send !== undefined) process.on("disconnect", () => stop(0));
  process.on("SIGTERM", () => stop(0));
  process.on("SIGINT", () => stop(0));
}

/**
 * Serves `server` (what a module of bench/servers exports: `{ name, handler | fastify, missing }`)
 * on 127.0.0.1 on a free port, and announces `{ ready, port, name, missing }` to the parent (IPC
 * message, and one JSON line on stdout). `missing` names the Bulwark stages the built packages do
 * not provide yet.
 */
export async function serve(server) {
  const { ttlSeconds } = benchSettings();
  exitWithParent(ttlSeconds);
  let port;
  if (server.fastify !== undefined) {
    await server.fastify.listen({ host: "127.0.0.1", port: 0 });
    port = server.fastify.server.address().port;
  } else {
    const httpServer = http.createServer(server.handler);
    port = await new Promise((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(0, "127.0.0.1", () => resolve(httpServer.address().port));
    });
  }
  // Garbage-collection time, for the runner to read before and after each measurement.
  const gc = { ms: 0, count: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.ms += entry.duration;
      gc.count++;
    }
  }).observe({ entryTypes: ["gc"] });
  process.on("message", (request) => {
    if (request?.type === "gc" && process.send !== undefined) process.send({ type: "gc", ...gc });
  });
  const message = { ready: true, name: server.name, port, missing: server.missing ?? [] };
  if (process.send !== undefined) process.send(message);
  process.stdout.write(`${JSON.stringify(message)}\n`);
}
