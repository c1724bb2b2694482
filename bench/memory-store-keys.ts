/**
 * Benchmark (not a test): memory used by one million distinct keys in the memory stores.
 *
 *   node --expose-gc --import tsx bench/memory-store-keys.ts
 *
 * Reports the heap growth (after full garbage collection) for one million distinct client keys in:
 * the rate limiters' bounded memory table (bound raised to 1,000,000 so that every key stays), the
 * same table with its default bound (100,000: the flood is cut), the general `memoryStore()`, and,
 * for comparison, rate-limiter-flexible's own unbounded `RateLimiterMemory` (a timer per key).
 */
import { createRequire } from "node:module";
import { BoundedCounterTable, BoundedMemoryLimiter } from "../packages/core/src/ratelimit/bounded-memory-limiter.js";
import { RATE_LIMITING_DEFAULTS } from "../packages/core/src/ratelimit/resolve-rate-limiting.js";
import { memoryStore } from "../packages/core/src/store/memory-store.js";

const KEYS = 1_000_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc --import tsx bench/memory-store-keys.ts");

/** The key a client IP gets in the global limit (`i:<ip>`), one per distinct IPv4 address. */
function clientKey(i: number): string {
  return `i:10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
}

function heapUsed(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

async function measure(name: string, fill: () => Promise<unknown>): Promise<void> {
  const before = heapUsed();
  const started = performance.now();
  const kept = await fill();
  const seconds = (performance.now() - started) / 1000;
  const grown = heapUsed() - before;
  console.log(
    `${name.padEnd(58)} ${(grown / 1024 / 1024).toFixed(1).padStart(7)} MiB  ${Math.round(grown / KEYS).toString().padStart(4)} B/key  ${seconds.toFixed(1)} s`,
  );
  // Keep the structure alive until measured.
  if (kept === undefined) throw new Error("nothing kept");
}

async function fillLimiter(maxKeys: number): Promise<{ table: BoundedCounterTable }> {
  const table = new BoundedCounterTable(maxKeys);
  const limiter = new BoundedMemoryLimiter({ points: 100, duration: 60, keyPrefix: "rl:global", table });
  for (let i = 0; i < KEYS; i++) await limiter.consume(clientKey(i));
  if (table.size !== Math.min(KEYS, maxKeys)) throw new Error(`unexpected table size ${table.size}`);
  return { table };
}

console.log(`Node ${process.version}, ${KEYS.toLocaleString("en")} distinct keys, heap growth after GC`);
await measure("rate limiter table, maxKeys 1,000,000 (all keys kept)", () => fillLimiter(KEYS));
await measure(`rate limiter table, default maxKeys ${RATE_LIMITING_DEFAULTS.maxKeys.toLocaleString("en")} (flood cut)`, () => fillLimiter(RATE_LIMITING_DEFAULTS.maxKeys));
await measure("memoryStore({ maxKeys: 1,000,000 }).increment", async () => {
  const store = memoryStore({ maxKeys: KEYS });
  for (let i = 0; i < KEYS; i++) await store.increment(clientKey(i), 60_000);
  return store;
});
await measure("rate-limiter-flexible RateLimiterMemory (unbounded)", async () => {
  const require = createRequire(new URL("../packages/core/package.json", import.meta.url));
  const { RateLimiterMemory } = require("rate-limiter-flexible") as {
    RateLimiterMemory: new (options: { points: number; duration: number; keyPrefix: string }) => { consume(key: string): Promise<unknown> };
  };
  const limiter = new RateLimiterMemory({ points: 100, duration: 60, keyPrefix: "rl:global" });
  for (let i = 0; i < KEYS; i++) await limiter.consume(clientKey(i));
  return limiter;
});
