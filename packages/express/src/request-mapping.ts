/**
 * The one mapping between Express's request and response and the core's shapes.
 */
import type { Request, Response } from "express";
import { NodeResponseSink, fromNodeRequest, writeNodeProblem, type Engine, type ProblemResponse, type ResponseSink, type SecurityRequest } from "@bulwark/core";

/** Builds the core's request from an Express request (before routing). */
export function toSecurityRequest(req: Request): SecurityRequest {
  return fromNodeRequest(req, req.originalUrl ?? req.url);
}

/** Gives the core header access to an Express response. */
export function sinkFor(res: Response): ResponseSink {
  return new NodeResponseSink(res);
}

/** Writes a problem response (the only way Bulwark answers a refused request). */
export function writeProblem(res: Response, problem: ProblemResponse, engine: Engine): void {
  writeNodeProblem(res, problem, engine);
}
