import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createEngine, type Engine } from "../pipeline/engine.js";
import { FEATURES } from "../pipeline/features.js";
import { fromNodeRequest } from "./node-request.js";
import { guardNodeResponse, confirmNodeStatus } from "./node-response-guard.js";
import { NodeResponseSink } from "./node-response-sink.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let handler: Handler = (_req, res) => res.end();
let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function get(path = "/"): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      })
      .on("error", reject);
  });
}

/** Asks once and expects deny by default's 403, without the handler's data; returns the answer. */
async function expectRefused(): Promise<Awaited<ReturnType<typeof get>>> {
  const answer = await get();
  expect(answer.status).toBe(403);
  expect(answer.body).not.toContain("secret");
  return answer;
}

/** Starts the engine's request and guards the response, as an adapter does. */
function guard(engine: Engine, req: IncomingMessage, res: ServerResponse, routeRan: boolean, presetStatus?: number): void {
  const state = engine.start(fromNodeRequest(req), new NodeResponseSink(res));
  guardNodeResponse(engine, res, state, presetStatus);
  state.guarded = routeRan;
}

describe("guardNodeResponse", () => {
  const engine = createEngine({}, FEATURES);

  it("lets the payload of a guarded route through, written any way", async () => {
    handler = (req, res) => {
      guard(engine, req, res, true);
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("part ");
      res.end("done");
    };
    const answer = await get();
    expect(answer).toMatchObject({ status: 200, body: "part done" });
    expect(answer.headers["x-request-id"]).toEqual(expect.any(String));
  });

  it("replaces the payload of a route no policy guarded with a 403 problem", async () => {
    handler = (req, res) => {
      guard(engine, req, res, false);
      res.setHeader("x-secret", "handler metadata");
      res.end(JSON.stringify({ secret: "data" }));
    };
    const answer = await expectRefused();
    expect(answer.headers["x-secret"]).toBeUndefined();
    expect(JSON.parse(answer.body)).toMatchObject({ status: 403 });
  });

  it("wraps every response with the same functions (nothing built per request)", async () => {
    const seen: unknown[] = [];
    handler = (req, res) => {
      guard(engine, req, res, true);
      seen.push(res.end, res.write, res.writeHead);
      res.end("ok");
    };
    await get();
    await get();
    expect(seen.slice(0, 3)).toEqual(seen.slice(3, 6));
  });

  // Regression: with shared wrappers, a second guard on the same response must wrap the first
  // rather than replace its record (which would recurse, or drop the first engine's decision).
  it("keeps both decisions when two engines guard one response", async () => {
    const other = createEngine({}, FEATURES);
    handler = (req, res) => {
      guard(engine, req, res, true);
      guard(other, req, res, false);
      res.end("payload");
    };
    const denied = await get();
    expect(denied.status).toBe(403);
    expect(denied.body).not.toContain("payload");

    handler = (req, res) => {
      guard(engine, req, res, false);
      guard(other, req, res, true);
      res.end("payload");
    };
    const deniedByFirst = await get();
    expect(deniedByFirst.status).toBe(403);
    expect(deniedByFirst.body).not.toContain("payload");

    handler = (req, res) => {
      guard(engine, req, res, true);
      guard(other, req, res, true);
      res.end("payload");
    };
    expect(await get()).toMatchObject({ status: 200, body: "payload" });
  });

  it("still decides first when a middleware wrapped the response's methods before the guard", async () => {
    handler = (req, res) => {
      // As compression middleware does: own wrappers around whatever the response had.
      const end = res.end;
      res.end = function wrappedEnd(this: ServerResponse, ...args: unknown[]) {
        return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
      } as ServerResponse["end"];
      guard(engine, req, res, false);
      res.end(JSON.stringify({ secret: "data" }));
    };
    await expectRefused();
  });

  it("leaves a response no engine guarded as Node writes it", async () => {
    handler = (_req, res) => {
      res.setHeader("x-own", "kept");
      res.writeHead(202, { "content-type": "text/plain" });
      res.write("as ");
      res.end("written");
    };
    const answer = await get();
    expect(answer).toMatchObject({ status: 202, body: "as written" });
    expect(answer.headers["x-own"]).toBe("kept");
    expect(answer.headers["x-request-id"]).toBeUndefined();
  });

  it("judges a head left at the framework's preset status as a success, not an error", async () => {
    handler = (req, res) => {
      res.statusCode = 404; // what Koa puts on every response before any middleware runs
      guard(engine, req, res, false, 404);
      res.end(JSON.stringify({ secret: "data" }));
    };
    await expectRefused();
  });

  it("lets a confirmed status equal to the preset pass as the error it is, and prepares the head", async () => {
    handler = (req, res) => {
      res.statusCode = 404;
      guard(engine, req, res, false, 404);
      confirmNodeStatus(res);
      res.end("not found");
    };
    const answer = await get();
    expect(answer).toMatchObject({ status: 404, body: "not found" });
    expect(answer.headers["x-request-id"]).toEqual(expect.any(String));
  });

  it("confirms the status to a guard that wraps the response's own methods too", async () => {
    handler = (req, res) => {
      // An earlier middleware's own wrapper sits in front of the shared ones.
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.end = ((...args: unknown[]) => end(...args)) as ServerResponse["end"];
      res.statusCode = 404;
      guard(engine, req, res, false, 404);
      confirmNodeStatus(res);
      res.end("not found");
    };
    const answer = await get();
    expect(answer).toMatchObject({ status: 404, body: "not found" });
  });

  it("still judges a confirmed response whose status turns into a success on the way out", async () => {
    handler = (req, res) => {
      res.statusCode = 404;
      guard(engine, req, res, false, 404);
      confirmNodeStatus(res);
      res.statusCode = 200; // a middleware above the adapter's layer turning a 404 into a page
      res.end(JSON.stringify({ secret: "data" }));
    };
    await expectRefused();
  });
});
