/**
 * sha256: the one-shot and the streaming digests agree, on hostile strings too.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { sha256, sha256Bytes } from "./sha256.js";

describe("sha256", () => {
  it("matches the FIPS 180-2 test vector for \"abc\"", () => {
    expect(Buffer.from(sha256("abc", "base64"), "base64").toString("hex")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Bytes("abc").toString("hex")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("equals createHash over UTF-8 for any string, lone surrogates included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        const expected = createHash("sha256").update(text, "utf8").digest();
        expect(sha256(text, "base64url")).toBe(expected.toString("base64url"));
        expect(sha256(text, "base64")).toBe(expected.toString("base64"));
      }),
    );
  });
});
