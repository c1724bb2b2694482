/**
 * Reads a request body from a Node stream with a hard byte limit: a declared length over the limit
 * is refused before reading, and a chunked body is cut off the moment it passes the limit.
 */
import { SecurityError } from "../errors/security-error.js";
import type { HeaderMap } from "../request/security-request.js";

/**
 * A body over the limit is answered at once; the rest of it is drained (never buffered) so the
 * client can read the 413, and the connection is closed after the answer so the drain ends.
 */
export function bodyTooLarge(): SecurityError {
  return new SecurityError("BODY_TOO_LARGE", { headers: { connection: "close" } });
}

/** The minimal readable stream a body is read from (Node's `IncomingMessage`). */
export interface BodyStream {
  on(event: "data", listener: (chunk: Buffer) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "aborted", listener: () => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  pause?(): unknown;
  resume?(): unknown;
  unpipe?(): unknown;
}

/** Reads the whole body, at most `limit` bytes. */
export function readBody(stream: BodyStream, headers: HeaderMap, limit: number): Promise<Buffer> {
  const declared = headers["content-length"];
  if (typeof declared === "string" && declared !== "") {
    const length = Number(declared);
    if (!Number.isSafeInteger(length) || length < 0) return Promise.reject(new SecurityError("BAD_REQUEST"));
    if (length > limit) {
      // Drain without buffering so that the connection can carry the 413 answer.
      stream.resume?.();
      return Promise.reject(bodyTooLarge());
    }
  }
  const state = stream as { destroyed?: boolean; readableAborted?: boolean; readableEnded?: boolean };
  if (state.destroyed === true || state.readableAborted === true) {
    return Promise.reject(new SecurityError("MALFORMED_BODY", { detail: "The request was aborted." }));
  }
  if (state.readableEnded === true) return Promise.resolve(Buffer.alloc(0));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;

    const finish = (error: unknown, body?: Buffer) => {
      if (settled) return;
      settled = true;
      stream.removeListener("data", onData);
      stream.removeListener("end", onEnd);
      stream.removeListener("error", onError);
      stream.removeListener("aborted", onAborted);
      if (error) {
        // Keep consuming (and discarding) so the socket is not stuck.
        stream.resume?.();
        reject(error);
      } else {
        resolve(body!);
      }
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        finish(bodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
    const onError = (error: Error) => finish(new SecurityError("MALFORMED_BODY", { cause: error }));
    const onAborted = () => finish(new SecurityError("MALFORMED_BODY", { detail: "The request was aborted." }));

    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
    stream.on("aborted", onAborted);
    stream.resume?.();
  });
}
