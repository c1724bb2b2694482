/**
 * The body of a Node request as the engine's stream access, shared by the adapters whose
 * framework leaves the body unread (Express, Koa). The engine reads it only for a request that
 * declares a body, through `readBody` and its byte limit. A class rather than a closure: its
 * method lives on the prototype, so beginning a request allocates one small object and no function.
 */
import type { IncomingMessage } from "node:http";
import { readBody } from "../transport/read-body.js";

/** A `BodyAccess` of kind `"stream"` over a Node request. */
export class NodeRequestBody {
  /** The engine reads the raw bytes. */
  readonly kind = "stream" as const;

  /** Wraps `raw`; nothing is read until `read` is called. */
  constructor(private readonly raw: IncomingMessage) {}

  /** Reads the whole body, at most `limit` bytes (a declared length over it is refused unread). */
  read(limit: number): Promise<Uint8Array> {
    return readBody(this.raw, this.raw.headers, limit);
  }
}
