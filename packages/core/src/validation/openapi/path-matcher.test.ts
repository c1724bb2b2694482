import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { AMBIGUOUS, createPathMatcher, type PathMatch } from "./path-matcher.js";

const routedMatcherOf = (templates: readonly string[], bases: readonly string[] = [""]) =>
  createPathMatcher(new Map(templates.map((t) => [t, t])), bases);

/** A matcher asked without a route, which can never answer AMBIGUOUS. */
const matcherOf = (templates: readonly string[], bases: readonly string[] = [""]) => {
  const matcher = routedMatcherOf(templates, bases);
  return {
    match(path: string): PathMatch<string> | undefined {
      const found = matcher.match(path);
      if (found === AMBIGUOUS) throw new Error(`${path} was ambiguous without a route`);
      return found;
    },
  };
};

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

  // Regression: `/orders/BULK` matches `/orders/{id}` in its own letter case and `/orders/bulk`
  // ignoring it. A case-insensitive router that took `/orders/bulk` first served it there while
  // the request was validated against `/orders/{id}`'s operation (and the reverse for `/orders/bulk`
  // on a router that took `/orders/:id` first): a handler got input its own operation refuses.
  describe("a path several templates match (regression: validated against another handler's operation)", () => {
    const contested = routedMatcherOf(["/orders/{id}", "/orders/bulk", "/users/{name}", "/users/me", "/items/{id}"], ["/api"]);
    const templateOf = (path: string, route?: unknown) => {
      const found = contested.match(path, route);
      return found === AMBIGUOUS ? found : found?.path.template;
    };

    it("takes the template the framework's route has the shape of, in any letter case", () => {
      for (const path of ["/api/orders/BULK", "/api/orders/bulk", "/API/Orders/Bulk/"]) {
        expect(templateOf(path, "/orders/bulk")).toBe("/orders/bulk");
        expect(templateOf(path, "/api/orders/:id")).toBe("/orders/{id}");
        expect(templateOf(path, "/Orders/Bulk")).toBe("/orders/bulk");
      }
      expect(templateOf("/api/users/ME", "/users/:name")).toBe("/users/{name}");
      expect(templateOf("/api/users/ME", "/users/me")).toBe("/users/me");
    });

    it("compares from the last segment, for a route of a router mounted under a prefix", () => {
      expect(templateOf("/api/orders/bulk", "/:id")).toBe("/orders/{id}");
      expect(templateOf("/api/orders/BULK", "/bulk")).toBe("/orders/bulk");
      expect(templateOf("/api/orders/bulk", "/:id{.:format}")).toBe("/orders/{id}");
    });

    it("answers AMBIGUOUS when the route agrees with none, or is no template", () => {
      expect(templateOf("/api/orders/BULK", "/orders/bulk/:line")).toBe(AMBIGUOUS);
      expect(templateOf("/api/orders/BULK", "/shop/:id")).toBe(AMBIGUOUS);
      expect(templateOf("/api/orders/BULK", /^\/orders\/.+$/i)).toBe(AMBIGUOUS);
      expect(templateOf("/api/orders/BULK", "/")).toBe(AMBIGUOUS);
    });

    it("without a route, keeps the document's preference and says the path was contested", () => {
      expect(contested.match("/api/orders/BULK")).toMatchObject({ path: { template: "/orders/{id}" }, contested: true });
      expect(contested.match("/api/orders/bulk")).toMatchObject({ path: { template: "/orders/bulk" }, contested: true });
    });

    it("leaves a path only one template matches to that template, whatever the route", () => {
      expect(contested.match("/api/orders/42", "/orders/bulk")).toMatchObject({ path: { template: "/orders/{id}" }, contested: false });
      expect(contested.match("/api/items/BULK", "/nothing/like/it")).toMatchObject({ path: { template: "/items/{id}" }, contested: false });
      expect(contested.match("/api/nowhere", "/orders/:id")).toBeUndefined();
    });

    it("settles every contested path by a route of the template's shape (fast-check)", () => {
      const segment = fc.stringMatching(/^[a-zA-Z0-9_-]{1,6}$/);
      const shapes = fc.uniqueArray(fc.array(fc.oneof(segment, fc.constant("{p}")), { minLength: 1, maxLength: 3 }), {
        minLength: 2,
        maxLength: 6,
        selector: (s) => s.map((x) => (x === "{p}" ? x : x.toLowerCase())).join("/"),
      });
      fc.assert(
        fc.property(shapes, fc.nat(), fc.nat(), fc.array(fc.boolean(), { minLength: 1, maxLength: 32 }), (segmentLists, pick, valuePick, flips) => {
          const templates = segmentLists.map((segments) => `/${segments.map((s, i) => (s === "{p}" ? `{p${i}}` : s)).join("/")}`);
          const matcher = routedMatcherOf(templates);
          const chosen = segmentLists[pick % segmentLists.length]!;
          // A concrete path the chosen template matches, its parameters given other templates' literals.
          const literals = segmentLists.flat().filter((s) => s !== "{p}");
          let i = 0;
          const path = `/${chosen.map((s) => (s === "{p}" ? (literals[(valuePick + i++) % Math.max(literals.length, 1)] ?? "v") : s)).join("/")}`;
          let f = 0;
          const recased = path.replace(/[a-z]/gi, (c) => (flips[f++ % flips.length] ? c.toUpperCase() : c.toLowerCase()));
          const route = `/${chosen.map((s, n) => (s === "{p}" ? `:p${n}` : s)).join("/")}`;
          const found = matcher.match(recased, route);
          expect(found).not.toBe(AMBIGUOUS);
          if (found === AMBIGUOUS || found === undefined) throw new Error(`${recased} unmatched`);
          const shapeOf = (template: string) => template.split("/").map((s) => (s.includes("{") ? "{}" : s.toLowerCase())).join("/");
          expect(shapeOf(found.path.template)).toBe(shapeOf(templates[pick % templates.length]!));
        }),
        { numRuns: 300 },
      );
    });
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
