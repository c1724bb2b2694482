/**
 * TEST ONLY: app instances as separate processes (`shared-limit-server.ts` forked with
 * `--import tsx`), and a plain HTTP client to load them concurrently.
 */
import { fork, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import path from "node:path";
import { repositoryRoot } from "./corpora.js";

/** What an instance is started with. */
export interface InstanceSettings {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly rateLimit: unknown;
  readonly rateLimiting?: unknown;
}

/** One running instance. */
export interface Instance {
  readonly port: number;
  /** Its Redis client's status and how many store failures it reported. */
  redis(): Promise<{ status: string; storeFailures: number }>;
  /** Stops it and waits for the process to exit. */
  stop(): Promise<void>;
}

/** Forks `count` instances and waits until each listens. */
export async function startInstances(count: number, settings: InstanceSettings): Promise<Instance[]> {
  const script = path.join(__dirname, "shared-limit-server.ts");
  return Promise.all(Array.from({ length: count }, () => startOne(script, settings)));
}

function startOne(script: string, settings: InstanceSettings): Promise<Instance> {
  const child: ChildProcess = fork(script, [], {
    cwd: repositoryRoot(),
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BULWARK_TEST_SERVER: JSON.stringify({ rateLimiting: {}, ...settings }) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`instance exited early (${String(code)})`)));
    child.on("message", function ready(message: { type: string; port?: number }) {
      if (message.type !== "ready") return;
      child.off("message", ready);
      child.removeAllListeners("exit");
      resolve({
        port: message.port!,
        redis: () =>
          new Promise((answer) => {
            child.on("message", function status(reply: { type: string; status: string; storeFailures: number }) {
              if (reply.type !== "redis") return;
              child.off("message", status);
              answer({ status: reply.status, storeFailures: reply.storeFailures });
            });
            child.send({ type: "redis" });
          }),
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.send({ type: "stop" });
          }),
      });
    });
  });
}

/** GET `/` on 127.0.0.1:`port` on a fresh connection; resolves with the status. */
export function getStatus(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = request({ host: "127.0.0.1", port, path: "/", method: "GET", agent: false }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    call.on("error", reject);
    call.end();
  });
}

/** Sends `perInstance` requests to each instance, all at once, interleaved; statuses by instance. */
export async function loadAll(instances: readonly Instance[], perInstance: number): Promise<number[][]> {
  const pending: Promise<number>[][] = instances.map(() => []);
  for (let i = 0; i < perInstance; i++) {
    instances.forEach((instance, n) => pending[n]!.push(getStatus(instance.port)));
  }
  return Promise.all(pending.map((list) => Promise.all(list)));
}

/** Polls `check` every 50 ms until it holds (the test's own timeout bounds the wait). */
export async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}
