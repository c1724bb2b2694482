/**
 * The bench servers start and answer the bench routes correctly: the owner gets the item through
 * the allowlist, another user's item is refused, an invalid body is a 400, a request without a
 * token is a 401. The servers that verify tokens (Bulwark and the peer stacks) also refuse
 * unsigned and "psychic signature" tokens built from the shared JWT attack corpus. Each server is
 * its own process, as in a bench run (bench/lib/server-main.mjs serving a module of
 * bench/servers, on the built packages); all are stopped at the end. The Express stage timer
 * (bench/express-stages.mjs) runs briefly and must time every window of its four apps.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { fork, spawnSync, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from "jose";
import { loadCorpus } from "../test/support/corpora.js";

const BENCH = __dirname;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

interface Fixtures {
  ISSUER: string;
  AUDIENCE: string;
  KEY_ID: string;
  ITEM_FIELDS: string[];
}

/** The bench's own constants, read from its fixtures module so that this test cannot drift from them. */
function readFixtures(): Fixtures {
  const url = pathToFileURL(path.join(BENCH, "lib", "fixtures.mjs")).href;
  const script = `const m = await import(${JSON.stringify(url)});
    process.stdout.write(JSON.stringify({ ISSUER: m.ISSUER, AUDIENCE: m.AUDIENCE, KEY_ID: m.KEY_ID, ITEM_FIELDS: m.ITEM_FIELDS }));`;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000 });
  if (result.status !== 0) throw new Error(`cannot read bench/lib/fixtures.mjs: ${result.stderr}`);
  return JSON.parse(result.stdout) as Fixtures;
}

interface Started {
  readonly name: string;
  readonly port: number;
  readonly missing: readonly string[];
  readonly child: ChildProcess;
}

/** Starts the bench server `file` (a module of bench/servers) as a bench run does, and waits until it listens. */
function startServer(file: string, jwks: unknown, redisUrl?: string): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_JWKS: JSON.stringify(jwks), BENCH_TTL: "120" };
  delete env.BENCH_REDIS_URL;
  if (redisUrl !== undefined) env.BENCH_REDIS_URL = redisUrl;
  const child = fork(path.join(BENCH, "lib", "server-main.mjs"), [file], { env, stdio: ["ignore", "ignore", "pipe", "ipc"], execArgv: [] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    child.once("message", (message) => {
      const { name, port, missing } = message as { name: string; port: number; missing: string[] };
      resolve({ name, port, missing, child });
    });
    child.once("exit", (code) => reject(new Error(`${file} exited (code ${code}) before listening; were the packages built (pnpm build)?\n${stderr}`)));
  });
}

function stopServer(server: Started): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const forced = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(forced);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

interface Answer {
  status: number;
  body: unknown;
  headers: http.IncomingHttpHeaders;
}

/** One request on a fresh connection (nothing is kept open). */
function request(port: number, method: string, urlPath: string, token?: string, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (payload !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: urlPath, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // Some peer errors are plain text; the status is what counts.
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

const base64url = (value: string): string => Buffer.from(value).toString("base64url");

interface CorpusCase {
  id: string;
  category: string;
  expected: string;
  token?: string;
}

const fixtures = readFixtures();
const corpus = loadCorpus<{ cases: CorpusCase[] }>("jwt-attack-cases.json").cases;
// Unsigned tokens (every spelling of "none") and ES256 "psychic" signatures (r = s = 0 and kin).
const attackCases = corpus.filter((c) => (c.category === "alg-none" || c.id.startsWith("psychic-es256")) && c.expected === "reject" && c.token !== undefined);

let privateKey: CryptoKey;
let jwks: { keys: unknown[] };

async function token(sub: string, options: { audience?: string } = {}): Promise<string> {
  return new SignJWT({ scope: "items:read items:write" })
    .setProtectedHeader({ alg: "ES256", typ: "JWT", kid: fixtures.KEY_ID })
    .setIssuer(fixtures.ISSUER)
    .setAudience(options.audience ?? fixtures.AUDIENCE)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(privateKey);
}

/**
 * A corpus attack token rebuilt around the bench's own valid claims: the corpus header (with the
 * bench's `kid` where it names one, so that the key is found) and the corpus signature segment.
 */
function attackToken(corpusToken: string, claims: string): string {
  const [headerPart, , signature] = corpusToken.split(".");
  const header = JSON.parse(Buffer.from(headerPart!, "base64url").toString("utf8")) as Record<string, unknown>;
  if (typeof header.kid === "string") header.kid = fixtures.KEY_ID;
  const head = `${base64url(JSON.stringify(header))}.${claims}`;
  return signature === undefined ? head : `${head}.${signature}`;
}

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  privateKey = pair.privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: fixtures.KEY_ID, alg: "ES256", use: "sig" }] };
});

