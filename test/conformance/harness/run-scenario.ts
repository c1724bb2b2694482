/**
 * Sends one scenario's request to a running app and checks the answer.
 */
import { expect } from "@jest/globals";
import { request as httpRequest } from "node:http";
import type { RunningApp } from "./neutral-app.js";
import type { Scenario } from "./scenario.js";

/** A raw HTTP response. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** Sends a request exactly as given (no client-side JSON encoding or header fixes). */
export function send(app: RunningApp, req: Scenario["request"]): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(app.url);
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
    const headers: Record<string, string | number> = { ...(req.headers ?? {}) };
    if (body !== undefined && headers["content-length"] === undefined && headers["transfer-encoding"] === undefined) headers["content-length"] = body.length;
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, path: req.path, method: req.method, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    // The server may answer (413) and close before the whole body is written.
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && error.code !== "ECONNRESET") reject(error);
    });
    if (body !== undefined) outgoing.write(body);
    outgoing.end();
  });
}

/** Runs a scenario and asserts every expectation. */
export async function runScenario(app: RunningApp, scenario: Scenario): Promise<RawResponse> {
  const res = await send(app, scenario.request);
  const expected = scenario.expect;
  const statuses = typeof expected.status === "number" ? [expected.status] : expected.status;
  expect({ name: scenario.name, status: res.status, allowed: statuses.includes(res.status) }).toEqual({ name: scenario.name, status: res.status, allowed: true });
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    const actual = res.headers[name.toLowerCase()];
    if (value instanceof RegExp) expect(String(actual)).toMatch(value);
    else expect(actual).toBe(value);
  }
  for (const name of expected.absentHeaders ?? []) expect(res.headers[name.toLowerCase()]).toBeUndefined();
  for (const text of expected.bodyExcludes ?? []) expect(res.text).not.toContain(text);
  if (expected.code !== undefined) {
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(body.code).toBe(expected.code);
    expect(body.status).toBe(res.status);
    expect(typeof body.title).toBe("string");
    expect(typeof body.detail).toBe("string");
    expect(body.requestId).toBe(res.headers["x-request-id"]);
    expect(body).not.toHaveProperty("stack");
  }
  if (expected.body) expected.body(JSON.parse(res.text));
  return res;
}
