/**
 * `frameworkErrors` for the Fastify constructor: the errors Fastify raises before routing (a URL
 * that does not decode, an over-long path parameter, a failing async constraint) bypass every
 * plugin hook, so a plugin cannot answer them; Fastify hands them to this option instead.
 */
import { randomUUID } from "node:crypto";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { formatProblem } from "@bulwark/core";
import { sendProblem } from "./request-mapping.js";
import { RUNTIME, type PluginRuntime } from "./request-slot.js";

const GENERIC = Object.freeze({ expose: false, typeBase: undefined });

/**
 * Answers Fastify's pre-routing errors as problem+json with the security headers and request id,
 * like every other error: `Fastify({ frameworkErrors })`, then `register(bulwark, config)`.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const runtime = (request.server as unknown as { [RUNTIME]?: PluginRuntime })[RUNTIME];
  if (runtime !== undefined) {
    runtime.fail(error, request, reply);
    return;
  }
  // The plugin is not registered on the root instance: still answer without internals.
  sendProblem(reply, formatProblem(error, randomUUID(), GENERIC), undefined);
}
