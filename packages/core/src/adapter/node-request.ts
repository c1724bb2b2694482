/**
 * The core's request built from Node's `IncomingMessage`, which every Node framework wraps: the
 * one mapping the adapters share (each passes the URL its framework keeps before any rewrite).
 */
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { SecurityRequest } from "../request/security-request.js";

/** Builds a {@link SecurityRequest} from a Node request, before routing. */
export function fromNodeRequest(raw: IncomingMessage, url: string = raw.url ?? "/", body?: unknown): SecurityRequest {
  const queryStart = url.indexOf("?");
  return {
    method: (raw.method ?? "GET").toUpperCase(),
    url,
    path: queryStart === -1 ? url : url.slice(0, queryStart),
    route: undefined,
    headers: raw.headers,
    rawHeaders: raw.rawHeaders,
    params: {},
    query: {},
    body,
    remoteAddress: raw.socket.remoteAddress,
    encrypted: (raw.socket as Partial<TLSSocket>).encrypted === true,
  };
}
