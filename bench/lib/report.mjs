/**
 * Turning a run's measurements into tables: medians with min and max, ratios computed within
 * each round, the targets and what a missed one allowed against what it took, per-request CPU
 * time, and the core stages.
 */
import { medianInterval, summary } from "./stats.mjs";

/** The measured scenarios. */
export const SCENARIOS = Object.freeze({
  // "headers": the bare server with Bulwark's header lines set by hand, what those lines alone cost.
  // "floor": the bare routes behind Bulwark's global layer and a public policy, nothing to check.
  "get-hot": { method: "get", tokens: "hot", store: "memory", kinds: ["bare", "headers", "floor", "bulwark", "peer"], title: "GET /items/:id, hot tokens (pool of 100), memory store" },
  "post-hot": { method: "post", tokens: "hot", store: "memory", kinds: ["bare", "bulwark", "peer"], title: "POST /items (validated JSON body), hot tokens, memory store" },
  "get-cold": { method: "get", tokens: "cold", store: "memory", kinds: ["bare", "bulwark", "peer", "peer-jose"], title: "GET /items/:id, cold tokens (a new token on every request), memory store" },
  "get-hot-redis": { method: "get", tokens: "hot", store: "redis", kinds: ["bare", "bulwark", "peer"], title: "GET /items/:id, hot tokens, rate-limit counters in Redis" },
  "get-hot-stages": {
    method: "get",
    tokens: "hot",
    store: "memory",
    kinds: ["bulwark", "without-headers", "without-ip-limit", "without-user-limit", "without-params", "without-filter"],
    stages: true,
    title: "Stage costs in the server: the Bulwark server of the hot GET with one part of its policy left out",
  },
});

/** The Bulwark server kinds of the stage-cost scenario: the part of the policy each leaves out. */
export const LEFT_OUT = Object.freeze({
  "without-headers": { part: "headers", stage: "security headers (helmet's values, set on every response)" },
  "without-ip-limit": { part: "ip-limit", stage: "rate limit by IP, before authentication" },
  "without-user-limit": { part: "user-limit", stage: "rate limit by user, after authentication" },
  "without-params": { part: "params", stage: "validation of params (JSON Schema, coercion)" },
  "without-filter": { part: "filter", stage: "response allowlist (5 of 7 fields)" },
});

/** Bulwark/bare throughput targets with the hot tokens and the full policy. */
export const TARGETS = Object.freeze({ express: 0.85, koa: 0.7, fastify: 0.6 });
/** Cold mode: within 1.1x of the peer stack. */
export const COLD_TARGET = 1 / 1.1;

const NAMES = { express: "Express 5", koa: "Koa 3", fastify: "Fastify 5" };
const KIND_ORDER = ["bare", "headers", "floor", "bulwark", "peer", "peer-jose"];
const KIND_NAMES = { bare: "bare", headers: "bare + Bulwark's header lines", floor: "bare behind Bulwark, public policy", bulwark: "Bulwark", peer: "peer stack", "peer-jose": "peer stack, jose" };

/** Medians, ranges and within-round ratios of one scenario. */
export function summarize(scenario) {
  const { rounds } = scenario;
  const kinds = {};
  for (const kind of rounds[0]?.order ?? []) {
    const list = rounds.map((r) => r[kind]).filter(Boolean);
    kinds[kind] = {
      rps: summary(list.map((m) => m.rps)),
      p99: summary(list.map((m) => m.p99)),
      cpuPerRequestUs: summary(list.map((m) => (m.serverCpu * 1e6) / m.rps)),
      userCpuPerRequestUs: summary(list.map((m) => (m.serverUserCpu * 1e6) / m.rps)),
      systemCpuPerRequestUs: summary(list.map((m) => (m.serverSystemCpu * 1e6) / m.rps)),
      gcPerRequestUs: summary(list.map((m) => m.gcUsPerRequest)),
      serverCpu: summary(list.map((m) => m.serverCpu)),
      loaderCpu: summary(list.map((m) => m.loaderCpu)),
      non2xx: list.reduce((n, m) => n + m.non2xx, 0),
      errors: list.reduce((n, m) => n + m.errors + m.timeouts, 0),
      coldWrapped: list.some((m) => m.coldTokensUsed > m.coldPool),
    };
  }
  // CPU per request of one server over another's, taken within each round like the ratios.
  const cpuOf = (m, user) => ((user ? m.serverUserCpu : m.serverCpu) * 1e6) / m.rps;
  const cpuOver = (kind, base, user = false) =>
    kinds[kind] === undefined || kinds[base] === undefined ? undefined : summary(rounds.map((r) => cpuOf(r[kind], user) - cpuOf(r[base], user)));
  const ratio = (kind, field, of = "bulwark") => (kinds[kind] === undefined || kinds[of] === undefined ? undefined : summary(rounds.map((r) => r[of][field] / r[kind][field])));
  return {
    kinds,
    vsBare: ratio("bare", "rps"),
    headersVsBare: ratio("bare", "rps", "headers"),
    floorVsBare: ratio("bare", "rps", "floor"),
    cpuOver,
    vsPeer: ratio("peer", "rps"),
    vsPeerJose: ratio("peer-jose", "rps"),
    p99VsPeer: ratio("peer", "p99"),
    p99VsPeerJose: ratio("peer-jose", "p99"),
  };
}

