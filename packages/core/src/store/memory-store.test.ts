import { describe, expect, it } from "@jest/globals";
import { ConfigError } from "../errors/security-error.js";
import { memoryStore } from "./memory-store.js";

describe("memoryStore", () => {
  it("stores, expires and counts", async () => {
    let now = 1_000;
    const store = memoryStore({ now: () => now });
    await store.set("a", "1", 100);
    expect(await store.get("a")).toBe("1");
    now += 100;
    expect(await store.get("a")).toBeUndefined();
    expect(await store.increment("c", 50)).toBe(1);
    expect(await store.increment("c", 50)).toBe(2);
    now += 50;
    expect(await store.increment("c", 50)).toBe(1);
    expect(await store.setIfAbsent("n", "x", 10)).toBe(true);
    expect(await store.setIfAbsent("n", "y", 10)).toBe(false);
    await store.delete("n");
    expect(await store.get("n")).toBeUndefined();
  });

  it("never holds more than maxKeys, dropping the least recently used", async () => {
    const store = memoryStore({ maxKeys: 100 });
    await store.set("keep", "1", 60_000);
    for (let i = 0; i < 10_000; i++) {
      await store.set(`flood-${i}`, "x", 60_000);
      if (i % 50 === 0) await store.get("keep");
    }
    expect(store.size).toBeLessThanOrEqual(100);
    expect(store.size).toBeGreaterThan(90);
    expect(await store.get("keep")).toBe("1");
    expect(await store.get("flood-0")).toBeUndefined();
  });

  it("keeps evicting cheaply under a long flood of new keys (regression: one-by-one eviction walked deleted slots)", async () => {
    const store = memoryStore({ maxKeys: 10_000 });
    for (let i = 0; i < 200_000; i++) await store.set(`k${i}`, "x", 60_000);
    expect(store.size).toBeLessThanOrEqual(10_000);
    expect(await store.get("k199999")).toBe("x");
    expect(await store.get("k0")).toBeUndefined();
  });

  it("keeps durable entries through a flood of evictable keys (regression: revocations and blocks were evicted when the store filled up)", async () => {
    const store = memoryStore({ maxKeys: 100 });
    await store.set("auth:revoked:x", "1", 60_000, { durable: true });
    for (let i = 0; i < 10_000; i++) {
      await store.increment(`rl:flood-${i}`, 60_000);
      await store.set(`other-${i}`, "x", 60_000);
    }
    expect(await store.get("auth:revoked:x")).toBe("1");
    expect(store.durableSize).toBe(1);
    // The evictable part keeps its bound: the flood is still cut.
    expect(store.size - store.durableSize).toBeLessThanOrEqual(100);
    expect(await store.get("rl:flood-0")).toBeUndefined();
  });

  it("refuses a durable write to a full durable table (fail closed), and takes it once an entry has expired", async () => {
    let now = 1_000;
    const store = memoryStore({ maxKeys: 10, maxDurableKeys: 3, now: () => now });
    await store.set("d1", "1", 100, { durable: true });
    await store.set("d2", "2", 200, { durable: true });
    await store.set("d3", "3", 300, { durable: true });
    await expect(store.set("d4", "4", 300, { durable: true })).rejects.toThrow(RangeError);
    await expect(store.set("d4", "4", 300, { durable: true })).rejects.toThrow(/maxDurableKeys/);
    // Nothing already held was dropped to make room, and the refused entry is not half-stored.
    expect([await store.get("d1"), await store.get("d2"), await store.get("d3"), await store.get("d4")]).toEqual(["1", "2", "3", undefined]);
    // Rewriting a held key needs no new place; evictable writes are not affected by the full table.
    await store.set("d2", "2b", 200, { durable: true });
    expect(await store.get("d2")).toBe("2b");
    for (let i = 0; i < 50; i++) await store.increment(`c${i}`, 1_000);
    expect(await store.increment("c49", 1_000)).toBe(2);

    now += 100; // d1 expires: its place is free again.
    await store.set("d4", "4", 300, { durable: true });
    expect(await store.get("d4")).toBe("4");
    expect(await store.get("d1")).toBeUndefined();
    expect(store.durableSize).toBe(3);
    await expect(store.set("d5", "5", 300, { durable: true })).rejects.toThrow(RangeError);
  });

  it("lets a durable entry leave by its TTL or delete, and a write of either kind replace the other", async () => {
    let now = 1_000;
    const store = memoryStore({ now: () => now });
    await store.set("a", "1", 100, { durable: true });
    now += 99;
    expect(await store.get("a")).toBe("1");
    now += 1;
    expect(await store.get("a")).toBeUndefined();
    expect(store.durableSize).toBe(0);

    await store.set("b", "1", 100, { durable: true });
    await store.delete("b");
    expect(await store.get("b")).toBeUndefined();

    await store.set("c", "evictable", 100);
    await store.set("c", "durable", 100, { durable: true });
    expect([await store.get("c"), store.size, store.durableSize]).toEqual(["durable", 1, 1]);
    expect(await store.setIfAbsent("c", "x", 100)).toBe(false);
    await store.set("c", "evictable again", 100);
    expect([await store.get("c"), store.size, store.durableSize]).toEqual(["evictable again", 1, 0]);
    await expect(store.set("d", "1", Number.POSITIVE_INFINITY, { durable: true })).rejects.toThrow(/finite ttlMs/);
  });

  it("refuses an impossible bound", () => {
    expect(() => memoryStore({ maxKeys: 0 })).toThrow(ConfigError);
    expect(() => memoryStore({ maxDurableKeys: 0 })).toThrow(/maxDurableKeys must be a whole number/);
    expect(() => memoryStore({ maxDurableKeys: 1.5, maxKeys: -1 })).toThrow(/maxKeys[\s\S]*maxDurableKeys/);
    expect(memoryStore({ maxDurableKeys: 7 }).maxDurableKeys).toBe(7);
  });
});
