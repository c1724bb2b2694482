import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from "@jest/globals";
import express from "express";
import { Redis } from "ioredis";
import request from "supertest";
import { bulwark, memoryStore, redisStore } from "@bulwark/express";
import type { BulwarkOptions } from "../config/options.js";
import type { SecurityEvent } from "../events/security-event.js";
import { testOnlyAuthenticator, TEST_USER_HEADER } from "./test-support/test-authenticator.js";
import { fakeClockOnly } from "./test-support/fake-clock.js";
import { serve, type TestServer } from "./test-support/test-server.js";

/** Ids 1..100: odd ones belong to alice, even ones to bob, and ids above 60 do not exist. */
const INVOICES = new Map(Array.from({ length: 60 }, (_, i) => [String(i + 1), { id: String(i + 1), ownerId: i % 2 === 0 ? "alice" : "bob" }]));
const USERS = { alice: {}, bob: {}, mallory: {}, ada: { roles: ["admin"] } };
const as = (user: string) => ({ [TEST_USER_HEADER]: user });


async function invoiceApp(options: BulwarkOptions): Promise<TestServer> {
  const { secure, errors } = bulwark({ authenticate: [testOnlyAuthenticator(USERS)], ...options });
  const app = express();
  app.use(secure());
  app.get("/invoices/:id", secure({
    owns: { load: (req) => INVOICES.get(req.params.id ?? ""), owner: (invoice: { ownerId: string }) => invoice.ownerId },
  }), (req, res) => void res.json(req.bulwark.resource));
  app.use(errors());
  return serve(app);
}

/** GET /invoices/1..100 in order as `user`; the statuses in order. */
async function enumerate(url: string, user: string, count = 100): Promise<number[]> {
  const statuses: number[] = [];
  for (let id = 1; id <= count; id++) {
    statuses.push((await request(url).get(`/invoices/${id}`).set(as(user))).status);
  }
  return statuses;
}

describe("BOLA enumeration (memory store, default settings)", () => {
  let server: TestServer;
  const events: SecurityEvent[] = [];

  beforeAll(async () => {
    server = await invoiceApp({ onEvent: (e) => void events.push(e) });
  });
  afterAll(async () => {
    await server.close();
  });

  it("trips bola.suspected and blocks a principal walking 100 sequential ids", async () => {
    const statuses = await enumerate(server.url, "alice");
    // alice owns the odd ids: 1, 3, 5... pass; each even id is a denial. The 21st denial (id 42) trips the block.
    expect(statuses.slice(0, 41).filter((s) => s === 200)).toHaveLength(21);
    expect(statuses.slice(0, 41).filter((s) => s === 404)).toHaveLength(20);
    expect(statuses[41]).toBe(429);
    expect(statuses.slice(41).every((s) => s === 429)).toBe(true);

    const suspected = events.filter((e) => e.type === "bola.suspected");
    expect(suspected.length).toBeGreaterThan(0);
    expect(suspected[0]).toMatchObject({ principalId: "alice", code: "AUTHZ_ENUMERATION_BLOCKED", route: "/invoices/:id" });
    expect(events.filter((e) => e.type === "ownership.denied").length).toBeGreaterThanOrEqual(20);
  });

  it("answers the block as a 429 problem with Retry-After, even for the principal's own objects", async () => {
    const res = await request(server.url).get("/invoices/1").set(as("alice")).expect(429);
    expect(res.body.code).toBe("AUTHZ_ENUMERATION_BLOCKED");
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(res.headers["retry-after"])).toBeLessThanOrEqual(300);
  });

  it("does not block anyone else", async () => {
    await request(server.url).get("/invoices/2").set(as("bob")).expect(200);
    await request(server.url).get("/invoices/1").set(as("bob")).expect(404);
  });
});

