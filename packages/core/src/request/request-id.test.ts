import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { isSafeRequestId, resolveRequestId } from "./request-id.js";

describe("request id", () => {
  it("keeps a well-formed incoming id and replaces anything else", () => {
    expect(resolveRequestId({ "x-request-id": "abc-123_x.y:z" }, true)).toBe("abc-123_x.y:z");
    expect(resolveRequestId({ "x-request-id": "a".repeat(129) }, true)).not.toBe("a".repeat(129));
    expect(resolveRequestId({ "x-request-id": "evil\r\nset-cookie: x" }, true)).toMatch(/^[0-9a-f-]{36}$/);
    expect(resolveRequestId({ "x-request-id": "abc" }, false)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("only ever returns safe ids", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "grapheme" })), (incoming) => {
        expect(isSafeRequestId(resolveRequestId({ "x-request-id": incoming }, true))).toBe(true);
      }),
    );
  });
});
