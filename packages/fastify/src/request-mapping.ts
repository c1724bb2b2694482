/**
 * The one mapping between Fastify's request and reply and the core's shapes.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { PAYLOAD_HEADERS, fromNodeRequest, stripHandlerHeaders, type Engine, type HeaderHolder, type ProblemResponse, type ResponseSink, type SecurityRequest } from "@bulwark/core";

/** Builds the core's request from a Fastify request (routing done, body not read yet). */
export function toSecurityRequest(request: FastifyRequest): SecurityRequest {
  return fromNodeRequest(request.raw);
}

/** Header access to a Fastify reply: the headers go out with whatever Fastify sends. */
export class ReplySink implements ResponseSink {
  /** Wraps `reply`. */
  constructor(private readonly reply: FastifyReply) {}

  /** Sets a header unless the head is already out. */
  setHeader(name: string, value: string): void {
    if (!this.reply.raw.headersSent) this.reply.header(name, value);
  }

  /** Removes a header. */
  removeHeader(name: string): void {
    this.reply.removeHeader(name);
  }
}

/** The reply's headers as the core's header holder. */
export function replyHeaders(reply: FastifyReply): HeaderHolder {
  return {
    getHeaderNames: () => Object.keys(reply.getHeaders()),
    removeHeader: (name) => reply.removeHeader(name),
  };
}

/** Answers with a problem (the only way Bulwark answers a refused request). */
export function sendProblem(reply: FastifyReply, problem: ProblemResponse, engine: Engine | undefined): void {
  if (reply.sent) return;
  if (reply.raw.headersSent) {
    reply.raw.destroy();
    return;
  }
  if (engine !== undefined) stripHandlerHeaders(replyHeaders(reply), engine);
  else for (const name of PAYLOAD_HEADERS) reply.removeHeader(name);
  reply.code(problem.status).headers(problem.headers);
  // Serialised here so that no reply serializer or response filter touches the problem body.
  reply.send(JSON.stringify(problem.body));
}
