/**
 * TEST ONLY: serves an app on 127.0.0.1 on a free port, and closes it with its connections.
 */
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";

/** A running test server. */
export interface TestServer {
  /** `http://127.0.0.1:<port>`, for supertest. */
  readonly url: string;
  /** Stops the server and drops its connections. */
  close(): Promise<void>;
}

/** Starts `app` on a free loopback port. */
export async function serve(app: RequestListener): Promise<TestServer> {
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
