/**
 * Test support: sends a request over a raw socket, byte for byte, for what HTTP clients refuse to
 * send (two Authorization headers, bytes outside printable ASCII).
 */
import net from "node:net";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";

/** The status code and raw text of the response. */
export interface RawResponse {
  readonly status: number;
  readonly text: string;
}

/** Sends `head` (request line and header lines, without the final blank line) to `server`. */
export function rawRequest(server: Server, head: readonly string[]): Promise<RawResponse> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("latin1");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text });
    });
    socket.end(Buffer.from([...head, "Connection: close", "", ""].join("\r\n"), "latin1"));
  });
}
