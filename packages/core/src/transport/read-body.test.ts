import { describe, expect, it } from "@jest/globals";
import { Readable } from "node:stream";
import { SecurityError } from "../errors/security-error.js";
import { readBody } from "./read-body.js";

function stream(chunks: Buffer[]): Readable {
  return Readable.from(chunks, { objectMode: false });
}

describe("readBody", () => {
  it("reads a body within the limit", async () => {
    const body = await readBody(stream([Buffer.from("ab"), Buffer.from("cd")]), {}, 10);
    expect(body.toString()).toBe("abcd");
  });

  it("refuses a declared length over the limit without reading", async () => {
    await expect(readBody(stream([Buffer.from("x")]), { "content-length": "11" }, 10)).rejects.toMatchObject({ code: "BODY_TOO_LARGE" });
  });

  it("refuses a chunked body as soon as it passes the limit, before it ends", async () => {
    let produced = 0;
    let ended = false;
    const large = new Readable({
      read() {
        produced += 1024;
        setImmediate(() => this.push(produced > 1024 * 1024 ? null : Buffer.alloc(1024, 97)));
      },
    });
    large.on("end", () => { ended = true; });
    const error = await readBody(large, { "transfer-encoding": "chunked" }, 4096).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecurityError);
    expect((error as SecurityError).code).toBe("BODY_TOO_LARGE");
    expect((error as SecurityError).headers.connection).toBe("close");
    expect(ended).toBe(false);
    large.destroy();
  });

  it("refuses a malformed content-length and reports a broken stream as a 400", async () => {
    await expect(readBody(stream([]), { "content-length": "-1" }, 10)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const broken = new Readable({ read() { this.destroy(new Error("socket hang up")); } });
    await expect(readBody(broken, {}, 10)).rejects.toMatchObject({ code: "MALFORMED_BODY" });
  });
});
