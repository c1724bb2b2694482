import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { createPathMatcher } from "./path-matcher.js";

const matcherOf = (templates: readonly string[], bases: readonly string[] = [""]) =>
  createPathMatcher(new Map(templates.map((t) => [t, t])), bases);

describe("path matcher", () => {
  const matcher = matcherOf(["/orders", "/orders/{id}", "/orders/mine", "/orders/{id}/lines/{line}"], ["/api"]);

  it("matches exactly, concrete paths first, with decoded parameters", () => {
    expect(matcher.match("/api/orders/mine")?.path.template).toBe("/orders/mine");
    expect(matcher.match("/api/orders/a%20b")).toMatchObject({ path: { template: "/orders/{id}" }, values: { id: "a b" } });
    expect(matcher.match("/orders/1")).toBeUndefined();
    expect(matcher.match("/api/orders/1/lines")).toBeUndefined();
  });

  // Regression: Express and @koa/router route /ORDERS/1 to /orders/:id, and the document's
  // validation was skipped for it because the matcher compared letter case.
  it("regression: matches a path in another letter case, base path included, as Express and Koa route it", () => {
    expect(matcher.match("/api/ORDERS/AbC")).toMatchObject({ path: { template: "/orders/{id}" }, values: { id: "AbC" } });
    expect(matcher.match("/API/Orders/x/Lines/2")).toMatchObject({ path: { template: "/orders/{id}/lines/{line}" }, values: { id: "x", line: "2" } });
    expect(matcher.match("/Api/ORDERS")?.path.template).toBe("/orders");
    expect(matcher.match("/api/Orders/MINE")?.path.template).toBe("/orders/mine");
    expect(matcher.match("/apix/orders/1")).toBeUndefined();
  });

  it("ignores one trailing slash, in any letter case", () => {
    expect(matcher.match("/api/orders/1/")?.path.template).toBe("/orders/{id}");
    expect(matcher.match("/API/ORDERS/1/")?.path.template).toBe("/orders/{id}");
    expect(matcher.match("/api/orders/1//")).toBeUndefined();
  });

  it("keeps templates that differ only in case apart: an exact match wins", () => {
    const both = matcherOf(["/Users/{id}", "/users/{id}", "/users/me"]);
    expect(both.match("/Users/1")?.path.template).toBe("/Users/{id}");
    expect(both.match("/users/1")?.path.template).toBe("/users/{id}");
    // Neither spelling matches exactly: the first in the document's order, as a router takes the first route.
    expect(both.match("/USERS/1")?.path.template).toBe("/Users/{id}");
    expect(both.match("/Users/me")?.path.template).toBe("/Users/{id}");
    expect(both.match("/USERS/ME")?.path.template).toBe("/users/me");
  });

  it("never leaves a path unmatched for its letter case, and prefers an exact match (fast-check)", () => {
    const segment = fc.stringMatching(/^[a-zA-Z0-9_-]{1,8}$/);
    const templates = fc.uniqueArray(fc.array(fc.oneof(segment, fc.constant("{p}")), { minLength: 1, maxLength: 4 }), {
      minLength: 1,
      maxLength: 6,
      selector: (s) => s.join("/").toLowerCase(),
    });
    fc.assert(
      fc.property(templates, fc.nat(), fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }), (segmentLists, pick, flips) => {
        const list = segmentLists.map((segments) => `/${segments.map((s, i) => (s === "{p}" ? `{p${i}}` : s)).join("/")}`);
        const path = list[pick % list.length]!.replace(/\{p\d+\}/g, "Value");
        let i = 0;
        const recased = path.replace(/[a-z]/gi, (c) => (flips[i++ % flips.length] ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c));
        const matcher = matcherOf(list);
        const found = matcher.match(recased);
        expect(found).toBeDefined();
        expect(found!.path.anyCase.test(recased)).toBe(true);
        const exact = list.some((t) => matcherOf([t]).match(recased)?.path.regex.test(recased));
        if (exact) {
          expect(found!.path.regex.test(recased)).toBe(true);
        } else {
          // Without an exact match, the choice is the one a lower-case document makes for a lower-case path.
          const lower = matcherOf(list.map((t) => t.toLowerCase())).match(recased.toLowerCase());
          expect(found!.path.template.toLowerCase()).toBe(lower?.path.template);
        }
      }),
      { numRuns: 300 },
    );
  });
});
