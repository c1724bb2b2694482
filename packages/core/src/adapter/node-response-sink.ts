/**
 * The core's header access to Node's `ServerResponse`, which Express's and Koa's responses are
 * (or wrap): one small object per request whose methods live on the prototype, and no framework
 * wrapper between the core and `setHeader` for the dozen headers every request gets.
 */
import type { ServerResponse } from "node:http";
import type { ResponseSink } from "../pipeline/response-sink.js";

/** A {@link ResponseSink} over a Node response: changes nothing once the head is sent. */
export class NodeResponseSink implements ResponseSink {
  /** Wraps `res`. */
  constructor(private readonly res: ServerResponse) {}

  /** Sets a response header, replacing any earlier value, unless the head is already out. */
  setHeader(name: string, value: string): void {
    if (!this.res.headersSent) this.res.setHeader(name, value);
  }

  /** Removes a response header unless the head is already out. */
  removeHeader(name: string): void {
    if (!this.res.headersSent) this.res.removeHeader(name);
  }
}
