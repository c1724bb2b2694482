/**
 * One HTTP call with node:http, the path sent exactly as written (no URL normalisation, so that
 * `/admin/./notes` or `//admin/notes` reach the server as such).
 */
import { request, type IncomingHttpHeaders } from "node:http";

/** A response, read to the end. */
export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON (`undefined` when empty). */
  readonly body: unknown;
}

/** What to send besides the method and path. */
export interface CallOptions {
  /** A bearer token. */
  readonly token?: string | undefined;
  /** A JSON body (sent with `content-type: application/json`). */
  readonly json?: unknown;
  /** More request headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Sends `method path` to `base` (`http://127.0.0.1:<port>`). */
export function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const { hostname, port } = new URL(base);
  const payload = options.json === undefined ? undefined : Buffer.from(JSON.stringify(options.json));
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (payload !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port: Number(port), method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown;
        try {
          body = text === "" ? undefined : JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}
