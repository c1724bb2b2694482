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

  it("refuses an impossible bound", () => {
    expect(() => memoryStore({ maxKeys: 0 })).toThrow(ConfigError);
  });
});