const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a");
const one = (n) => (Number.isFinite(n) ? n.toFixed(1) : "n/a");
const two = (n) => (Number.isFinite(n) ? n.toFixed(2) : "n/a");
const range = (s, f) => (s.n <= 1 ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`);

/** Whether a target holds, as a word. */
function verdict(ok) {
  return ok === undefined ? "not measured" : ok ? "met" : "missed";
}

/**
 * A within-round ratio against a bound, with the interval of its median in brackets: "met" or
 * "missed" by the median, "within noise" when the interval reaches the other side of the bound.
 * `atLeast`: the target asks for a ratio of at least `bound` (throughput), else at most (p99).
 */
function ratioVerdict(ratio, bound, atLeast) {
  const holds = (value) => (atLeast ? value >= bound : value <= bound);
  const ok = holds(ratio.median);
  const sure = ratio.n > 1 && (ok ? holds(atLeast ? ratio.low : ratio.high) : !holds(atLeast ? ratio.high : ratio.low));
  const interval = ratio.n > 1 ? ` [${two(ratio.low)}–${two(ratio.high)}]` : "";
  return `${two(ratio.median)}${interval}: ${verdict(ok)}${ratio.n > 1 && !sure ? " (within noise)" : ""}`;
}

function flagsOf(k) {
  const flags = [];
  if (k.non2xx > 0) flags.push(`${k.non2xx} non-2xx`);
  if (k.errors > 0) flags.push(`${k.errors} errors`);
  return flags.length === 0 ? "" : ` (${flags.join(", ")})`;
}

/** What the brackets of the targets table mean, with the coverage this run's round count gives. */
function intervalNote(run) {
  const { low, high, coverage } = medianInterval(Array.from({ length: run.options.rounds }, (_, i) => i + 1));
  const which = low === 1 ? "the lowest and highest of the rounds" : `the ${ORDINALS[low] ?? `${low}th`} lowest and highest of the ${high + low - 1} rounds`;
  return `A ratio is the median over rounds of the ratio taken within each round. In brackets: a ${Math.floor(coverage * 100)}% confidence interval for that median, ${which} (distribution-free: the sign test's order statistics, which assume nothing of the shape of the spread). "Within noise" marks a verdict the interval does not settle: the machine's variation from round to round, and from one server start to the next (every round starts its servers afresh), is as large as the distance to the target.`;
}

const ORDINALS = { 2: "second", 3: "third" };

/** The targets table rows. */
function targetRows(run) {
  const frameworks = Object.keys(run.frameworks);
  const cell = (fw, name, fn) => {
    const scenario = run.frameworks[fw]?.scenarios[name];
    return scenario === undefined ? "not measured" : fn(summarize(scenario), fw);
  };
  const p99 = (s, kind) => `${int(s.kinds.bulwark.p99.median)} vs ${int(s.kinds[kind].p99.median)} ms, ratio ${ratioVerdict(kind === "peer" ? s.p99VsPeer : s.p99VsPeerJose, 1, false)}`;
  const rows = [
    ["Hot GET, Bulwark/bare ≥ 0.85 / 0.70 / 0.60", (fw) => cell(fw, "get-hot", (s) => ratioVerdict(s.vsBare, TARGETS[fw], true))],
    ["Hot POST, Bulwark/bare ≥ 0.85 / 0.70 / 0.60", (fw) => cell(fw, "post-hot", (s) => ratioVerdict(s.vsBare, TARGETS[fw], true))],
    ["Hot GET, Bulwark ahead of the peer stack (Bulwark/peer ≥ 1)", (fw) => cell(fw, "get-hot", (s) => ratioVerdict(s.vsPeer, 1, true))],
    ["Hot GET, bare + Bulwark's header lines alone / bare (for reference: the part of the budget the headers take)", (fw) => cell(fw, "get-hot", (s) => (s.headersVsBare === undefined ? "not measured" : two(s.headersVsBare.median)))],
    ["Hot GET, bare behind Bulwark with a public policy / bare (for reference: Bulwark before any check)", (fw) => cell(fw, "get-hot", (s) => (s.floorVsBare === undefined ? "not measured" : two(s.floorVsBare.median)))],
    ["Cold GET, Bulwark/peer stack verifying with jose ≥ 1/1.1 (0.91)", (fw) => cell(fw, "get-cold", (s) => (s.vsPeerJose === undefined ? "not measured" : ratioVerdict(s.vsPeerJose, COLD_TARGET, true)))],
    ["Cold GET, Bulwark/peer stack with its own JWT package (for reference)", (fw) => cell(fw, "get-cold", (s) => `${two(s.vsPeer.median)}`)],
    ["Hot GET, p99 Bulwark ≤ peer stack (within-round ratio ≤ 1)", (fw) => cell(fw, "get-hot", (s) => p99(s, "peer"))],
    ["Hot POST, p99 Bulwark ≤ peer stack (within-round ratio ≤ 1)", (fw) => cell(fw, "post-hot", (s) => p99(s, "peer"))],
    ["Cold GET, p99 Bulwark ≤ peer stack verifying with jose (within-round ratio ≤ 1)", (fw) => cell(fw, "get-cold", (s) => (s.kinds["peer-jose"] === undefined ? "not measured" : p99(s, "peer-jose")))],
    ["Cold GET, p99 Bulwark vs peer stack with its own JWT package (for reference)", (fw) => cell(fw, "get-cold", (s) => `${int(s.kinds.bulwark.p99.median)} vs ${int(s.kinds.peer.p99.median)} ms`)],
  ];
  return { frameworks, rows: rows.map(([label, fn]) => [label, ...frameworks.map(fn)]) };
}

/** CPU µs per request of `kind` in a summarised scenario (median over rounds). */
function cpuUs(s, kind) {
  return s.kinds[kind].cpuPerRequestUs.median;
}

/**
 * What the throughput target of `fw` lets Bulwark add per request, in CPU µs: a CPU-bound
 * server's throughput ratio is the inverse of its CPU time ratio, so bare × (1/target − 1).
 */
function allowedUs(s, fw) {
  return cpuUs(s, "bare") * (1 / TARGETS[fw] - 1);
}

/** What Bulwark's header lines alone cost over bare, in CPU µs; NaN when the "headers" server did not run. */
function headerLinesUs(s) {
  return s?.cpuOver("headers", "bare")?.median ?? Number.NaN;
}

/** What Bulwark costs over bare before any check of a policy runs, in CPU µs; NaN when the "floor" server did not run. */
function floorUs(s) {
  return s?.cpuOver("floor", "bare")?.median ?? Number.NaN;
}

/**
 * One entry per missed target, from the run's own figures: what the target allows, what Bulwark
 * spends, and where the difference goes. Empty when every target was met.
 */
/**
 * What the in-server timing of Bulwark's parts on Express says of the global layer (see
 * expressStagesSection), as a sentence; empty when it was not run.
 */
function expressWindows(run) {
  const rows = run.expressStages?.output?.split("\n") ?? [];
  const start = rows.findIndex((row) => row.startsWith("over bare:"));
  const first = start === -1 ? undefined : rows.slice(start).find((row) => row.trim().startsWith("first middleware"));
  const figures = first?.trim().split(/\s+/).slice(-4).map(Number);
  if (figures === undefined || figures.length !== 4 || figures.some((n) => !Number.isFinite(n))) return "";
  const [, lines, floor] = figures.map((ns) => ns / 1000);
  return ` Timed inside the server (Bulwark's parts inside Express, under Where the time goes), the global layer's own work with a public policy takes ${one(floor)} µs per request, of which setting the header lines takes ${one(lines)}: the rest is the request id, the request slot and \`req.bulwark\` (two properties added to Express's request), the response guard (one added to its response) and the transport checks.`;
}

function missedTargets(run) {
  const entries = [];
  const us = (prefix) => stageNs(run.micro, prefix) / 1000;
  const corePath = { "hot GET": us("whole core path, hot GET (memory"), "hot POST": us("whole core path, hot POST (memory") };
  const aroundJose = us("JWT ES256 verify, cold") - us("jose jwtVerify alone");
  const connections = run.options.connections;
  for (const [fw, results] of Object.entries(run.frameworks)) {
    const scenario = (name) => (results.scenarios[name] === undefined ? undefined : summarize(results.scenarios[name]));
    const hot = scenario("get-hot");
    const headerLines = headerLinesUs(hot);
    const floor = floorUs(hot);
    const where = fw === "express"
      ? ` Beyond that, each step costs more on Express's request and response than in the loop (see Express's objects under Where the time goes): each property added to one of them, and each first read of a property after that, takes the slow path of V8's property lookup, in Bulwark's code as in Express's and Node's.${expressWindows(run)}`
      : " Beyond that, it is the framework's and Node's work that these steps cause in the server: the RateLimit lines, promises, garbage (see Stage costs in the server).";
    for (const [name, label] of [["get-hot", "hot GET"], ["post-hot", "hot POST"]]) {
      const s = scenario(name);
      if (s === undefined || s.vsBare.median >= TARGETS[fw]) continue;
      const allows = allowedUs(s, fw);
      const adds = s.cpuOver("bulwark", "bare").median;
      const checks = "authentication, two rate limits, validation, ownership and the response filter";
      const parts = [];
      if (Number.isFinite(headerLines)) parts.push(`Its header lines alone take ${int(headerLines)} (the "bare + header lines" server of the hot GET)`);
      if (Number.isFinite(floor)) {
        parts.push(
          allows - floor >= 1
            ? `Bulwark before any check (the bare routes behind its global layer and a public policy, hot GET) takes ${int(floor)}, which leaves ${int(allows - floor)} for ${checks}; they take ${int(hot.cpuOver("bulwark", "floor").median)} (hot GET)`
            : `Bulwark before any check (the bare routes behind its global layer and a public policy, hot GET) takes ${int(floor)}, all the target allows or more, which leaves nothing for ${checks}`,
        );
      }
      const core = Number.isFinite(corePath[label]) ? `The core path of those checks costs ${one(corePath[label])} µs in a tight loop, before any framework object is touched.` : "";
      entries.push(
        `**${NAMES[fw]}, ${label}: ${two(s.vsBare.median)} of bare, against ${two(TARGETS[fw])}.** Bulwark adds ${int(adds)} µs of CPU per request to the bare server's ${int(cpuUs(s, "bare"))}; the target allows ${int(allows)}. ${parts.length > 0 ? `${parts.join(". ")}. ` : ""}${core}${core === "" ? "" : where}`,
      );
    }
    if (hot !== undefined && hot.vsPeer.median < 1) {
      entries.push(`**${NAMES[fw]}, hot GET: Bulwark/peer ${two(hot.vsPeer.median)}.** Bulwark spends ${int(cpuUs(hot, "bulwark"))} µs of CPU per request, the peer stack ${int(cpuUs(hot, "peer"))}.`);
    }
    const cold = scenario("get-cold");
    if (cold?.vsPeerJose !== undefined && cold.vsPeerJose.median < COLD_TARGET) {
      entries.push(
        `**${NAMES[fw]}, cold GET: ${two(cold.vsPeerJose.median)} of the jose peer's throughput, against ${two(COLD_TARGET)}.** Bulwark spends ${int(cpuUs(cold, "bulwark"))} µs of CPU per request, the peer ${int(cpuUs(cold, "peer-jose"))}. ` +
          `Around the signature check jose makes for both, Bulwark adds ${Number.isFinite(aroundJose) ? `${one(aroundJose)} µs per token` : "its own work"} (Core stages: reading the token, its header and claim rules, the principal), and the rest of its policy costs what it costs in the hot rows.`,
      );
    }
    const p99Rows = [
      [hot, "peer", "hot GET"],
      [scenario("post-hot"), "peer", "hot POST"],
      [cold, "peer-jose", "cold GET (against the jose peer)"],
    ];
    for (const [s, peer, label] of p99Rows) {
      if (s?.kinds[peer] === undefined) continue;
      const [throughput, p99] = peer === "peer" ? [s.vsPeer, s.p99VsPeer] : [s.vsPeerJose, s.p99VsPeerJose];
      if (p99.median <= 1) continue;
      const figures = `Within a round, Bulwark's throughput was ${two(throughput.median)} of the peer's and its p99 ${two(p99.median)} of the peer's (medians over rounds; the p99 ratio's interval is ${two(p99.low)}–${two(p99.high)}).`;
      const why = throughput.median < 1
        ? ` Each of the load generator's ${connections} connections always has one request in flight, so a request's mean time is ${connections} ÷ throughput (Little's law), and the tail moves with the mean: ` +
          `a p99 no worse than the peer's needs a throughput at least the peer's${peer === "peer-jose" ? ", which the cold throughput target (within 1.1× of the peer) does not ask for" : ""}.`
        : " Bulwark answered at least as many requests as the peer in the same time, so its mean time per request was no longer (Little's law); only the slowest hundredth was.";
      const settled = p99.n > 1 && p99.low <= 1 ? " The interval includes 1: the rounds do not settle this target either way." : "";
      entries.push(`**${NAMES[fw]}, ${label}, p99: ${int(s.kinds.bulwark.p99.median)} against ${int(s.kinds[peer].p99.median)} ms.** ${figures}${why}${settled}`);
    }
  }
  return entries;
}

/** The missed targets as a section, or "" when every target was met. */
function missedSection(run) {
  const entries = missedTargets(run);
  if (entries.length === 0) return "";
  return `## Missed targets\n\nEach target this run missed, with what it allows and where the time went (figures from this run):\n\n${entries.map((e) => `- ${e}`).join("\n")}`;
}

function table(header, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The results of every scenario as markdown tables. */
function scenarioTables(run) {
  const parts = [];
  for (const [name, meta] of Object.entries(SCENARIOS)) {
    if (name === "get-hot-stages") continue;
    const rows = [];
    for (const [fw, results] of Object.entries(run.frameworks)) {
      const scenario = results.scenarios[name];
      if (scenario === undefined) continue;
      const s = summarize(scenario);
      Object.keys(s.kinds).sort((a, b) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b)).forEach((kind, i) => {
        const k = s.kinds[kind];
        const bulwark = kind === "bulwark";
        const toBare = bulwark ? s.vsBare : kind === "headers" ? s.headersVsBare : kind === "floor" ? s.floorVsBare : undefined;
        rows.push([
          i === 0 ? NAMES[fw] : "",
          `${KIND_NAMES[kind]}${flagsOf(k)}`,
          range(k.rps, int),
          range(k.p99, int),
          `${int(k.cpuPerRequestUs.median)} (${int(k.userCpuPerRequestUs.median)} + ${int(k.systemCpuPerRequestUs.median)})`,
          one(k.gcPerRequestUs.median),
          `${Math.round(k.serverCpu.median * 100)}% / ${Math.round(k.loaderCpu.median * 100)}%`,
          toBare === undefined ? "" : range(toBare, two),
          bulwark ? range(s.vsPeer, two) : "",
          bulwark && s.vsPeerJose !== undefined ? range(s.vsPeerJose, two) : "",
        ]);
      });
    }
    if (rows.length === 0) continue;
    const header = ["Framework", "Server", "req/s", "p99 ms", "server CPU µs/req (user + kernel)", "GC pauses µs/req", "CPU server / load generator", "÷ bare", "Bulwark/peer"];
    if (meta.kinds.includes("peer-jose")) header.push("Bulwark/peer (jose)");
    else for (const row of rows) row.pop();
    parts.push(`### ${meta.title}\n\n${table(header, rows)}`);
  }
  return parts.join("\n\n");
}

function microTable(micro) {
  if (micro === undefined) return "Not run.";
  const rows = micro.results.map((r) => [r.stage, int(r.ns), int(r.cpuNs), int(1e9 / Math.max(r.cpuNs, 1))]);
  return table(["Stage", "ns per op (wall)", "CPU ns per op", "ops/s per core (CPU)"], rows);
}

/** The timing of the micro-benchmark stage whose name starts with `prefix`. */
function stageNs(micro, prefix, field = "cpuNs") {
  const found = micro?.results.find((r) => r.stage.startsWith(prefix));
  return found === undefined ? Number.NaN : found[field];
}

/** Where the time of a hot request goes, per framework, against the budget each target leaves. */
function budgetSection(run) {
  const rows = [];
  for (const [fw, results] of Object.entries(run.frameworks)) {
    const scenario = results.scenarios["get-hot"];
    if (scenario === undefined) continue;
    const s = summarize(scenario);
    const total = (kind) => cpuUs(s, kind);
    const user = (kind) => s.kinds[kind].userCpuPerRequestUs.median;
    const both = (t, u) => `${int(t)} (${int(u)})`;
    const allows = allowedUs(s, fw);
    const headers = headerLinesUs(s);
    const floor = floorUs(s);
    rows.push([
      NAMES[fw],
      both(total("bare"), user("bare")),
      both(total("bulwark"), user("bulwark")),
      both(total("peer"), user("peer")),
      both(s.cpuOver("bulwark", "bare").median, s.cpuOver("bulwark", "bare", true).median),
      int(allows),
      int(headers),
      int(floor),
      int(s.cpuOver("bulwark", "floor")?.median),
      int(allows - floor),
    ]);
  }
  if (rows.length === 0) return "";
  const micro = run.micro;
  const us = (prefix, field) => (Number.isFinite(stageNs(micro, prefix, field)) ? (stageNs(micro, prefix, field) / 1000).toFixed(1) : "n/a");
  // "start with N security headers set on a Node response" less the start alone, per header.
  const headerCount = Number(micro?.results.find((r) => r.stage.startsWith("start with"))?.stage.match(/^start with (\d+) /)?.[1]);
  const perHeader = one((stageNs(micro, "start with") - stageNs(micro, "start: request id")) / headerCount / 1000);
  return `## Where the time goes

Server CPU time per hot GET request (µs, total with the user-space part in brackets, medians of
the table above), what Bulwark adds to the bare framework (this and every difference below taken
within each round, then the median over rounds), and what each throughput target allows it to
add (a CPU-bound server's throughput ratio is the inverse of its CPU time ratio, so the budget is
bare × (1/target − 1)). "Header lines take" is what the bare server with Bulwark's
header lines set by hand costs over the bare server (see Results). "Bulwark before any check" is
what the bare routes cost behind Bulwark with a public policy (its global layer: request id,
security headers, transport limits, the response guard that enforces deny by default; no
authenticator and no rate limit, so not the three lines those add: \`Cache-Control: no-store\` on an
authenticated answer and the two RateLimit fields) over the bare server. "The checks take" is the
rest of what Bulwark adds: authentication, two rate limits, validation, ownership and the response
filter, with those three lines. "Left for the checks" is what the target leaves them after Bulwark
before any check: near zero or below, the target cannot be met with these headers and this guard
on every answer, however cheap the checks.

${table(["Framework", "bare", "Bulwark", "peer stack", "Bulwark adds", "target allows", "header lines take", "Bulwark before any check", "the checks take", "left for the checks"], rows)}

From the core stages below, a hot GET through the whole core (request start, transport checks,
IP limit, token cache hit, per-user limit, params validation, ownership, response filter) costs
${us("whole core path, hot GET (memory")} µs of CPU, before any header reaches a socket. The rest of what Bulwark adds is
what the framework and Node do with it: setting the security headers on Node's response costs
${us("start with")} µs (about ${perHeader} µs per header, Node validates each name and value), Node writes them
into every response head, and each adapter hooks the response to filter the payload and refuse
unguarded routes. The parts, in CPU µs per request:

- verified-token cache hit: ${us("JWT verified-token cache hit")} (a SHA-256 of the token, then a map lookup);
- each rate limit: ${us("rate-limit consume, memory")} in memory (two per request here: by IP, then by user);
  with Redis, a hot GET makes four round trips one after the other (the IP limit, the
  brute-force lockout check that follows a successful authentication, the per-user limit, and the
  enumeration block check of \`owns\`), where the peer stacks make two (their two limits); one
  round trip took ${us("store get, Redis", "ns")} µs of wall time here;
- validation: ${us("validation: params")} (params) and ${us("validation: body")} (body), schemas compiled at startup;
- ownership: ${us("ownership:")}; response filter: ${us("response filter")}.

Garbage collection is the other cost (the "GC pauses" column): what a request allocates and what
outlives it. Bulwark's response guard hooks \`writeHead\`, \`write\` and \`end\` once, on Node's
\`ServerResponse.prototype\`, and keeps one small record per response under a symbol: three functions
put on each response would be three more added properties per request on Express, each at the
price the "add a property" line below shows, and slower accesses after them; closures built per
request made their objects survive young-generation collections, and a \`WeakMap\` of records made
every young-generation collection slower as the request rate grew. For the same reason the
Express adapter filters \`res.json\` through one wrapper on Express's response prototype. The
RateLimit fields of every limit a request met are built and set once, as the head goes out.
A request that needs no wait takes no promise: on a memory store a limit updates its counter and
runs rate-limiter-flexible's own decision step at once (a refusal still comes through the
library's promise), a cached token is answered at once, and the engine and the adapters wait
only when a part hands back a promise (a Redis round trip, a first verification, the body
stream). One exception, on Koa: a route whose policy filters its response waits for its handler,
so that it filters the body before any middleware above it can serialize it. Each promise would
cost a turn of the microtask queue and its garbage, which the micro-benchmark's tight loop hides.
${expressShapeSection(run)}
${expressStagesSection(run)}

With cold tokens the signature check dominates everything. Bulwark's cold verification costs
${us("JWT ES256 verify, cold")} µs of CPU and jose's \`jwtVerify\` alone ${us("jose jwtVerify alone")} µs (timed together): the difference is
what Bulwark adds around the check (reading the token, its header and claim rules, the
principal). jose verifies ES256 through WebCrypto, at
${us("jose jwtVerify, timed with")} µs of CPU per token one at a time, against ${us("jsonwebtoken verify")} µs for jsonwebtoken (express-jwt,
koa-jwt) and ${us("fast-jwt verify")} µs for fast-jwt (@fastify/jwt), which call node:crypto directly (WebCrypto
runs each check as a job on libuv's thread pool, which also lets several run at once). That is why
the cold target is measured against the peer stack verifying with jose. Under cold traffic the
verified-token cache cannot pay off, so it costs as little as it can: every token is hashed, but a
token is kept only from its second verification on, so tokens seen once take no entry (an entry
outlives young-generation collections and would make work for the old generation's; the first
sighting is a 4-byte fingerprint in a fixed table).`;
}

/** Each part of Bulwark timed inside a running Express server, when it was measured. */
function expressStagesSection(run) {
  const stages = run.expressStages;
  if (stages === undefined) return "";
  if (stages.error !== undefined) return `\n\`${stages.command}\` failed:\n\n\`\`\`\n${stages.error}\n\`\`\`\n`;
  return `
The same parts timed where they run, inside an Express server under load (\`${stages.command}\`):
probes read the clock around three windows in four apps serving the hot GET, and each "over bare"
figure is what Bulwark (or the header lines alone) does in that window beyond what the bare app
does there. The first middleware is where the global layer sits (the request id, the header
lines, the request slot and the response guard; with the full policy also the token check and
the IP limit), against a middleware that only calls \`next()\`. The route's middleware is where
the route guard sits (the per-user limit, validation, ownership), against the bare app's checks by
hand. The answer is the payload and \`res.json\`, where Bulwark's response filter, its
deny-by-default decision and the RateLimit fields run, and the head and body are written to the
socket, against the bare app's allowlist by hand. What the windows leave out is the rest of the
CPU difference in the table above: work Express and Node do elsewhere because of what a
middleware did (later accesses to an object that got a property), garbage collection, and the
kernel's share.

\`\`\`
${stages.output}
\`\`\``;
}

/** What a property added or read costs on Express's objects, when it was measured. */
function expressShapeSection(run) {
  const shape = run.expressShape;
  if (shape === undefined) return "";
  if (shape.error !== undefined) return `\n\`${shape.command}\` failed:\n\n\`\`\`\n${shape.error}\n\`\`\`\n`;
  return `
Express makes all of this dearer than the other frameworks do. It gives each request and response
the prototype of its app, and from then on every property added to one of them gives that object
a hidden class of its own, so V8's inline caches miss on every request: in Express's code, in
Node's (\`setHeader\`, \`writeHead\`) and in every middleware's. The same operations timed inside a
handler (\`${shape.command}\`, ns per operation, medians; its last line shows the cause with plain
objects, without Express or HTTP: a property added after \`Object.setPrototypeOf\` costs far more
than the same property added without it):

\`\`\`
${shape.output}
\`\`\`

Bulwark adds two properties to each Express request (its request slot and \`req.bulwark\`) and
one to each response (its response guard), and sets its header lines after Express has swapped the
prototypes, as any Express middleware must; this is also why the bare Express server costs several
times the bare Koa server per request, and why the "header lines" server of Express sets its lines
from a first Express middleware, where Bulwark's global layer sets them.`;
}

/** What each part of the policy costs in the server: CPU per request with it minus without it, per round. */
function stageSection(run) {
  const frameworks = Object.keys(run.frameworks).filter((fw) => run.frameworks[fw].scenarios["get-hot-stages"] !== undefined);
  if (frameworks.length === 0) return "";
  const cpu = (m) => (m.serverUserCpu * 1e6) / m.rps;
  const costs = (fw, kind) => summary(run.frameworks[fw].scenarios["get-hot-stages"].rounds.map((r) => cpu(r.bulwark) - cpu(r[kind])));
  const full = (fw) => summary(run.frameworks[fw].scenarios["get-hot-stages"].rounds.map((r) => cpu(r.bulwark)));
  const rows = Object.entries(LEFT_OUT).map(([kind, { stage }]) => [stage, ...frameworks.map((fw) => range(costs(fw, kind), one))]);
  rows.unshift(["whole Bulwark server, user-space CPU (for reference)", ...frameworks.map((fw) => range(full(fw), one))]);
  return `## Stage costs in the server

Each part of the hot GET policy, measured in the running server: the Bulwark server is run again
with that one part left out (in the same rounds, each round with new processes), and the part's
cost is the server's user-space CPU time per request with it minus without it (µs, median over
rounds, min–max in brackets). Unlike the micro-benchmarks below, this
includes everything the part causes in the process: its promises and garbage, and the headers it
adds to every response (Node validates and writes each one; a rate limit's RateLimit fields). The
kernel's time is left out: it depends on the throughput itself (a faster server sends more
responses per system call), so it would credit each part with more than it costs. Each figure
compares two processes, and a process's speed varies by several percent from one start to the
next (what the JIT compiles, where the heap lands), so read these as sizes, not exact costs: a
difference of a few microseconds is within that noise, and the parts need not add up to the whole.

${table(["Stage", ...frameworks.map((fw) => NAMES[fw])], rows)}`;
}

function machineLines(run) {
  const { info } = run;
  const pkgs = Object.entries(info.packages).map(([n, v]) => `${n} ${v}`).join(", ");
  return [
    `- Machine: ${info.cores} cores (\`nproc\`), ${info.cpu}, ${info.memoryGiB} GiB memory, ${info.os}; load average ${info.loadAtStart.join(" / ")} when the run began.`,
    "- Server and load generator share the two cores, so absolute figures are low and a fast server is partly held back by the load generator; ratios taken within a round, and CPU time per request, are the figures to compare.",
    `- Node ${info.node}; Bulwark at commit ${info.commit}; run ${info.date}.`,
    `- Packages: ${pkgs}.`,
    `- Command: \`${run.command}\` (${run.options.duration} s per measurement, ${run.options.rounds} round${run.options.rounds === 1 ? "" : "s"}, ${run.options.connections} connections, ${run.options.warmup} s warm-up per server and round, cold pool of ${run.options.coldPool} tokens).`,
  ].join("\n");
}

/** A plain-text report for the terminal. */
export function consoleReport(run) {
  const parts = [];
  if (Object.keys(run.frameworks).length > 0) {
    const { frameworks, rows } = targetRows(run);
    parts.push(table(["Target", ...frameworks.map((f) => NAMES[f])], rows));
    const missed = missedSection(run);
    if (missed !== "") parts.push(missed);
    parts.push(scenarioTables(run));
    const stages = stageSection(run);
    if (stages !== "") parts.push(stages);
  }
  if (run.micro !== undefined) parts.push(microTable(run.micro));
  if (run.memory?.output !== undefined) parts.push(`memory store, one million keys (${run.memory.command}):\n${run.memory.output}`);
  if (run.expressShape?.output !== undefined) parts.push(`Express's objects (${run.expressShape.command}):\n${run.expressShape.output}`);
  if (run.expressStages?.output !== undefined) parts.push(`Bulwark's parts inside Express (${run.expressStages.command}):\n${run.expressStages.output}`);
  for (const note of run.notes) parts.push(`note: ${note}`);
  return parts.join("\n\n");
}

/** The whole docs/performance.md. */
export function markdownReport(run) {
  const sections = [];
  sections.push(`# Performance

Bulwark against the bare frameworks and against the security stacks users assemble today, on
Express 5, Koa 3 and Fastify 5. Generated by \`pnpm bench\` (\`bench/run.mjs\`); the numbers below
are from the run described under [Machine and command](#machine-and-command).

**These figures were taken on a 2-core machine**: each server and the load generator share the
two cores, so a fast server is partly held back by the load generator (its CPU share is in the
tables). Read the ratios (taken within each round, so both sides saw the same conditions) and the
CPU time per request; the absolute req/s are below what the same code does with a load generator
on its own machine.`);

  if (Object.keys(run.frameworks).length > 0) {
    const { frameworks, rows } = targetRows(run);
    sections.push(`## Targets\n\n${table(["Target", ...frameworks.map((f) => NAMES[f])], rows)}\n\n${intervalNote(run)}\n\n${memorySection(run)}`);
    const missed = missedSection(run);
    if (missed !== "") sections.push(missed);
    sections.push(`## Results\n\nMedian over rounds, (min–max) when there was more than one round. "÷ bare" (a
server's throughput over the bare server's) and "Bulwark/peer" are computed within each round, then
summarised. The hot GET also runs "bare + Bulwark's header lines": the bare server with the header
lines the Bulwark server sends (its security headers read from a Bulwark engine, the request id,
\`Cache-Control\`, the RateLimit fields) set by hand and nothing else, to show what those lines
alone cost the framework (on Express from a first middleware, where Bulwark's global layer sets
them; see [Where the time goes](#where-the-time-goes)). "server CPU µs/req" is the CPU
time the server process used divided by the requests it answered, split into user space (the
JavaScript, and crypto on libuv's threads) and the kernel (mostly sending responses over loopback,
which costs more when the load generator sleeps between responses than when it is saturated, so
compare the user part across servers). "GC pauses" is the garbage-collection pause time of the
server per request (Node's \`gc\` performance entries). "CPU server / load generator" is each process's share of
one core: a load generator near 100% means the server could have gone faster. Any non-2xx answer
or socket error is shown beside the server.

${scenarioTables(run)}`);
  }
  const budget = budgetSection(run);
  if (budget !== "") sections.push(budget);
  const stages = stageSection(run);
  if (stages !== "") sections.push(stages);
  sections.push(`## Core stages

Each stage of Bulwark's core timed alone on the built \`@bulwark/core\` (\`node bench/micro.mjs\`),
median of several samples on one core (the signature verifiers are timed sample by sample in
turn, so that they see the same load). Stages that need a request state are timed as "start +
stage", sample by sample in turn with the start alone, and reported as the median of the
per-sample differences.

${microTable(run.micro)}`);
  sections.push(WHAT_IS_MEASURED);
  sections.push(`## Machine and command\n\n${machineLines(run)}`);
  if (run.notes.length > 0) sections.push(`## Notes from this run\n\n${run.notes.map((n) => `- ${n}`).join("\n")}`);
  return `${sections.join("\n\n")}\n`;
}

function memorySection(run) {
  const memory = run.memory;
  if (memory === undefined || !memory.available) return "Memory store with one million keys: not measured in this run (no `bench/memory-store-keys` script).";
  if (memory.skipped !== undefined) return `Memory store with one million keys (\`bench/${memory.script}\`): ${memory.skipped}.`;
  if (memory.error !== undefined) return `Memory store with one million keys: \`${memory.command}\` failed:\n\n\`\`\`\n${memory.error}\n\`\`\``;
  return `Memory store with one million keys (target ≤ 150 MB), from \`${memory.command}\`:\n\n\`\`\`\n${memory.output}\n\`\`\``;
}

const WHAT_IS_MEASURED = `## What is measured

Every server answers the same two routes over the same data (\`bench/lib/fixtures.mjs\`):
\`GET /items/:id\` (an item the caller owns, its id validated, sent through an allowlist of five of
its seven fields) and \`POST /items\` (a JSON body validated against a schema, answered 201).

- **bare**: the framework alone, with hand-written validation, ownership check and allowlist. It
  reads the caller's id from the token without checking the signature: it is the no-security
  baseline, not a server anyone should run.
- **bare + Bulwark's header lines** (hot GET): the bare server setting by hand the header lines the
  Bulwark server sends, and nothing else.
- **bare behind Bulwark, public policy** (hot GET): the bare server's routes behind Bulwark's global
  layer and a \`{ public: true }\` route policy, with no authenticator and no limit: the request id,
  security headers, transport limits and the response guard of deny by default, before any check.
- **Bulwark**: \`bulwark()\` with security headers, \`jwt()\` verifying ES256 against a local JWK set,
  an IP limit before authentication and a per-user limit after it (limits far above the load, so
  they count but never refuse), validation of params and body (JSON Schema), \`owns\` and
  \`response.fields\`. The bodies are parsed by Bulwark's global layer (Express, Koa) or Fastify's
  parser as the plugin configures it.
- **peer stack**, tuned as an expert would: on Express, helmet + express-rate-limit (IP, then per
  user) + express-jwt + ajv; on Koa, koa-helmet + koa-ratelimit (IP, then per user) + koa-jwt +
  ajv + @koa/bodyparser; on Fastify, @fastify/helmet + @fastify/rate-limit (IP on \`onRequest\`,
  per user on \`preHandler\`) + @fastify/jwt + Fastify's schemas (validation, and a response schema
  as the allowlist). Public keys are imported once; validators are compiled once; ownership is
  hand-written, as no package of these stacks does it. For the Redis scenario, koa-ratelimit and
  @fastify/rate-limit use their Redis drivers; express-rate-limit, which ships no Redis store,
  uses a small atomic store over ioredis (\`bench/lib/peer-redis-store.mjs\`).
- **peer stack, jose** (cold tokens only): the same peer stack with its JWT package replaced by
  jose's \`jwtVerify\` against a local JWK set built once (\`bench/lib/jose-verifier.mjs\`): the
  same signature code as Bulwark's, so the cold comparison measures everything but the signature.

The smoke test (\`bench/bench-smoke.test.ts\`, run with the other tests) starts every server and
checks its answers: the owner's item through the allowlist, 404 for another user's item, 400 for
an invalid id or body, 401 without a token, and refusal of unsigned and forged-signature tokens
built from the shared JWT attack corpus (Bulwark answers 401; @fastify/jwt answers some of them,
such as \`alg: none\` with a signature segment, with a 500).

Load: autocannon in its own process, ${"`"}50${"`"} connections by default, on 127.0.0.1. Every round
starts each server as a new process on a free port, warms it up, measures the servers one after
the other and stops them; rounds alternate the order of the servers. A process's speed varies by
several percent from one start to the next (what the JIT compiles, where the heap lands), so the
medians cover that as well as the machine's own variation. Tokens are ES256, signed before the run
(signing is never measured): **hot** is a pool of 100 valid tokens (one per user), the usual case of clients reusing an access token; **cold** is
a new token on every request, from a pool large enough that no token repeats within a measurement
and none is still in Bulwark's verified-token cache (10,000 entries, unused ones out first) when the
pool comes round again, so every request pays a signature check.

Commands: \`pnpm bench\` (full run, writes this file), \`pnpm bench --quick\` (a few seconds per
server, prints only), \`node bench/run.mjs --help\` for the options (frameworks, scenarios,
durations, rounds, Redis URL), \`node bench/micro.mjs\` for the core stages alone.`;
