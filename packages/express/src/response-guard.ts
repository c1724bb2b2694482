/**
 * The response phase on Express: property filters on `res.json`, and deny by default on the
 * moment the head is written (whichever way the handler responds: json, send, write, pipe, end).
 */
import type { Response } from "express";
import type { Engine, ProblemResponse, RequestState } from "@bulwark/core";
import { PAYLOAD_HEADERS } from "./request-mapping.js";

type Writer = (...args: unknown[]) => unknown;

/** Wraps the response of one request so that the core decides what leaves. */
export function guardResponse(engine: Engine, res: Response, state: RequestState): void {
  const originalJson = res.json as unknown as (body: unknown) => Response;
  const originalWriteHead = res.writeHead as unknown as Writer;
  const originalWrite = res.write as unknown as Writer;
  const originalEnd = res.end as unknown as Writer;
  let decided = false;
  let replacement: string | undefined;

  function decide(status: number): void {
    if (decided) return;
    decided = true;
    const problem: ProblemResponse | undefined = engine.unguarded(state, status);
    if (problem === undefined) return;
    replacement = JSON.stringify(problem.body);
    for (const name of PAYLOAD_HEADERS) res.removeHeader(name);
    for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
    res.setHeader("content-length", Buffer.byteLength(replacement));
    res.statusCode = problem.status;
  }

  res.json = function bulwarkJson(this: Response, body: unknown) {
    return originalJson.call(this, engine.respond(state, body));
  } as Response["json"];

  res.writeHead = function bulwarkWriteHead(this: Response, status: number, ...rest: unknown[]) {
    decide(status);
    if (replacement !== undefined) return originalWriteHead.call(this, res.statusCode);
    return originalWriteHead.call(this, status, ...rest);
  } as Response["writeHead"];

  res.write = function bulwarkWrite(this: Response, ...args: unknown[]) {
    if (!res.headersSent) decide(res.statusCode);
    if (replacement !== undefined) {
      const callback = args.find((a) => typeof a === "function") as (() => void) | undefined;
      if (callback) process.nextTick(callback);
      return true;
    }
    return originalWrite.apply(this, args);
  } as Response["write"];

  res.end = function bulwarkEnd(this: Response, ...args: unknown[]) {
    if (!res.headersSent) decide(res.statusCode);
    if (replacement !== undefined) {
      const callback = args.find((a) => typeof a === "function");
      return originalEnd.call(this, replacement, "utf8", callback);
    }
    return originalEnd.apply(this, args);
  } as Response["end"];
}
