/**
 * Benchmark (not a test): what a middleware pays on Express's request and response objects.
 *
 *   node bench/express-request-shape.mjs
 *
 * Express 5 gives every request and response the prototype of its app (`Object.setPrototypeOf` in
 * `app.handle`), after which each property added to one of them gives that object a hidden class
 * of its own: V8's caches of where a property sits then miss on every request, for Express's code,
 * Node's and every middleware's. This script serves the same handler twice on 127.0.0.1, from
 * Node's own request handler and from an Express route, loads each with autocannon, and times
 * inside the handler (ns per operation, median over requests, the cost of reading the clock
 * subtracted): adding one property to the request, reading `res.headersSent` (a getter Node's
 * response inherits), and setting one response header. Bulwark does each of these on every
 * request (its request slot, its response guard, its header lines).
 *
 * The last line shows the cause without Express or HTTP: objects of one class, each given one
 * property, with and without an `Object.setPrototypeOf` first. After the swap, V8 gives each
 * object that gets a new property a hidden class of its own (no two of them share one, as
 * `%HaveSameMap` shows under `--allow-natives-syntax`), where without the swap they all share one.
 */
import http from "node:http";
import process from "node:process";
import autocannon from "autocannon";
import express from "express";

const OPERATIONS = ["add a property to the request", "read res.headersSent", "res.setHeader, one header"];
const WARMUP_SECONDS = 2;
const SECONDS = 4;

/** A handler timing each operation once per request into `samples` (one array per operation). */
function timingHandler(samples) {
  let serial = 0;
  return function handle(req, res) {
    const t0 = process.hrtime.bigint();
    const t1 = process.hrtime.bigint();
    req.timedProperty = serial++;
    const t2 = process.hrtime.bigint();
    const sent = res.headersSent;
    const t3 = process.hrtime.bigint();
    res.setHeader("x-bench", "1");
    const t4 = process.hrtime.bigint();
    const clock = t1 - t0;
    samples[0].push(Math.max(0, Number(t2 - t1 - clock)));
    samples[1].push(Math.max(0, Number(t3 - t2 - clock)));
    samples[2].push(Math.max(0, Number(t4 - t3 - clock)));
    res.end(sent ? "late" : "ok");
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Serves `handler` on 127.0.0.1, loads it, and returns the median ns of each operation. */
async function measure(makeServerHandler) {
  const samples = OPERATIONS.map(() => []);
  const server = http.createServer(makeServerHandler(timingHandler(samples)));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  try {
    await autocannon({ url, connections: 10, duration: WARMUP_SECONDS });
    for (const list of samples) list.length = 0;
    await autocannon({ url, connections: 10, duration: SECONDS });
  } finally {
    server.close();
  }
  return { requests: samples[0].length, ns: samples.map(median) };
}

const servers = {
  "Node's request handler": (handler) => handler,
  "Express 5 route": (handler) => {
    const app = express();
    app.get("/", handler);
    return app;
  },
};

const results = {};
for (const [name, make] of Object.entries(servers)) results[name] = await measure(make);

/** The cause alone: ns to create an object of one class, swap its prototype or not, add a property or not. */
function plainObjects(swap, add) {
  class Shape {
    constructor(i) {
      this.a = i;
      this.b = i;
      this.c = i;
    }
  }
  const swapped = Object.create(Shape.prototype);
  const kept = new Array(1024);
  const OBJECTS = 200_000;
  const runs = [];
  for (let run = 0; run < 7; run++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < OBJECTS; i++) {
      const object = new Shape(i);
      if (swap) Object.setPrototypeOf(object, swapped);
      if (add) object.added = i;
      kept[i & 1023] = object;
    }
    runs.push(Number(process.hrtime.bigint() - start) / OBJECTS);
  }
  return Math.round(median(runs.slice(1)));
}
const plain = { add: plainObjects(false, true), swap: plainObjects(true, false), swapAdd: plainObjects(true, true) };

const names = Object.keys(results);
console.log(`Node ${process.version}, ns per operation inside the handler (median over requests)`);
console.log(`${"".padEnd(32)}${names.map((n) => n.padStart(24)).join("")}`);
OPERATIONS.forEach((operation, i) => {
  console.log(`${operation.padEnd(32)}${names.map((n) => String(results[n].ns[i]).padStart(24)).join("")}`);
});
console.log(`${"requests timed".padEnd(32)}${names.map((n) => results[n].requests.toLocaleString("en-US").padStart(24)).join("")}`);
console.log(`plain objects, no HTTP, ns per object: new + add a property ${plain.add}; new + Object.setPrototypeOf ${plain.swap}; new + Object.setPrototypeOf + add a property ${plain.swapAdd}`);
