import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import fc from "fast-check";
import { serve, type TestServer } from "../authz/test-support/test-server.js";
import { createEngine } from "../pipeline/engine.js";
import { FEATURES } from "../pipeline/features.js";
import { fromNodeRequest } from "./node-request.js";
import { NodeRequestBody } from "./node-request-body.js";
import { NodeResponseSink } from "./node-response-sink.js";

const LIMIT = 64;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let handler: Handler = (_req, res) => res.end();
let server: TestServer;
let port: number;

beforeAll(async () => {
  server = await serve((req, res) => handler(req, res));
  port = Number(new URL(server.url).port);
});

afterAll(() => server.close());

/** Sends `body` (with `headers`) and resolves with the server's answer. */
function send(body: Buffer, headers: http.OutgoingHttpHeaders): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: "127.0.0.1", port, method: "POST", path: "/", agent: false, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    // The server may answer (413) and close before the whole body is written.
    request.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error)));
    request.end(body);
  });
}

/** Reads the body through NodeRequestBody and answers with its bytes, or the refusal's code. */
function echoThrough(limit: number): Handler {
  return (req, res) => {
    new NodeRequestBody(req).read(limit).then(
      (bytes) => res.end(Buffer.from(bytes).toString("hex")),
      (error: { code?: string }) => {
        res.statusCode = error.code === "BODY_TOO_LARGE" ? 413 : 400;
        res.setHeader("connection", "close");
        res.end(String(error.code));
      },
    );
  };
}

describe("NodeRequestBody", () => {
  it("is the engine's stream access and reads nothing until asked", async () => {
    let state: { kind: string; flowing: boolean | null; consumed: boolean } | undefined;
    handler = (req, res) => {
      const body = new NodeRequestBody(req);
      state = { kind: body.kind, flowing: req.readableFlowing, consumed: req.readableEnded };
      req.resume();
      req.on("end", () => res.end());
    };
    await send(Buffer.from("{}"), { "content-type": "application/json", "content-length": 2 });
    expect(state).toEqual({ kind: "stream", flowing: null, consumed: false });
  });

  it("hands over exactly the bytes sent, whatever they are, up to the limit", async () => {
    handler = echoThrough(LIMIT);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: LIMIT }), fc.boolean(), async (bytes, chunked) => {
        const body = Buffer.from(bytes);
        const headers: http.OutgoingHttpHeaders = chunked ? { "transfer-encoding": "chunked" } : { "content-length": body.length };
        const answer = await send(body, headers);
        expect(answer).toEqual({ status: 200, text: body.toString("hex") });
      }),
      { numRuns: 40 },
    );
  });

  it("refuses a body over the limit, declared or chunked, with a 413 and never a crash", async () => {
    handler = echoThrough(LIMIT);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: LIMIT + 1, max: 4 * LIMIT }), fc.boolean(), async (size, chunked) => {
        const body = Buffer.alloc(size, 0x41);
        const headers: http.OutgoingHttpHeaders = chunked ? { "transfer-encoding": "chunked" } : { "content-length": size };
        const answer = await send(body, headers);
        expect(answer).toEqual({ status: 413, text: "BODY_TOO_LARGE" });
      }),
      { numRuns: 20 },
    );
  });

  it("gives the engine a JSON body it parses, and one over the engine's limit is refused", async () => {
    const engine = createEngine({ limits: { bodyBytes: LIMIT } }, FEATURES);
    handler = (req, res) => {
      const state = engine.start(fromNodeRequest(req), new NodeResponseSink(res));
      const refuse = (error: unknown) => {
        const problem = engine.problem(error, state);
        res.statusCode = problem.status;
        res.setHeader("connection", "close");
        res.end(String((problem.body as { code?: string }).code));
      };
      // A refusal the engine can make at once (a declared length over the limit) is thrown.
      let pending: Promise<void> | undefined;
      try {
        pending = engine.global(state, new NodeRequestBody(req));
      } catch (error) {
        return refuse(error);
      }
      Promise.resolve(pending).then(() => res.end(JSON.stringify(state.request.body)), refuse);
    };
    const small = Buffer.from(JSON.stringify({ title: "a" }));
    expect(await send(small, { "content-type": "application/json", "content-length": small.length })).toEqual({ status: 200, text: '{"title":"a"}' });
    const large = Buffer.from(JSON.stringify({ title: "a".repeat(LIMIT) }));
    expect(await send(large, { "content-type": "application/json", "content-length": large.length })).toEqual({ status: 413, text: "BODY_TOO_LARGE" });
    expect(await send(large, { "content-type": "application/json", "transfer-encoding": "chunked" })).toEqual({ status: 413, text: "BODY_TOO_LARGE" });
  });
});