const VARIANTS = [
  { kind: "bare", redis: false },
  { kind: "headers", redis: false },
  { kind: "floor", redis: false },
  { kind: "bulwark", redis: false },
  { kind: "peer", redis: false },
  { kind: "peer-jose", redis: false },
  { kind: "bulwark", redis: true },
  { kind: "peer", redis: true },
] as const;

describe.each(["express", "koa", "fastify"])("%s bench servers", (framework) => {
  const servers = new Map<string, Started>();
  const label = (v: (typeof VARIANTS)[number]): string => `${framework}-${v.kind}${v.redis ? " (Redis)" : ""}`;

  beforeAll(async () => {
    const started = await Promise.allSettled(VARIANTS.map((v) => startServer(`${framework}-${v.kind}`, jwks, v.redis ? REDIS_URL : undefined)));
    started.forEach((result, i) => {
      if (result.status === "fulfilled") servers.set(label(VARIANTS[i]!), result.value);
    });
    const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...servers.values()].map(stopServer));
  }, 20_000);

  it.each(VARIANTS.map((v) => [label(v)] as const))("%s answers the bench routes correctly", async (name) => {
    const server = servers.get(name)!;
    // A Bulwark server that had to leave a stage out would not be measuring the full policy.
    expect(server.missing).toEqual([]);
    const [alice, bob] = await Promise.all([token("user-3"), token("user-4")]);

    const own = await request(server.port, "GET", "/items/item-103", alice);
    expect(own.status).toBe(200);
    expect(Object.keys(own.body as object).sort()).toEqual([...fixtures.ITEM_FIELDS].sort());
    expect(own.body).toMatchObject({ id: "item-103", owner: "user-3" });

    const other = await request(server.port, "GET", "/items/item-104", alice);
    expect([403, 404]).toContain(other.status);

    const anonymous = await request(server.port, "GET", "/items/item-103");
    expect(anonymous.status).toBe(401);

    const badId = await request(server.port, "GET", "/items/not-an-item", alice);
    expect(badId.status).toBe(400);

    const created = await request(server.port, "POST", "/items", bob, { title: "Lamp", price: 12.5, tags: ["new"] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ owner: "user-4", title: "Lamp", price: 12.5 });

    const invalid = await request(server.port, "POST", "/items", bob, { title: "", price: -1, role: "admin" });
    expect(invalid.status).toBe(400);
  });

  it("the headers server sends the header lines the Bulwark server sends, with the same security values", async () => {
    const alice = await token("user-3");
    const ask = (name: string): Promise<Answer> => request(servers.get(name)!.port, "GET", "/items/item-103", alice);
    const [headers, bulwark] = await Promise.all([ask(`${framework}-headers`), ask(`${framework}-bulwark`)]);
    expect([headers.status, bulwark.status]).toEqual([200, 200]);
    // Values that differ per answer (request id, date) or per moment (what a limit has left).
    const perAnswer = new Set(["x-request-id", "date", "ratelimit", "etag", "keep-alive"]);
    const fixed = (answer: Answer) => Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !perAnswer.has(name)));
    expect(Object.keys(headers.headers).sort()).toEqual(Object.keys(bulwark.headers).sort());
    expect(fixed(headers)).toEqual(fixed(bulwark));
    expect(bulwark.headers["content-security-policy"]).toBe("default-src 'none';frame-ancestors 'none'");
  });

  it("the floor server answers through Bulwark: its security lines, without the lines of authentication and limits", async () => {
    const alice = await token("user-3");
    const ask = (name: string): Promise<Answer> => request(servers.get(name)!.port, "GET", "/items/item-103", alice);
    const [floor, bulwark] = await Promise.all([ask(`${framework}-floor`), ask(`${framework}-bulwark`)]);
    expect([floor.status, bulwark.status]).toEqual([200, 200]);
    // No limit: no RateLimit lines. No authenticator: no Cache-Control: no-store, which an authenticated answer gets.
    const checksOnly = new Set(["ratelimit", "ratelimit-policy", "cache-control"]);
    expect(Object.keys(floor.headers).sort()).toEqual(Object.keys(bulwark.headers).filter((name) => !checksOnly.has(name)).sort());
    expect(floor.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(floor.headers["content-security-policy"]).toBe(bulwark.headers["content-security-policy"]);
    // Deny by default is on: a route the floor server does not guard would be refused, so every answer went through the guard.
    const unknown = await request(servers.get(`${framework}-floor`)!.port, "GET", "/nowhere", alice);
    expect(unknown.status).toBe(404);
    expect(unknown.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });

  const verifying = VARIANTS.filter((v) => v.kind !== "bare" && v.kind !== "headers" && v.kind !== "floor");
  it.each(verifying.map((v) => [label(v), v.kind] as const))("%s refuses tokens it cannot verify", async (name, kind) => {
    const server = servers.get(name)!;
    expect(attackCases.length).toBeGreaterThan(5);
    const now = Math.floor(Date.now() / 1000);
    const claims = base64url(JSON.stringify({ iss: fixtures.ISSUER, aud: fixtures.AUDIENCE, sub: "user-3", iat: now, exp: now + 600 }));
    for (const attack of attackCases) {
      const answer = await request(server.port, "GET", "/items/item-103", attackToken(attack.token!, claims));
      // Bulwark answers exactly 401; a peer stack must at least not serve the item (@fastify/jwt
      // answers some of these with a 500).
      const refused = kind === "bulwark" ? answer.status === 401 : answer.status >= 400;
      expect({ id: attack.id, status: answer.status, refused }).toEqual({ id: attack.id, status: answer.status, refused: true });
    }
    const wrongAudience = await request(server.port, "GET", "/items/item-103", await token("user-3", { audience: "another-api" }));
    expect(wrongAudience.status).toBe(401);
  });
});

describe("the Express stage timer (bench/express-stages.mjs)", () => {
  it("loads its four apps without a refused request and times every window of each", () => {
    const result = spawnSync(process.execPath, [path.join(BENCH, "express-stages.mjs"), "--seconds=1", "--rounds=1", "--warmup=1"], { encoding: "utf8", timeout: 90_000 });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines[1]).toMatch(/bare\s+header lines\s+Bulwark, public policy\s+Bulwark, full policy/);
    // The last four figures of a row are the four apps' (its label has spaces of its own).
    const figures = (row: string | undefined) => row?.trim().split(/\s+/).slice(-4).map((v) => Number(v.replace(/,/g, "")));
    for (const window of ["first middleware", "route middleware", "the answer"]) {
      const values = figures(lines.find((line) => line.startsWith(window)));
      expect({ window, values: values?.length, numbers: values?.every((v) => Number.isInteger(v) && v >= 0) }).toEqual({ window, values: 4, numbers: true });
    }
    const timed = figures(lines.find((line) => line.startsWith("requests timed")))!;
    expect(timed.every((count) => count > 100)).toBe(true);
  }, 120_000);
});
