/**
 * Fetching key material and metadata: no redirects followed, a deadline, and a bounded body, so a
 * slow or hostile endpoint can neither hang nor flood the server.
 */

/** The bounded result of one fetch. */
export interface LimitedResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

/** Raised when a response body is larger than allowed. */
export class ResponseTooLargeError extends Error {
  constructor(maxBytes: number) {
    super(`response body larger than ${maxBytes} bytes`);
    this.name = "ResponseTooLargeError";
  }
}

/**
 * GETs `url` with the given signal (which carries the deadline) and reads at most `maxBytes` of
 * its body. Redirects are not followed: a 3xx comes back as its status.
 */
export async function fetchLimited(
  url: string | URL,
  init: { readonly signal: AbortSignal; readonly headers?: Headers | Readonly<Record<string, string>> },
  maxBytes: number,
): Promise<LimitedResponse> {
  const response = await fetch(url, {
    method: "GET",
    redirect: "manual",
    signal: init.signal,
    ...(init.headers === undefined ? {} : { headers: init.headers }),
  });
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new ResponseTooLargeError(maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body !== null) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new ResponseTooLargeError(maxBytes);
      }
      chunks.push(value);
    }
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { status: response.status, headers: response.headers, body };
}
