/**
 * Starting and stopping bench server processes from the runner (and the smoke test): each is
 * its own Node process with an IPC channel, so that it exits when the runner does.
 */
import { clearTimeout, setTimeout } from "node:timers";
import { fork } from "node:child_process";
import { URL, fileURLToPath } from "node:url";

const SERVER_MAIN = fileURLToPath(new URL("./server-main.mjs", import.meta.url));

/** The kinds of server, in the order the tables list them. */
export const KINDS = Object.freeze(["bare", "headers", "floor", "bulwark", "peer", "peer-jose"]);
/** The frameworks. */
export const FRAMEWORKS = Object.freeze(["express", "koa", "fastify"]);

/**
 * Starts `servers/<framework>-<kind>.mjs` in its own process (a Bulwark server without the
 * `leaveOut` parts of its policy, when given) and resolves once it listens:
 * `{ name, url, port, missing, stop() }`. Rejects (and kills it) when it does not start in time.
 */
export function startServer(framework, kind, { jwks, redisUrl, leaveOut = [], ttlSeconds = 900, startTimeoutMs = 20_000 }) {
  const env = { ...process.env, BENCH_JWKS: JSON.stringify(jwks), BENCH_TTL: String(ttlSeconds), BENCH_LEAVE_OUT: leaveOut.join(",") };
  delete env.BENCH_REDIS_URL;
  if (redisUrl !== undefined) env.BENCH_REDIS_URL = redisUrl;
  const child = fork(SERVER_MAIN, [`${framework}-${kind}`], { env, stdio: ["ignore", "ignore", "pipe", "ipc"], execArgv: [] });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  function stop() {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const forced = setTimeout(() => child.kill("SIGKILL"), 3000);
    return exited.finally(() => clearTimeout(forced));
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${framework}-${kind} did not start within ${startTimeoutMs} ms.\n${stderr}`));
    }, startTimeoutMs);
    child.once("message", (message) => {
      clearTimeout(timer);
      resolve({
        name: leaveOut.length === 0 ? message.name : `${message.name} without ${leaveOut.join(", ")}`,
        framework,
        kind,
        port: message.port,
        url: `http://127.0.0.1:${message.port}`,
        missing: message.missing ?? [],
        pid: child.pid,
        stop,
        /** Garbage-collection time so far: `{ ms, count }` (NaN when the server does not answer). */
        gcStats: () =>
          new Promise((resolveStats) => {
            const timer = setTimeout(() => resolveStats({ ms: Number.NaN, count: Number.NaN }), 2000);
            const onMessage = (reply) => {
              if (reply?.type !== "gc") return;
              clearTimeout(timer);
              child.off("message", onMessage);
              resolveStats({ ms: reply.ms, count: reply.count });
            };
            child.on("message", onMessage);
            child.send({ type: "gc" });
          }),
        stderr: () => stderr,
      });
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${framework}-${kind} exited before listening (code ${code}, signal ${signal}).\n${stderr}`));
    });
  });
}
