/**
 * The verified-token cache: bounded, least recently used out first, never past an entry's limit,
 * keyed by a hash of the token.
 */
import { describe, expect, it } from "@jest/globals";
import { verifiedTokenCache } from "./verified-token-cache.js";

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
    cache.set("a", "A", 0, 500);
    cache.set("b", "B", 0, 5000);
    expect(cache.get("a", 499)).toBe("A");
    expect(cache.get("a", 500)).toBeUndefined();
    expect(cache.get("b", 999)).toBe("B");
    expect(cache.get("b", 1000)).toBeUndefined();
    cache.set("c", "C", 100, 100);
    expect(cache.get("c", 100)).toBeUndefined();
  });

  it("holds at most maxEntries, dropping the least recently used", () => {
    const cache = verifiedTokenCache<number>({ maxEntries: 3, ttlMs: 1000 });
    for (let i = 0; i < 3; i++) cache.set(`k${i}`, i, 0, 1000);
    expect(cache.get("k0", 1)).toBe(0);
    cache.set("k3", 3, 1, 1000);
    expect(cache.size).toBe(3);
    expect(cache.get("k1", 2)).toBeUndefined();
    expect(cache.get("k0", 2)).toBe(0);
    for (let i = 0; i < 10_000; i++) cache.set(`flood${i}`, i, 2, 1000);
    expect(cache.size).toBe(3);
  });
});
