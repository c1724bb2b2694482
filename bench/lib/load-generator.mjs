/**
 * The load generator: autocannon in its own process (forked by the runner), so that generating
 * load never shares an event loop with a server. It signs its token pools once at start (signing
 * is never measured), then runs one measurement per `run` message and answers with the figures.
 *
 * Hot mode: a pool of 100 tokens, one per user, taken in turn. Cold mode: every request takes the
 * next token of a large pool, so no token is seen twice by a server within a measurement, and none
 * is still in a verified-token cache (10,000 entries, unused ones out first) when the pool comes
 * round again.
 */
import autocannon from "autocannon";
import { ITEMS, USERS } from "./fixtures.mjs";
import { tokenPool, tokenSigner } from "./tokens.mjs";

const BODY = (user) => JSON.stringify({ title: `Item from user ${user}`, price: 12.5, tags: ["bench", "new"] });

let hot = [];
let cold = [];
let coldCursor = 0;
let coldServed = 0;

/** The item path of request `i` for user `user`: always an item the user owns. */
function itemPath(user, i) {
  const slot = (i * 37) % (ITEMS / USERS);
  return `/items/item-${user + USERS * slot}`;
}

/**
 * Hot mode: request k (over all connections) carries token k mod 100, so concurrent requests
 * carry different tokens, as distinct clients do (autocannon's connections would otherwise walk a
 * request list in step, all sending the same token at once).
 */
function hotRequests(scenario) {
  let next = 0;
  const prebuilt = hot.map((token, user) =>
    scenario === "post"
      ? { method: "POST", path: "/items", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: BODY(user) }
      : { method: "GET", path: itemPath(user, user), headers: { authorization: `Bearer ${token}` } },
  );
  const setupRequest = (request) => {
    const chosen = prebuilt[next];
    next = (next + 1) % prebuilt.length;
    request.method = chosen.method;
    request.path = chosen.path;
    request.headers = chosen.headers;
    if (chosen.body !== undefined) request.body = chosen.body;
    return request;
  };
  return [{ setupRequest }];
}

function coldRequests(scenario) {
  const setupRequest = (request) => {
    const index = coldCursor;
    coldCursor = (coldCursor + 1) % cold.length;
    coldServed++;
    const user = index % USERS;
    request.headers = { authorization: `Bearer ${cold[index]}` };
    if (scenario === "post") {
      request.method = "POST";
      request.path = "/items";
      request.headers["content-type"] = "application/json";
      request.body = BODY(user);
    } else {
      request.method = "GET";
      request.path = itemPath(user, index);
    }
    return request;
  };
  return [{ setupRequest }];
}

/** Runs one measurement: `{ url, scenario: "get"|"post", tokens: "hot"|"cold", duration, connections }`. */
async function measure({ url, scenario, tokens, duration, connections }) {
  const before = process.cpuUsage();
  const startServed = coldServed;
  const result = await autocannon({
    url,
    connections,
    duration,
    pipelining: 1,
    timeout: 10,
    requests: tokens === "cold" ? coldRequests(scenario) : hotRequests(scenario),
  });
  const cpu = process.cpuUsage(before);
  const used = coldServed - startServed;
  return {
    requests: result.requests.total,
    seconds: result.duration,
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    loaderCpu: (cpu.user + cpu.system) / 1000 / (result.duration * 1000),
    coldTokensUsed: used,
    coldPool: cold.length,
  };
}

process.on("message", async (message) => {
  try {
    if (message.type === "init") {
      const sign = tokenSigner(message.privateJwk);
      hot = tokenPool(sign, USERS, 0);
      cold = tokenPool(sign, message.coldPool, USERS);
      process.send({ type: "ready" });
    } else if (message.type === "run") {
      process.send({ type: "result", result: await measure(message.options) });
    }
  } catch (error) {
    process.send({ type: "error", message: String(error?.stack ?? error) });
  }
});
process.on("disconnect", () => process.exit(0));
