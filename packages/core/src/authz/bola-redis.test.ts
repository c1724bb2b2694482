import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import express from "express";
import { Redis } from "ioredis";
import request from "supertest";
import { bulwark, redisStore } from "@bulwark/express";
import type { SecurityEvent } from "../events/security-event.js";
import { testOnlyAuthenticator, TEST_USER_HEADER } from "./test-support/test-authenticator.js";
import { serve, type TestServer } from "./test-support/test-server.js";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `bulwark-test:authz-bola:${process.pid}:${Date.now()}:`;
const PROJECTS = new Map(Array.from({ length: 100 }, (_, i) => [String(i + 1), { id: String(i + 1), ownerId: i < 5 ? "mallory" : "victim" }]));
const as = (user: string) => ({ [TEST_USER_HEADER]: user });

let clientA: Redis;
let clientB: Redis;
let servers: TestServer[] = [];
const events: SecurityEvent[] = [];

/** One app instance with its own Redis connection, as a second process would have. */
async function instance(client: Redis): Promise<TestServer> {
  const { secure, errors } = bulwark({
    authenticate: [testOnlyAuthenticator({ mallory: {}, victim: {} })],
    store: redisStore(client, { prefix }),
    bola: { threshold: 20, window: 60, block: 300 },
    onEvent: (e) => void events.push(e),
  });
  const app = express();
  app.use(secure());
  app.get("/projects/:id", secure({
    owns: { load: (req) => PROJECTS.get(req.params.id ?? ""), owner: (p: { ownerId: string }) => p.ownerId },
  }), (req, res) => void res.json(req.bulwark.resource));
  app.use(errors());
  return serve(app);
}

beforeAll(async () => {
  clientA = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  clientB = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  await Promise.all([clientA.connect(), clientB.connect()]);
  servers = [await instance(clientA), await instance(clientB)];
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  const keys = await clientA.keys(`${prefix}*`);
  if (keys.length > 0) await clientA.del(...keys);
  await Promise.all([clientA.quit(), clientB.quit()]);
});

describe("BOLA enumeration across two instances sharing Redis", () => {
  it("counts denials from both instances together and blocks on both", async () => {
    const statuses: number[] = [];
    for (let id = 1; id <= 100; id++) {
      const server = servers[id % 2]!;
      statuses.push((await request(server.url).get(`/projects/${id}`).set(as("mallory"))).status);
    }
    // Ids 1-5 are mallory's; 6-25 are the 20 tolerated denials, split over both instances; 26 trips.
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5, 25).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(25).every((s) => s === 429)).toBe(true);
    expect(events.some((e) => e.type === "bola.suspected" && e.principalId === "mallory")).toBe(true);

    for (const server of servers) {
      const res = await request(server.url).get("/projects/1").set(as("mallory")).expect(429);
      expect(res.body.code).toBe("AUTHZ_ENUMERATION_BLOCKED");
    }
    const blockKey = (await clientA.keys(`${prefix}bola:block:*`))[0];
    expect(blockKey).toBeDefined();
    expect(await clientA.pttl(blockKey!)).toBeGreaterThan(290_000);
  });

  it("leaves other principals alone on both instances", async () => {
    for (const server of servers) await request(server.url).get("/projects/50").set(as("victim")).expect(200);
  });
});
