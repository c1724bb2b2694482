#!/usr/bin/env node
/**
 * `pnpm bench`: Bulwark against the bare frameworks and the peer stacks, on Express 5, Koa 3 and
 * Fastify 5. For each framework it starts the servers (each its own process on 127.0.0.1), drives
 * them with autocannon from a separate process, alternating servers within every round, and
 * reports the median (min, max) of req/s and p99 latency with the ratios Bulwark/bare and
 * Bulwark/peer computed within each round. Then it times each core stage (bench/micro.mjs) and,
 * on a full run, writes docs/performance.md.
 *
 * Options:
 *   --quick                 a few seconds per server (2 s measurements, 1 round); writes nothing
 *   --duration=<s>          seconds per measurement (default 10; quick 2)
 *   --rounds=<n>            rounds per scenario (default 3; quick 1)
 *   --warmup=<s>            warm-up seconds per server and scenario (default 2; quick 0.5)
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

/** Runs every scenario of one framework. */
async function benchFramework(framework, options, keys, loader, redisOk, notes) {
  const wanted = options.scenarios.map((name) => ({ name, ...SCENARIOS[name] })).filter((s) => s.store !== "redis" || redisOk);
  // One process per server: `<kind>` with the memory store, `<kind>-redis` with Redis.
  // A stage-cost kind is the Bulwark server with one part of its policy left out; the complete
  // server it is compared with is a fresh process too, not the one that served the other
  // scenarios (whose token cache and heap a long run has filled).
  const keyOf = (kind, scenario) => {
    if (scenario.stages === true) return `${kind}-stages`;
    return scenario.store === "redis" && kind !== "bare" ? `${kind}-redis` : kind;
  };
  const needed = new Map();
  for (const scenario of wanted) {
    for (const kind of scenario.kinds) {
      const leftOut = LEFT_OUT[kind];
      needed.set(keyOf(kind, scenario), { kind: leftOut === undefined ? kind : "bulwark", leaveOut: leftOut === undefined ? [] : [leftOut.part], redis: scenario.store === "redis" && kind !== "bare" });
    }
  }
  const measurements = wanted.reduce((n, s) => n + s.kinds.length, 0) * options.rounds;
  const ttlSeconds = Math.ceil(600 + measurements * (options.duration + 2) + needed.size * 3 * options.warmup);
  const servers = {};
  try {
    for (const [key, { kind, leaveOut, redis }] of needed) {
      servers[key] = await startServer(framework, kind, { jwks: keys.jwks, redisUrl: redis ? options.redisUrl : undefined, leaveOut, ttlSeconds });
    }
    for (const server of Object.values(servers)) {
      if (server.missing.length > 0) {
        const note = `${server.name}: stages not provided by the build, left out: ${server.missing.join("; ")}`;
        notes.push(note);
        log(`  ! ${note}`);
      }
    }
    const results = { servers: Object.fromEntries(Object.entries(servers).map(([k, s]) => [k, { name: s.name, missing: s.missing }])), scenarios: {} };
    const setOf = (scenario) => Object.fromEntries(scenario.kinds.map((kind) => [kind, servers[keyOf(kind, scenario)]]));

    log(`  warm-up (${options.warmup} s per server and scenario)`);
    for (const scenario of wanted) {
      for (const server of Object.values(setOf(scenario))) {
        await loader.run({ url: server.url, scenario: scenario.method, tokens: scenario.tokens, duration: options.warmup, connections: options.connections });
      }
    }

    for (const scenario of wanted) {
      const set = setOf(scenario);
      const { kinds } = scenario;
      const rounds = [];
      for (let round = 0; round < options.rounds; round++) {
        // Alternate the order: each kind takes every place in turn.
        const order = kinds.map((_, i) => kinds[(i + round) % kinds.length]);
        const measured = { order };
        for (const kind of order) {
          measured[kind] = await measure(loader, set[kind], scenario, options.duration, options.connections);
          log(`  ${scenario.name.padEnd(14)} round ${round + 1}  ${set[kind].name.padEnd(24)} ${format(measured[kind])}`);
          await sleep(200);
        }
        rounds.push(measured);
      }
      results.scenarios[scenario.name] = { rounds };
    }
    return results;
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  }
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
 * Times what a middleware pays on Express's request and response objects
 * (bench/express-request-shape.mjs), on a full run.
 */
function runExpressShape(options) {
  const command = "node bench/express-request-shape.mjs";
  if (options.quick || !options.frameworks.includes("express")) return undefined;
  try {
    const output = execFileSync(process.execPath, ["bench/express-request-shape.mjs"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
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
  if (!options.microOnly) run.expressShape = runExpressShape(options);
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