describe("BOLA settings", () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it("lifts the block after `block` seconds", async () => {
    fakeClockOnly();
    const server = await invoiceApp({ bola: { threshold: 3, window: 60, block: 120 } });
    try {
      const statuses = await enumerate(server.url, "mallory", 5);
      expect(statuses).toEqual([404, 404, 404, 429, 429]);
      jest.setSystemTime(Date.now() + 119_000);
      await request(server.url).get("/invoices/1").set(as("mallory")).expect(429);
      jest.setSystemTime(Date.now() + 2_000);
      await request(server.url).get("/invoices/1").set(as("mallory")).expect(404);
    } finally {
      await server.close();
    }
  });

  it("keeps a block while the store fills past maxKeys with other entries (regression: blocks were evicted)", async () => {
    const store = memoryStore({ maxKeys: 200 });
    const server = await invoiceApp({ store, bola: { threshold: 3, window: 60, block: 300 } });
    try {
      expect(await enumerate(server.url, "mallory", 5)).toEqual([404, 404, 404, 429, 429]);
      for (let i = 0; i < 1_000; i++) await store.increment(`rl:global:i:10.0.${i >> 8}.${i & 255}`, 60_000);
      // The flood did evict: its own first counters are gone.
      expect(await store.get("rl:global:i:10.0.0.0")).toBeUndefined();
      const res = await request(server.url).get("/invoices/1").set(as("mallory")).expect(429);
      expect(res.body.code).toBe("AUTHZ_ENUMERATION_BLOCKED");
    } finally {
      await server.close();
    }
  });

  it("still answers 429 past the threshold when the block cannot be stored (fail closed)", async () => {
    const store = memoryStore({ maxDurableKeys: 1 });
    await store.set("auth:revoked:someone", "1", 600_000, { durable: true });
    const server = await invoiceApp({ store, bola: { threshold: 3, window: 60, block: 300 } });
    try {
      expect(await enumerate(server.url, "mallory", 6)).toEqual([404, 404, 404, 429, 429, 429]);
      expect(store.durableSize).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("only reports with block: 0", async () => {
    const events: SecurityEvent[] = [];
    const server = await invoiceApp({ bola: { threshold: 5, block: 0 }, onEvent: (e) => void events.push(e) });
    try {
      const statuses = await enumerate(server.url, "mallory", 30);
      expect(statuses.every((s) => s === 404)).toBe(true);
      const suspected = events.filter((e) => e.type === "bola.suspected");
      expect(suspected).toHaveLength(1);
      expect(suspected[0]).toMatchObject({ principalId: "mallory", code: "AUTHZ_ENUMERATION_SUSPECTED" });
    } finally {
      await server.close();
    }
  });

  it("is off with bola: false", async () => {
    const events: SecurityEvent[] = [];
    const server = await invoiceApp({ bola: false, onEvent: (e) => void events.push(e) });
    try {
      expect((await enumerate(server.url, "mallory", 40)).every((s) => s === 404)).toBe(true);
      expect(events.some((e) => e.type === "bola.suspected")).toBe(false);
    } finally {
      await server.close();
    }
  });

  it("refuses impossible settings", () => {
    expect(() => bulwark({ bola: { threshold: 0 } })).toThrow(/bola.threshold must be at least 1/);
    expect(() => bulwark({ bola: { window: 1.5 } })).toThrow(/bola.window must be a whole number/);
    expect(() => bulwark({ bola: { thresold: 5 } as never })).toThrow(/Did you mean `threshold`/);
  });

  describe("when the store cannot be reached", () => {
    let broken: Redis;
    beforeAll(() => {
      // A real client with nowhere to connect: every command fails at once.
      broken = new Redis({ host: "127.0.0.1", port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    });
    afterAll(async () => {
      // Its one connection attempt was refused and, with no retry, the client has ended.
      if (broken.status !== "end") await new Promise((resolve) => broken.once("end", resolve));
      expect(broken.status).toBe("end");
    });

    it("answers 503 by default (fail closed)", async () => {
      const server = await invoiceApp({ store: redisStore(broken) });
      try {
        const res = await request(server.url).get("/invoices/1").set(as("alice")).expect(503);
        expect(res.body.code).toBe("SERVICE_UNAVAILABLE");
        expect(res.text).not.toMatch(/writeable|ECONNREFUSED|ioredis/i);
      } finally {
        await server.close();
      }
    });

    it("lets the ownership check decide with failOpen: true", async () => {
      const server = await invoiceApp({ store: redisStore(broken), bola: { failOpen: true } });
      try {
        await request(server.url).get("/invoices/1").set(as("alice")).expect(200);
        await request(server.url).get("/invoices/2").set(as("alice")).expect(404);
      } finally {
        await server.close();
      }
    });
  });
});
