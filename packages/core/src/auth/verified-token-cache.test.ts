/**
 * The verified-token cache: bounded, unused entries out first (second chance), never past an entry's limit,
 * keyed by a hash of the token, a token kept from its second verification on.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { verifiedTokenCache, type VerifiedTokenCache } from "./verified-token-cache.js";

/** Sets `key` as a token verified a second time: the first set only records it. */
function keep<T>(cache: VerifiedTokenCache<T>, key: string, value: T, now: number, notAfter: number): void {
  cache.set(key, value, now, notAfter);
  cache.set(key, value, now, notAfter);
}

describe("verifiedTokenCache", () => {
  it("keys by SHA-256, not by the token", () => {
    const cache = verifiedTokenCache<string>({ maxEntries: 10, ttlMs: 1000 });
    const key = cache.keyOf("eyJ.secret.token");
    expect(key).not.toContain("secret");
    expect(Buffer.from(key, "base64")).toHaveLength(32);
    expect(cache.keyOf("eyJ.secret.token")).toBe(key);
  });

  it("never serves an entry at or past its limit (exp) or its ttl", () => {
    const cache = verifiedTokenCache<string>({ maxEntries: 10, ttlMs: 1000 });
    keep(cache, "a", "A", 0, 500);
    keep(cache, "b", "B", 0, 5000);
    expect(cache.get("a", 499)).toBe("A");
    expect(cache.get("a", 500)).toBeUndefined();
    expect(cache.get("b", 999)).toBe("B");
    expect(cache.get("b", 1000)).toBeUndefined();
    keep(cache, "c", "C", 100, 100);
    expect(cache.get("c", 100)).toBeUndefined();
  });

  it("holds at most maxEntries, dropping an entry not used since it last came round", () => {
    const cache = verifiedTokenCache<number>({ maxEntries: 3, ttlMs: 1000 });
    for (let i = 0; i < 3; i++) keep(cache, `k${i}`, i, 0, 1000);
    expect(cache.get("k0", 1)).toBe(0);
    keep(cache, "k3", 3, 1, 1000);
    expect(cache.size).toBe(3);
    expect(cache.get("k1", 2)).toBeUndefined();
    expect(cache.get("k0", 2)).toBe(0);
    for (let i = 0; i < 10_000; i++) keep(cache, `flood${i}`, i, 2, 1000);
    expect(cache.size).toBe(3);
  });

  it("keeps a token in use while one-off tokens flood through", () => {
    const cache = verifiedTokenCache<string>({ maxEntries: 3, ttlMs: 10_000 });
    keep(cache, "hot", "H", 0, 10_000);
    for (let i = 0; i < 1000; i++) {
      cache.set(`once${i}`, "x", 1, 10_000);
      expect(cache.get("hot", 2)).toBe("H");
    }
    // Tokens verified once never took an entry.
    expect(cache.size).toBe(1);
  });

  it("admits a new token when every entry is in use, in bounded time", () => {
    const cache = verifiedTokenCache<number>({ maxEntries: 100, ttlMs: 10_000 });
    for (let i = 0; i < 100; i++) keep(cache, `k${i}`, i, 0, 10_000);
    for (let i = 0; i < 100; i++) cache.get(`k${i}`, 1);
    keep(cache, "new", -1, 2, 10_000);
    expect(cache.size).toBe(100);
    expect(cache.get("new", 3)).toBe(-1);
    // The oldest entries had their second chance; the one past the bound went although used.
    expect(cache.get("k8", 3)).toBeUndefined();
    expect(cache.get("k0", 3)).toBe(0);
  });

  it("drops an expired entry instead of giving it a second chance", () => {
    const cache = verifiedTokenCache<string>({ maxEntries: 2, ttlMs: 10_000 });
    keep(cache, "short", "S", 0, 100);
    keep(cache, "long", "L", 0, 10_000);
    expect(cache.get("short", 50)).toBe("S");
    // "short" was used but has expired: it goes, and the unused "long" stays.
    keep(cache, "next", "N", 200, 10_000);
    expect(cache.get("long", 201)).toBe("L");
    expect(cache.get("next", 201)).toBe("N");
    expect(cache.size).toBe(2);
  });

  it("reuses the slot of an expired entry before evicting a live one", () => {
    const cache = verifiedTokenCache<string>({ maxEntries: 2, ttlMs: 10_000 });
    keep(cache, "short", "S", 0, 100);
    keep(cache, "long", "L", 0, 10_000);
    expect(cache.get("short", 150)).toBeUndefined();
    expect(cache.size).toBe(1);
    keep(cache, "next", "N", 200, 10_000);
    expect(cache.get("long", 201)).toBe("L");
    expect(cache.get("next", 201)).toBe("N");
    expect(cache.size).toBe(2);
  });

  it("keeps a token from its second verification on", () => {
    const cache = verifiedTokenCache<string>({ maxEntries: 10, ttlMs: 1000 });
    const key = cache.keyOf("header.payload.signature");
    cache.set(key, "first", 0, 1000);
    expect(cache.get(key, 1)).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.set(key, "second", 1, 1000);
    expect(cache.get(key, 2)).toBe("second");
    expect(cache.size).toBe(1);
  });

  it("lets tokens verified once never take an entry, however many", () => {
    const cache = verifiedTokenCache<number>({ maxEntries: 100, ttlMs: 10_000 });
    for (let i = 0; i < 20_000; i++) cache.set(cache.keyOf(`one-off.${i}`), i, 0, 10_000);
    expect(cache.size).toBe(0);
  });

  it("only delays keeping a token when two tokens meet in the fingerprint table", () => {
    // One place in the table: every key meets every other there.
    const cache = verifiedTokenCache<string>({ maxEntries: 1, ttlMs: 10_000 });
    cache.set("a", "A", 0, 10_000);
    cache.set("b", "B", 0, 10_000);
    cache.set("a", "A", 0, 10_000);
    expect(cache.get("a", 1)).toBeUndefined();
    expect(cache.get("b", 1)).toBeUndefined();
    cache.set("a", "A", 1, 10_000);
    expect(cache.get("a", 2)).toBe("A");
    expect(cache.get("b", 2)).toBeUndefined();
  });

  it("stays within its bound and serves only the latest live value, whatever the operations", () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant("set" as const), key: fc.integer({ min: 0, max: 12 }), life: fc.integer({ min: -5, max: 50 }) }),
      fc.record({ kind: fc.constant("get" as const), key: fc.integer({ min: 0, max: 12 }) }),
      fc.record({ kind: fc.constant("tick" as const), by: fc.integer({ min: 1, max: 20 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(operation, { maxLength: 200 }), (maxEntries, operations) => {
        const cache = verifiedTokenCache<string>({ maxEntries, ttlMs: 30 });
        const latest = new Map<string, { value: string; expiresAt: number }>();
        let now = 0;
        let serial = 0;
        for (const op of operations) {
          if (op.kind === "tick") now += op.by;
          else if (op.kind === "set") {
            const value = `v${serial++}`;
            cache.set(`k${op.key}`, value, now, now + op.life);
            latest.set(`k${op.key}`, { value, expiresAt: Math.min(now + op.life, now + 30) });
          } else {
            const got = cache.get(`k${op.key}`, now);
            const expected = latest.get(`k${op.key}`);
            if (got !== undefined) {
              expect(got).toBe(expected?.value);
              expect(expected!.expiresAt).toBeGreaterThan(now);
            }
          }
          expect(cache.size).toBeLessThanOrEqual(maxEntries);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
