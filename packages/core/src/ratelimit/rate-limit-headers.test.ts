import { describe, expect, it } from "@jest/globals";
import express from "express";
import request from "supertest";
import { bulwark } from "@bulwark/express";
import { headerBuilder, policyItem, type LimitOutcome } from "./rate-limit-headers.js";
import { rateLimitHeadersCorpus } from "./test-support/corpora.js";
import { parseStringList } from "./test-support/structured-fields.js";

const corpus = rateLimitHeadersCorpus();

function outcome(name: string, quota: number, window: number, remaining: number, resetMs: number, limited = false): LimitOutcome {
  return { name, policyItem: policyItem(name, quota, window), quota, remaining, resetMs, limited };
}

describe("RateLimit header fields (draft 10)", () => {
  it("the test's Structured Field parser reads every example of the draft", () => {
    const examples = corpus.latest_draft10.examples.map((line) => line.slice(line.indexOf(":") + 1));
    expect(examples.length).toBeGreaterThan(5);
    for (const example of examples) expect(parseStringList(example).length).toBeGreaterThan(0);
    expect(() => parseStringList("limit=10, remaining=1, reset=7")).toThrow(SyntaxError);
  });

  it("writes named policies with q and w, and the state with r and t, as Structured Field lists", () => {
    const headers = headerBuilder(true, false)([outcome("per-second", 10, 1, 9, 400), outcome("per-hour", 1000, 3600, 990, 3_599_001)]);
    const policy = parseStringList(headers["RateLimit-Policy"]!);
    const state = parseStringList(headers["RateLimit"]!);
    expect(policy).toEqual([
      { value: "per-second", params: { q: 10, w: 1 } },
      { value: "per-hour", params: { q: 1000, w: 3600 } },
    ]);
    expect(state).toEqual([
      { value: "per-second", params: { r: 9, t: 1 } },
      { value: "per-hour", params: { r: 990, t: 3600 } },
    ]);
  });

  it("sends the single-limit fields of the tightest limit on option", () => {
    const outcomes = [outcome("a", 10, 1, 5, 400), outcome("b", 100, 60, 2, 30_000)];
    expect(headerBuilder(false, "draft-6")(outcomes)).toEqual({ "RateLimit-Limit": "100", "RateLimit-Remaining": "2", "RateLimit-Reset": "30" });
    const legacy = headerBuilder(false, "x-ratelimit")(outcomes);
    expect(legacy["X-RateLimit-Limit"]).toBe("100");
    expect(Number(legacy["X-RateLimit-Reset"]) - Math.ceil(Date.now() / 1000)).toBeGreaterThanOrEqual(29);
  });

  it("on a real app: q is the configured limit, w the window, r falls with each request, t never exceeds Retry-After, no partition key", async () => {
    const security = bulwark({ rateLimit: [{ points: 3, duration: 60, name: "burst" }, { points: 50, duration: 86_400, name: "daily" }] });
    const app = express();
    app.use(security.secure());
    app.get("/r", security.secure({ public: true }), (_req, res) => void res.json({ ok: true }));
    app.use(security.errors());
    const remaining: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await request(app).get("/r");
      const policy = parseStringList(response.headers["ratelimit-policy"]!);
      const state = parseStringList(response.headers["ratelimit"]!);
      expect(policy.map((p) => [p.value, p.params.q, p.params.w])).toEqual([["burst", 3, 60], ["daily", 50, 86_400]]);
      for (const item of [...policy, ...state]) expect(item.params.pk).toBeUndefined();
      expect(JSON.stringify(response.headers)).not.toContain("127.0.0.1");
      remaining.push(state[0]!.params.r as number);
      if (response.status === 429) {
        expect(Number(response.headers["retry-after"])).toBeGreaterThanOrEqual(state[0]!.params.t as number);
      }
    }
    expect(remaining).toEqual([2, 1, 0, 0]);
  });
});
