#!/usr/bin/env node
/**
 * `pnpm bench`: Bulwark against the bare frameworks and the peer stacks, on Express 5, Koa 3 and
 * Fastify 5. For each framework and scenario, every round starts the servers afresh (each its own
 * process on 127.0.0.1), warms them up and drives them with autocannon from a separate process,
 * alternating their order from round to round, and
 * reports the median (min, max) of req/s and p99 latency with the ratios Bulwark/bare and
 * Bulwark/peer computed within each round. Then it times each core stage (bench/micro.mjs) and,
 * on a full run, writes docs/performance.md.
 *
 * Options:
 *   --quick                 a few seconds per server (2 s measurements, 1 round); writes nothing
 *   --duration=<s>          seconds per measurement (default 10; quick 2)
 *   --rounds=<n>            rounds per scenario (default 3; quick 1)
 *   --warmup=<s>            warm-up seconds per server and round (default 2; quick 0.5)
 *   --connections=<n>       autocannon connections (default 50)
 *   --frameworks=<list>     express,koa,fastify (default all)
 *   --scenarios=<list>      get-hot,post-hot,get-cold,get-hot-redis,get-hot-stages (default all);
 *                           get-hot-stages runs the Bulwark server again with one part of its
 *                           policy left out at a time, for what each part costs in the server
 *   --cold-pool=<n>         tokens signed for cold mode (default 60000; quick 20000)
 *   --redis-url=<url>       Redis for the Redis scenario (default $REDIS_URL or redis://127.0.0.1:6379)
 *   --no-redis              skip the Redis scenario and micro-benchmarks
 *   --no-micro              skip the micro-benchmarks
 *   --micro-only            only the micro-benchmarks
 *   --write / --no-write    write docs/performance.md (default: on a full run only)
 *   --out=<file>            where to write the report (default docs/performance.md)
 *   --json=<file>           also save the raw results as JSON
 */
