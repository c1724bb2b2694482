/**
 * Benchmark (not a test): what each part of Bulwark costs inside a running Express 5 server,
 * timed where it runs rather than inferred from throughput.
 *
 *   node bench/express-stages.mjs [--seconds=4] [--rounds=5] [--warmup=2]
 *
 * Four apps serve the hot GET of the main bench (`GET /items/:id`, a pool of 100 valid ES256
 * tokens) on 127.0.0.1 while autocannon loads them: bare (the token's subject read unverified,
 * the id, ownership and allowlist checked by hand), bare with Bulwark's header lines set by a
 * first middleware, bare behind Bulwark with a public policy, and Bulwark with the full policy.
 * Probes read the clock around three windows, and each is reported as ns per request (median
 * over requests, then over rounds; the cost of reading the clock subtracted):
 *
 * - the first middleware, where Bulwark's global layer sits (in the bare app, one that only calls
 *   `next()`);
 * - the route's middleware, where the route guard sits (in the bare app, the checks by hand);
 * - the handler's answer: the payload (the bare app's allowlist by hand) and `res.json`, where
 *   Bulwark's response filter, deny-by-default decision and RateLimit fields run, and the head and
 *   body are written to the socket.
 *
 * What the windows leave out is the rest of the CPU difference the main bench measures: work
 * Express and Node do elsewhere because of what a middleware did (a property added to Express's
 * request or response slows later accesses to it), garbage collection, and the kernel's share.
 */
import process from "node:process";
import autocannon from "autocannon";
import express from "express";
import * as adapter from "@bulwark/express";
import { bulwarkSetup } from "./lib/bulwark-setup.mjs";
import { USERS, items, pickItem, unverifiedSubject, validId } from "./lib/fixtures.mjs";
import { setHeaderLines } from "./lib/bulwark-headers.mjs";
import { createSigningKey, tokenPool, tokenSigner } from "./lib/tokens.mjs";

const argument = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const SECONDS = argument("seconds", 4);
const ROUNDS = argument("rounds", 5);
const WARMUP_SECONDS = argument("warmup", 2);
const WINDOWS = ["global", "route", "json"];
const now = process.hrtime.bigint;

/** Clock probes: a window opens and closes within one request's synchronous run, or is dropped. */
function probes() {
  const samples = Object.fromEntries(WINDOWS.map((w) => [w, []]));
  let openedFor;
  let openedAt = 0n;
  const open = (req) => {
    openedFor = req;
    openedAt = now();
  };
  const close = (window, req) => {
    const elapsed = now() - openedAt;
    // Another request's probe ran in between (something waited): not one request's window.
    if (openedFor === req) samples[window].push(Number(elapsed));
    openedFor = undefined;
  };
  return {
    samples,
    before: (req, _res, next) => (open(req), next()),
    after: (window) => (req, _res, next) => (close(window, req), next()),
    /** Answers with what `payloadOf` returns, computed inside the window (a pick by hand, or none). */
    json(req, res, payloadOf) {
      open(req);
      res.json(payloadOf());
      close("json", req);
    },
  };
}

const passOn = (_req, _res, next) => next();

function identify(req, res, next) {
  const subject = unverifiedSubject(req.headers.authorization);
  if (subject === undefined) return res.status(401).json({ error: "unauthorized" });
  req.subject = subject;
  next();
}

// The item the hand checks found, for the handler that runs next in the same synchronous run (a
// property on Express's request would cost the bare app what the bare server does not pay).
let checkedItem;

/** The bare server's checks by hand (servers/express-bare.mjs), as a route middleware. */
function handChecks(req, res, next) {
  if (!validId(req.params.id)) return res.status(400).json({ error: "invalid id" });
  const item = items.get(req.params.id);
  if (item === undefined || item.owner !== req.subject) return res.status(404).json({ error: "not found" });
  checkedItem = item;
  next();
}

/** The bare handler: the allowlist by hand, inside the `res.json` window. */
const bareHandler = (probe) => (req, res) => probe.json(req, res, () => pickItem(checkedItem));

/** One app: `first` in the global layer's place, `guard` in the route guard's, then `handler`. */
function probedApp(probe, first, guard, handler, last = []) {
  const app = express();
  app.disable("x-powered-by");
  app.use(probe.before, first, probe.after("global"));
  app.get("/items/:id", probe.before, guard, probe.after("route"), handler);
  for (const handlers of last) app.use(handlers);
  return app;
}

