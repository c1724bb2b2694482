/**
 * Micro-benchmarks of each stage of Bulwark's core, in nanoseconds per operation, on the built
 * `@bulwark/core` (as an app would load it). Run by `bench/run.mjs`, or alone:
 * `node bench/micro.mjs [--quick] [--json] [--redis-url=redis://127.0.0.1:6379] [--no-redis]`.
 *
 * Stages that need a request state are timed as "start + stage", sample by sample in turn with
 * the same engine's start alone, and reported as the median of the per-sample differences, so each
 * line is the stage alone and both parts saw the same conditions. Each figure is the median of
 * several samples; async stages are awaited one after the other (their promise overhead is part of
 * them).
 */
import { Buffer } from "node:buffer";
import { createPublicKey } from "node:crypto";
import http from "node:http";
import { createRequire } from "node:module";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import * as core from "@bulwark/core";
import { createLocalJWKSet, jwtVerify } from "jose";
import { AUDIENCE, BODY_SCHEMA, ISSUER, ITEM_FIELDS, LIMIT_POINTS, LIMIT_WINDOW_SECONDS, PARAMS_SCHEMA, items } from "./lib/fixtures.mjs";
import { median } from "./lib/stats.mjs";
import { createSigningKey, tokenSigner } from "./lib/tokens.mjs";

const args = new Set(process.argv.slice(2));
const quick = args.has("--quick");
const redisArg = process.argv.find((a) => a.startsWith("--redis-url="));
const redisUrl = args.has("--no-redis") ? undefined : (redisArg?.slice("--redis-url=".length) ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const SAMPLES = quick ? 3 : 7;
const SAMPLE_MS = quick ? 80 : 250;

/**
 * Times `fn` (awaited when `async`): `{ ns, cpuNs }` per call, each the median of SAMPLES samples.
 * Wall time and CPU time differ where a stage waits (a Redis round trip) or works on other threads
 * (WebCrypto signature checks run on libuv's thread pool: their CPU time counts, their wait does not).
 */
async function time(fn, async) {
  return (await timeTogether([fn], async))[0];
}

/**
 * Times several functions sample by sample in turn, so that they see the same conditions (on a
 * shared machine, two stages timed one after the other can see different loads).
 */
async function timeTogether(fns, async) {
  return (await sampleTogether(fns, async)).map(({ wall, cpu }) => ({ ns: median(wall), cpuNs: median(cpu) }));
}

/** The per-call samples behind {@link timeTogether}: `{ wall, cpu }` arrays of ns, one entry per sample. */
async function sampleTogether(fns, async) {
  const samples = fns.map(() => ({ wall: [], cpu: [] }));
  const batch = async ? 16 : 64;
  for (let s = 0; s <= SAMPLES; s++) {
    for (let f = 0; f < fns.length; f++) {
      const fn = fns[f];
      let n = 0;
      const cpuStart = process.cpuUsage();
      const start = process.hrtime.bigint();
      const end = start + BigInt(SAMPLE_MS * 1e6);
      let now;
      do {
        if (async) for (let i = 0; i < batch; i++) await fn();
        else for (let i = 0; i < batch; i++) fn();
        n += batch;
        now = process.hrtime.bigint();
      } while (now < end);
      const used = process.cpuUsage(cpuStart);
      if (s === 0) continue; // the first sample warms up
      samples[f].wall.push(Number(now - start) / n);
      samples[f].cpu.push(((used.user + used.system) * 1000) / n);
    }
  }
  return samples;
}

/**
 * Times a stage that needs a request state: `start` then `stage` on the state it returns, and
 * `start` alone, in turn, sample by sample, both awaited; returns the median of the per-sample
 * differences (never below 0).
 */
async function timeStage(start, stage) {
  const [whole, startOnly] = await sampleTogether([() => stage(start()), start], true);
  const difference = (a, b) => Math.max(0, median(a.map((value, i) => value - b[i])));
  return { ns: difference(whole.wall, startOnly.wall), cpuNs: difference(whole.cpu, startOnly.cpu) };
}
const timeSync = (fn) => time(fn, false);
const timeAsync = (fn) => time(fn, true);

const { privateJwk, jwks } = createSigningKey();
const token = tokenSigner(privateJwk)(3, 1);
const sink = { setHeader() {}, removeHeader() {} };
const bodyText = JSON.stringify({ title: "Item from user 3", price: 12.5, tags: ["bench", "new"] });
const bodyBytes = Buffer.from(bodyText);

/** A normalised request as an adapter builds it. */
function securityRequest({ method = "GET", url = "/items/item-103", body = false } = {}) {
  const headers = { host: "127.0.0.1:3000", "user-agent": "autocannon", accept: "*/*", authorization: `Bearer ${token}` };
  if (body) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(bodyBytes.length);
  }
  const rawHeaders = Object.entries(headers).flat();
  const queryStart = url.indexOf("?");
  return {
    method, url, path: queryStart === -1 ? url : url.slice(0, queryStart), route: undefined, headers, rawHeaders,
    params: {}, query: {}, body: undefined, remoteAddress: "127.0.0.1", encrypted: false,
  };
}

const jwtOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: ["ES256"], jwks };
const globalLimit = { points: LIMIT_POINTS, duration: LIMIT_WINDOW_SECONDS };
const perUser = { points: LIMIT_POINTS, duration: LIMIT_WINDOW_SECONDS, by: "principal", name: "per-user" };
const owns = { load: (request) => items.get(request.params.id), owner: (item) => item.owner };
const getPolicy = { params: PARAMS_SCHEMA, owns, response: { fields: ITEM_FIELDS }, rateLimit: perUser };
const postPolicy = { body: BODY_SCHEMA, rateLimit: perUser };
const item = items.get("item-103");

const results = [];
const missing = [];
/** Records a timing. */
function record(group, stage, { ns, cpuNs }) {
  results.push({ group, stage, ns, cpuNs });
  if (!args.has("--json")) process.stderr.write(`${stage.padEnd(66)} ${Math.round(ns).toString().padStart(9)} ns  ${Math.round(cpuNs).toString().padStart(9)} ns CPU\n`);
}

/** Runs `fn`, recording a missing stage instead of failing when the build lacks it. */
async function stage(name, fn) {
  try {
    await fn();
  } catch (error) {
    missing.push(`${name}: ${String(error?.problems?.join(" ") ?? error?.message ?? error).slice(0, 160)}`);
  }
}

let redis;
if (redisUrl !== undefined) {
  const { default: Redis } = await import("ioredis");
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1000 });
  try {
    await client.connect();
    await client.ping();
    redis = client;
  } catch (error) {
    missing.push(`Redis stages: no Redis at the given URL (${error.message})`);
    client.disconnect();
  }
}
const prefix = `bench:micro:${process.pid}:`;

// ---- Request start and transport ----
const plain = core.createEngine({}, core.FEATURES);
const getRequest = securityRequest();
record("request", "start: request id, security headers, context", await timeSync(() => plain.start(getRequest, sink)));

await stage("security headers on a Node response", async () => {
  // Real ServerResponse objects (no socket is written): what setting the headers costs in Node.
  const responses = Array.from({ length: 512 }, () => new http.ServerResponse(new http.IncomingMessage(new net.Socket())));
  let i = 0;
  const ns = await timeSync(() => {
    const res = responses[i++ & 511];
    plain.start(getRequest, new core.NodeResponseSink(res));
  });
  const count = responses[0].getHeaderNames().length;
  record("request", `start with ${count} security headers set on a Node response`, ns);
});

await stage("transport checks", async () => {
  const noBody = { kind: "parsed", value: undefined };
  const ns = await timeStage(() => plain.start(getRequest, sink), (state) => plain.global(state, noBody));
  record("request", "global layer, GET: URL, query, content-type checks (no auth)", ns);
  const withQuery = securityRequest({ url: "/items/item-103?page=2&sort=price&fields=id,title" });
  const nsQuery = await timeStage(() => plain.start(withQuery, sink), (state) => plain.global(state, noBody));
  record("request", "global layer, GET with a 3-parameter query (no auth)", nsQuery);
});

await stage("body parse", async () => {
  const limits = plain.config.limits;
  record("request", `body parse: JSON (${bodyBytes.length} bytes) with depth/size/key checks`, await timeSync(() => core.parseBody(bodyBytes, "json", limits)));
  record("request", "body parse: JSON.parse alone (reference)", await timeSync(() => JSON.parse(bodyText)));
});

// ---- Authentication ----
let principal;
await stage("JWT", async () => {
  const cold = core.jwt({ ...jwtOptions, cache: false });
  const hot = core.jwt(jwtOptions);
  const services = plain.config.services;
  // The cache keeps a token from its second verification on.
  principal = await hot.authenticate(getRequest, services);
  await hot.authenticate(getRequest, services);
  const keySet = createLocalJWKSet(jwks);
  const joseOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: ["ES256"] };
  const [bulwarkCold, joseAlone] = await timeTogether([() => cold.authenticate(getRequest, services), () => jwtVerify(token, keySet, joseOptions)], true);
  record("auth", "JWT ES256 verify, cold (signature checked)", bulwarkCold);
  record("auth", "jose jwtVerify alone, same token (reference)", joseAlone);
  record("auth", "JWT verified-token cache hit", await timeAsync(() => hot.authenticate(getRequest, services)));
});