import { fork, execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { URL, fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { machineInfo } from "./lib/machine.mjs";
import { FRAMEWORKS, startServer } from "./lib/server-control.mjs";
import { createSigningKey } from "./lib/tokens.mjs";
import { consoleReport, LEFT_OUT, markdownReport, SCENARIOS } from "./lib/report.mjs";

const BENCH_DIR = fileURLToPath(new URL("./", import.meta.url));
const ROOT = fileURLToPath(new URL("../", import.meta.url));

function parseArgs(argv) {
  const flags = new Map();
  for (const arg of argv) {
    if (arg === "--") continue;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new Error(`Unknown argument ${arg}; see the options at the top of bench/run.mjs.`);
    flags.set(match[1], match[2] ?? true);
  }
  const known = ["quick", "duration", "rounds", "warmup", "connections", "frameworks", "only", "scenarios", "cold-pool", "redis-url", "no-redis", "no-micro", "micro-only", "write", "no-write", "out", "json", "help"];
  for (const name of flags.keys()) if (!known.includes(name)) throw new Error(`Unknown option --${name}; known: ${known.map((k) => `--${k}`).join(", ")}.`);
  const quick = flags.has("quick");
  const number = (name, fallback) => {
    if (!flags.has(name)) return fallback;
    const value = Number(flags.get(name));
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number.`);
    return value;
  };
  const list = (name, all) => {
    const value = flags.get(name);
    if (value === undefined || value === true) return [...all];
    const chosen = String(value).split(",").map((s) => s.trim()).filter(Boolean);
    for (const item of chosen) if (!all.includes(item)) throw new Error(`--${name}: ${item} is not one of ${all.join(", ")}.`);
    return chosen;
  };
  return {
    help: flags.has("help"),
    quick,
    duration: number("duration", quick ? 2 : 10),
    rounds: Math.round(number("rounds", quick ? 1 : 3)),
    warmup: number("warmup", quick ? 0.5 : 2),
    connections: Math.round(number("connections", 50)),
    frameworks: list(flags.has("only") ? "only" : "frameworks", FRAMEWORKS),
    scenarios: list("scenarios", Object.keys(SCENARIOS)),
    coldPool: Math.round(number("cold-pool", quick ? 20_000 : 60_000)),
    redisUrl: flags.has("no-redis") ? undefined : String(flags.get("redis-url") ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379"),
    micro: !flags.has("no-micro"),
    microOnly: flags.has("micro-only"),
    write: flags.has("write") ? true : flags.has("no-write") ? false : !quick,
    out: String(flags.get("out") ?? "docs/performance.md"),
    json: flags.has("json") ? String(flags.get("json")) : undefined,
  };
}

const log = (line) => process.stdout.write(`${line}\n`);

/** True when Redis answers at `url` within a second. */
async function redisReachable(url) {
  const { default: Redis } = await import("ioredis");
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Deletes the counters the bench servers left in Redis (all under `bench:`). */
async function cleanRedis(url) {
  const { default: Redis } = await import("ioredis");
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", "bench:*", "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== "0");
  } finally {
    await client.quit();
  }
}

/** The load generator process. */
function startLoader(privateJwk, coldPool) {
  const child = fork(`${BENCH_DIR}lib/load-generator.mjs`, [], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [] });
  let waiting;
  child.on("message", (message) => {
    const pending = waiting;
    waiting = undefined;
    if (message.type === "error") pending?.reject(new Error(message.message));
    else pending?.resolve(message);
  });
  child.on("exit", (code) => waiting?.reject(new Error(`the load generator exited (code ${code})`)));
  const ask = (message) =>
    new Promise((resolve, reject) => {
      waiting = { resolve, reject };
      child.send(message);
    });
  return {
    ready: ask({ type: "init", privateJwk, coldPool }),
    run: async (options) => (await ask({ type: "run", options })).result,
    stop: () => child.kill(),
  };
}

const CLOCK_TICKS = Number((() => {
  try {
    return execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim();
  } catch {
    return "100";
  }
})());

/** CPU seconds a process has used so far in user space and in the kernel (Linux), or NaN. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { user: Number(fields[11]) / CLOCK_TICKS, system: Number(fields[12]) / CLOCK_TICKS };
  } catch {
    return { user: Number.NaN, system: Number.NaN };
  }
}

/** One measurement of `server` in `scenario`, with the server's CPU use (share of one core). */
async function measure(loader, server, scenario, duration, connections) {
  const gcBefore = await server.gcStats();
  const before = cpuSeconds(server.pid);
  const result = await loader.run({ url: server.url, scenario: scenario.method, tokens: scenario.tokens, duration, connections });
  const after = cpuSeconds(server.pid);
  const gcAfter = await server.gcStats();
  result.gcUsPerRequest = ((gcAfter.ms - gcBefore.ms) * 1000) / result.requests;
  result.serverUserCpu = (after.user - before.user) / result.seconds;
  result.serverSystemCpu = (after.system - before.system) / result.seconds;
  result.serverCpu = result.serverUserCpu + result.serverSystemCpu;
  return result;
}

function format(result) {
  const flags = [];
  if (result.non2xx > 0) flags.push(`${result.non2xx} non-2xx`);
  if (result.errors > 0) flags.push(`${result.errors} errors`);
  if (result.timeouts > 0) flags.push(`${result.timeouts} timeouts`);
  const perRequest = `${Math.round((result.serverCpu * 1e6) / result.rps)} µs CPU/req, GC ${result.gcUsPerRequest.toFixed(1)} µs/req`;
  return `${Math.round(result.rps).toString().padStart(7)} req/s  p99 ${String(result.p99).padStart(4)} ms  ${perRequest}  cpu server ${Math.round(result.serverCpu * 100)}% loader ${Math.round(result.loaderCpu * 100)}%${flags.length > 0 ? `  ${flags.join(", ")}` : ""}`;
}

/** How each server of `scenario` starts: `<kind>`, the Bulwark server without a part, or on Redis. */
function serverPlan(kind, scenario) {
  const leftOut = LEFT_OUT[kind];
  const redis = scenario.store === "redis" && kind !== "bare";
  return { kind: leftOut === undefined ? kind : "bulwark", leaveOut: leftOut === undefined ? [] : [leftOut.part], redis };
}

/**
 * Starts the servers of one round of `scenario`, each a new process, and resolves to
 * `{ <kind>: server }`. Should one fail to start, the others are stopped before the error goes on.
 */
async function startRoundServers(framework, scenario, options, keys) {
  // Long enough for one round (warm-up and measurements) with room to spare; the runner stops them sooner.
  const ttlSeconds = Math.ceil(600 + scenario.kinds.length * (options.warmup + options.duration + 2));
  const started = await Promise.allSettled(
    scenario.kinds.map((kind) => {
      const { kind: serverKind, leaveOut, redis } = serverPlan(kind, scenario);
      return startServer(framework, serverKind, { jwks: keys.jwks, redisUrl: redis ? options.redisUrl : undefined, leaveOut, ttlSeconds });
    }),
  );
  const failed = started.find((result) => result.status === "rejected");
  if (failed !== undefined) {
    await Promise.all(started.filter((result) => result.status === "fulfilled").map((result) => result.value.stop()));
    throw failed.reason;
  }
  return Object.fromEntries(scenario.kinds.map((kind, i) => [kind, started[i].value]));
}

/**
 * Runs every scenario of one framework. Each round starts its servers afresh: a process's speed
 * varies by several percent from one start to the next (what the JIT compiles, where the heap
 * lands), and servers kept for a whole run would carry one start's luck into every round.
 */
async function benchFramework(framework, options, keys, loader, redisOk, notes) {
  const wanted = options.scenarios.map((name) => ({ name, ...SCENARIOS[name] })).filter((s) => s.store !== "redis" || redisOk);
  const results = { servers: {}, scenarios: {} };
  for (const scenario of wanted) {
    const rounds = [];
    for (let round = 0; round < options.rounds; round++) {
      const set = await startRoundServers(framework, scenario, options, keys);
      try {
        for (const [kind, server] of Object.entries(set)) {
          const key = `${scenario.name}:${kind}`;
          if (results.servers[key] !== undefined) continue;
          results.servers[key] = { name: server.name, missing: server.missing };
          if (server.missing.length > 0) {
            const note = `${server.name}: stages not provided by the build, left out: ${server.missing.join("; ")}`;
            notes.push(note);
            log(`  ! ${note}`);
          }
        }
        for (const server of Object.values(set)) {
          await loader.run({ url: server.url, scenario: scenario.method, tokens: scenario.tokens, duration: options.warmup, connections: options.connections });
        }
        // Alternate the order: each kind takes every place in turn.
        const order = scenario.kinds.map((_, i) => scenario.kinds[(i + round) % scenario.kinds.length]);
        const measured = { order };
        for (const kind of order) {
          measured[kind] = await measure(loader, set[kind], scenario, options.duration, options.connections);
          log(`  ${scenario.name.padEnd(14)} round ${round + 1}  ${set[kind].name.padEnd(24)} ${format(measured[kind])}`);
          await sleep(200);
        }
        rounds.push(measured);
      } finally {
        await Promise.all(Object.values(set).map((server) => server.stop()));
      }
    }
    results.scenarios[scenario.name] = { rounds };
  }
  return results;
}

/** Runs bench/micro.mjs in its own process. */
function runMicro(options) {
  const args = [`${BENCH_DIR}micro.mjs`, "--json"];
  if (options.quick) args.push("--quick");
  if (options.redisUrl === undefined) args.push("--no-redis");
  else args.push(`--redis-url=${options.redisUrl}`);
  const output = execFileSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(output.trim().split("\n").at(-1));
}

/**
 * Runs the memory stores' one-million-keys measurement (bench/memory-store-keys.ts, kept by the
 * rate-limiting feature) when it exists, on a full run.
 */
function runMemoryStoreKeys(options) {
  const script = ["memory-store-keys.ts", "memory-store-keys.mjs"].find((f) => existsSync(`${BENCH_DIR}${f}`));
  if (script === undefined) return { available: false };
  if (options.quick) return { available: true, script, skipped: "not run with --quick" };
  const args = ["--expose-gc", ...(script.endsWith(".ts") ? ["--import", "tsx"] : []), `bench/${script}`];
  try {
    const output = execFileSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 900_000, maxBuffer: 16 * 1024 * 1024 });
    return { available: true, script, command: `node ${args.join(" ")}`, output: output.trim() };
  } catch (error) {
    return { available: true, script, command: `node ${args.join(" ")}`, error: String(error.stderr || error.message).slice(0, 2000) };
  }
}

/**
 * Runs one of the Express timing scripts on a full run that includes Express (bench/express-request-shape.mjs:
 * what a middleware pays on Express's objects; bench/express-stages.mjs: each part of Bulwark timed
 * inside the server), and keeps its output for the report.
 */
function runExpressScript(options, script, timeoutMs) {
  const command = `node bench/${script}`;
  if (options.quick || !options.frameworks.includes("express")) return undefined;
  try {
    const output = execFileSync(process.execPath, [`bench/${script}`], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    return { command, output: output.trim() };
  } catch (error) {
    return { command, error: String(error.stderr || error.message).slice(0, 2000) };
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    log(readFileSync(fileURLToPath(import.meta.url), "utf8").split("*/")[0]);
    return;
  }
  // Where the results are saved does not change them, and a local path does not belong in the report.
  const command = ["pnpm bench", ...process.argv.slice(2).filter((a) => a !== "--" && !/^--(json|out)=/.test(a))].join(" ");
  const info = machineInfo();
  log(`Bulwark bench: ${command}`);
  log(`${info.cores} cores, ${info.cpu}, ${info.memoryGiB} GiB, load ${info.loadAtStart.join(" ")}; Node ${info.node}`);
  const notes = [];
  const run = { command, info, options, frameworks: {}, micro: undefined, memory: undefined, notes };

  let redisOk = false;
  if (options.redisUrl !== undefined) {
    redisOk = await redisReachable(options.redisUrl);
    if (!redisOk) {
      const note = `Redis is not reachable at ${options.redisUrl.replace(/\/\/[^@]*@/, "//")}: the Redis scenario and micro-benchmarks were skipped.`;
      notes.push(note);
      log(`! ${note}`);
    }
  }
  if (!redisOk) options.redisUrl = undefined;

  if (!options.microOnly) {
    const keys = createSigningKey();
    log(`signing ${options.coldPool} cold tokens and 100 hot ones (not measured)...`);
    const loader = startLoader(keys.privateJwk, options.coldPool);
    try {
      await loader.ready;
      for (const framework of options.frameworks) {
        log(`\n${framework}`);
        run.frameworks[framework] = await benchFramework(framework, options, keys, loader, redisOk, notes);
      }
    } finally {
      loader.stop();
    }
  }
  if (options.micro) {
    log("\nmicro-benchmarks of the core stages");
    run.micro = runMicro(options);
    for (const line of run.micro.missing) notes.push(`micro-benchmark stage missing: ${line}`);
  }
  if (!options.microOnly) run.memory = runMemoryStoreKeys(options);
  if (!options.microOnly) run.expressShape = runExpressScript(options, "express-request-shape.mjs", 120_000);
  if (!options.microOnly) run.expressStages = runExpressScript(options, "express-stages.mjs", 300_000);
  if (redisOk) await cleanRedis(options.redisUrl);

  log(`\n${consoleReport(run)}`);
  if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify(run, null, 2)}\n`);
  if (options.write) {
    const out = options.out.startsWith("/") ? options.out : `${ROOT}${options.out}`;
    writeFileSync(out, markdownReport(run));
    log(`\nwrote ${options.out}`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