const apps = {
  bare: () => {
    const probe = probes();
    return { probe, app: probedApp(probe, passOn, [identify, handChecks], bareHandler(probe)) };
  },
  "header lines": () => {
    const probe = probes();
    const lines = (_req, res, next) => (setHeaderLines(res), next());
    return { probe, app: probedApp(probe, lines, [identify, handChecks], bareHandler(probe)) };
  },
  "Bulwark, public policy": () => {
    const probe = probes();
    const { secure, errors } = adapter.bulwark();
    const guard = [secure({ public: true }), identify, handChecks];
    return { probe, app: probedApp(probe, secure(), guard, bareHandler(probe), [errors()]) };
  },
  "Bulwark, full policy": async (jwks) => {
    const probe = probes();
    const { config, getPolicy, missing } = await bulwarkSetup(adapter, { jwks }, "express-stages");
    if (missing.length > 0) throw new Error(`the full policy is missing ${missing.join(", ")}`);
    const { secure, errors } = adapter.bulwark(config);
    const handler = (req, res) => probe.json(req, res, () => req.bulwark.resource);
    return { probe, app: probedApp(probe, secure(), secure(getPolicy), handler, [errors()]) };
  },
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function clockCost() {
  const costs = [];
  for (let i = 0; i < 100_000; i++) {
    const t = now();
    costs.push(Number(now() - t));
  }
  return median(costs);
}

/** Loads `app` (warm-up, then one measurement) and returns the median ns of each window. */
async function measure({ app, probe }, tokens) {
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  let next = 0;
  const requests = [{
    setupRequest(request) {
      const user = next++ % USERS;
      request.method = "GET";
      request.path = `/items/item-${user}`;
      request.headers = { authorization: `Bearer ${tokens[user]}` };
      return request;
    },
  }];
  const url = `http://127.0.0.1:${server.address().port}`;
  try {
    await autocannon({ url, connections: 10, duration: WARMUP_SECONDS, requests });
    for (const list of Object.values(probe.samples)) list.length = 0;
    const result = await autocannon({ url, connections: 10, duration: SECONDS, requests });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors`);
    const empty = WINDOWS.filter((w) => probe.samples[w].length === 0);
    if (empty.length > 0) throw new Error(`no request was timed in ${empty.join(", ")}`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
  return Object.fromEntries(WINDOWS.map((w) => [w, { ns: median(probe.samples[w]), count: probe.samples[w].length }]));
}

const { privateJwk, jwks } = createSigningKey();
const tokens = tokenPool(tokenSigner(privateJwk), USERS);
const names = Object.keys(apps);
const rounds = Object.fromEntries(names.map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const name of round % 2 === 0 ? names : [...names].reverse()) {
    rounds[name].push(await measure(await apps[name](jwks), tokens));
  }
}
const clock = clockCost();

const table = Object.fromEntries(names.map((name) => [name, Object.fromEntries(WINDOWS.map((w) => [w, Math.max(0, median(rounds[name].map((r) => r[w].ns)) - clock)]))]));
const label = { global: "first middleware (global layer's place)", route: "route middleware (route guard's place)", json: "the answer (payload, res.json)" };
const width = 42;
console.log(`Node ${process.version}, Express 5, hot GET /items/:id; ns per request inside each window (median over requests, then over ${ROUNDS} rounds of ${SECONDS} s), clock cost ${clock} ns subtracted`);
console.log(`${"".padEnd(width)}${names.map((n) => n.padStart(24)).join("")}`);
for (const w of WINDOWS) console.log(`${label[w].padEnd(width)}${names.map((n) => String(table[n][w]).padStart(24)).join("")}`);
const total = (name) => WINDOWS.reduce((sum, w) => sum + table[name][w], 0);
console.log(`${"all three windows".padEnd(width)}${names.map((n) => String(total(n)).padStart(24)).join("")}`);
console.log("over bare:");
for (const w of WINDOWS) console.log(`${`  ${label[w]}`.padEnd(width)}${names.map((n) => String(table[n][w] - table.bare[w]).padStart(24)).join("")}`);
console.log(`${"  all three windows".padEnd(width)}${names.map((n) => String(total(n) - total("bare")).padStart(24)).join("")}`);
const counted = names.map((n) => median(rounds[n].map((r) => r.global.count)));
console.log(`${"requests timed (median per round)".padEnd(width)}${counted.map((c) => c.toLocaleString("en-US").padStart(24)).join("")}`);
process.exit(0);