await stage("peer verifiers", async () => {
  // The verifiers the peer stacks use, reached through their packages (they are not Bulwark's).
  const require = createRequire(import.meta.url);
  const jsonwebtoken = createRequire(require.resolve("express-jwt"))("jsonwebtoken");
  const { createVerifier } = createRequire(require.resolve("@fastify/jwt"))("fast-jwt");
  const publicKey = createPublicKey({ key: jwks.keys[0], format: "jwk" });
  const options = { algorithms: ["ES256"], issuer: ISSUER, audience: AUDIENCE };
  const fastJwt = createVerifier({ key: publicKey.export({ type: "spki", format: "pem" }), algorithms: ["ES256"], allowedIss: ISSUER, allowedAud: AUDIENCE });
  const keySet = createLocalJWKSet(jwks);
  const joseOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: ["ES256"] };
  // Timed together with jose, so that the three verifiers are compared under the same load.
  const [viaJsonwebtoken, viaFastJwt, viaJose] = await timeTogether([
    () => jsonwebtoken.verify(token, publicKey, options),
    () => fastJwt(token),
    () => jwtVerify(token, keySet, joseOptions),
  ], true);
  record("auth", "jsonwebtoken verify, ES256 (express-jwt, koa-jwt; reference)", viaJsonwebtoken);
  record("auth", "fast-jwt verify, ES256 (@fastify/jwt; reference)", viaFastJwt);
  record("auth", "jose jwtVerify, timed with the two above (reference)", viaJose);
});

// ---- Rate limiting ----
async function limitStage(label, store) {
  const engine = core.createEngine(store === undefined ? {} : { store }, core.FEATURES);
  const guard = engine.compile({ public: true, rateLimit: { ...globalLimit, by: "ip" } });
  record("ratelimit", label, await timeStage(() => engine.start(getRequest, sink), (state) => guard.run(state)));
}
await stage("rate limit (memory)", () => limitStage("rate-limit consume, memory (key, consume, headers)", undefined));
if (redis !== undefined) {
  await stage("rate limit (Redis)", () => limitStage("rate-limit consume, Redis (one round trip)", core.redisStore(redis, { prefix })));
  await stage("store get (Redis)", async () => {
    const store = core.redisStore(redis, { prefix });
    record("ratelimit", "store get, Redis (reference: one round trip)", await timeAsync(() => store.get("absent")));
  });
}
await stage("store get (memory)", async () => {
  const store = core.memoryStore();
  record("ratelimit", "store get, memory (reference)", await timeAsync(() => store.get("absent")));
});

// ---- Authorization, validation, output ----
const auth = { authenticate: [core.jwt(jwtOptions)] };

/** A started request of `engine` (the GET request), signed in as the bench's principal, with `fields` set on its request. */
function signedInState(engine, fields = {}) {
  const state = engine.start(getRequest, sink);
  state.context.principal = principal;
  Object.assign(state.request, fields);
  return state;
}

await stage("validation", async () => {
  const engine = core.createEngine(auth, core.FEATURES);
  const params = engine.compile({ params: PARAMS_SCHEMA });
  const body = engine.compile({ body: BODY_SCHEMA });
  const parsed = JSON.parse(bodyText);
  const withParams = () => signedInState(engine, { params: { id: "item-103" } });
  const withBody = () => signedInState(engine, { body: parsed });
  record("policy", "validation: params (ajv, compiled at startup)", await timeStage(withParams, (state) => params.run(state)));
  record("policy", "validation: body (ajv, compiled at startup)", await timeStage(withBody, (state) => body.run(state)));
});

await stage("ownership", async () => {
  const engine = core.createEngine(auth, core.FEATURES);
  const guard = engine.compile({ owns });
  const started = () => signedInState(engine, { params: { id: "item-103" } });
  record("policy", "ownership: load, owner check, enumeration check (memory)", await timeStage(started, (state) => guard.run(state)));
});

await stage("response filter", async () => {
  const engine = core.createEngine(auth, core.FEATURES);
  const guard = engine.compile({ response: { fields: ITEM_FIELDS } });
  const state = signedInState(engine);
  await guard.run(state);
  record("policy", `response filter: ${ITEM_FIELDS.length} of ${Object.keys(item).length} fields`, await timeSync(() => engine.respond(state, item)));
});

// ---- The whole core path of one request ----
async function wholePath(label, store) {
  const engine = core.createEngine({ ...auth, rateLimit: globalLimit, ...(store === undefined ? {} : { store }) }, core.FEATURES);
  const getGuard = engine.compile(getPolicy);
  const postGuard = engine.compile(postPolicy);
  const postRequest = securityRequest({ method: "POST", url: "/items", body: true });
  record("total", `whole core path, hot GET ${label}`, await timeAsync(async () => {
    const state = engine.start(getRequest, sink);
    await engine.global(state, { kind: "parsed", value: undefined });
    state.request.params = { id: "item-103" };
    await getGuard.run(state);
    engine.respond(state, item);
  }));
  record("total", `whole core path, hot POST ${label}`, await timeAsync(async () => {
    const state = engine.start(postRequest, sink);
    await engine.global(state, { kind: "parsed", value: core.parseBody(bodyBytes, "json", engine.config.limits) });
    await postGuard.run(state);
  }));
}
await stage("whole path (memory)", () => wholePath("(memory store)", undefined));
if (redis !== undefined) await stage("whole path (Redis)", () => wholePath("(Redis store)", core.redisStore(redis, { prefix })));

if (redis !== undefined) {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
  await redis.quit();
}
await sleep(0);
for (const line of missing) process.stderr.write(`missing: ${line}\n`);
process.stdout.write(`${JSON.stringify({ results, missing })}\n`);
process.exit(0);
