import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { bulwark } from "@bulwark/express";
import { ConfigError } from "../errors/security-error.js";
import type { SecurityEvent } from "../events/security-event.js";
import { startApp, type TestApp } from "../validation/test-support/express-app.js";
import { createMasker, maskCard, maskEmail, maskIban, maskPhone } from "./mask.js";
import { maskEvents } from "./mask-events.js";
import { Entity, asEntities } from "../authz/test-support/entities.js";

describe("built-in masks", () => {
  it("masks e-mail addresses, phone numbers, cards and IBANs", () => {
    expect(maskEmail("jane.doe@example.com")).toBe("j***@example.com");
    expect(maskEmail("not an address")).toBe("***");
    expect(maskPhone("+1 415 555 0132")).toBe("+* *** *** **32");
    expect(maskPhone("12")).toBe("***");
    expect(maskCard("4111 1111 1111 1111")).toBe("************1111");
    expect(maskCard(4111111111111111)).toBe("************1111");
    expect(maskCard("123")).toBe("****");
    expect(maskIban("DE89 3704 0044 0532 0130 00")).toBe("DE****************3000");
    expect(maskIban({})).toBe("****");
  });

  it("keeps nothing of a card number but the last four digits", () => {
    const masked = maskCard("5500-0000-0000-0004");
    expect(masked.replace(/\*/g, "")).toBe("0004");
  });
});

describe("createMasker", () => {
  const mask = createMasker({
    email: "email",
    cardNumber: "card",
    accessToken: "token",
    "customer.phone": "phone",
    ssn: (value) => `***-**-${String(value).slice(-4)}`,
  });

  it("masks by name at any depth, by dotted path from the root, through arrays", () => {
    const payload = {
      email: "a@example.com",
      customer: { phone: "+44 20 7946 0958", email: "b@example.com" },
      orders: [{ cardNumber: "4111111111111111", accessToken: "eyJhbGciOi.x.y" }],
      other: { phone: "+44 20 7946 0000" },
      ssn: "123-45-6789",
      emails: undefined,
    };
    expect(mask(payload)).toEqual({
      email: "a***@example.com",
      customer: { phone: "+** ** **** **58", email: "b***@example.com" },
      orders: [{ cardNumber: "************1111", accessToken: "[redacted]" }],
      other: { phone: "+44 20 7946 0000" },
      ssn: "***-**-6789",
      emails: undefined,
    });
  });

  it("works on a copy and leaves the handler's objects alone", () => {
    const payload = { email: "a@example.com", list: [{ email: "c@example.com" }] };
    const copy = structuredClone(payload);
    mask(payload);
    expect(payload).toEqual(copy);
  });

  it("masks each item of a list under a masked name, and what toJSON serialises", () => {
    class Customer {
      constructor(private readonly address: string) {}
      toJSON() {
        return { email: this.address };
      }
    }
    expect(mask({ email: ["x@example.com", "y@example.com"], customer: new Customer("z@example.com") })).toEqual({
      email: ["x***@example.com", "y***@example.com"],
      customer: { email: "z***@example.com" },
    });
  });
});

describe("mask on responses (Express)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ mask: { email: "email", iban: "iban", token: "token" } }, [
      {
        path: "/account",
        policy: { public: true },
        handler: (_req, res) => {
          res.json({ id: 7, email: "jane@example.com", iban: "GB82WEST12345698765432", token: "s3cr3t-t0k3n", nested: [{ email: "joe@example.com" }] });
        },
      },
      {
        path: "/account/summary",
        policy: { public: true, response: { fields: ["id", "email"] } },
        handler: (_req, res) => {
          res.json({ id: 7, email: "jane@example.com", iban: "GB82WEST12345698765432", token: "s3cr3t-t0k3n" });
        },
      },
    ]);
  });
  afterAll(() => app.close());

  it("masks every JSON response of a guarded route", async () => {
    const response = await app.request.get("/account");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: 7, email: "j***@example.com", iban: "GB****************5432", token: "[redacted]", nested: [{ email: "j***@example.com" }] });
    expect(response.text).not.toContain("s3cr3t");
  });

  it("filters the properties first, then masks what is left, on a route with both", async () => {
    const response = await app.request.get("/account/summary");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: 7, email: "j***@example.com" });
  });
});

describe("mask configuration", () => {
  it("refuses unknown kinds and bad field names at startup, listing each", () => {
    let error: unknown;
    try {
      bulwark({ mask: { email: "emial" as never, "": "card", "a..b": "token" } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(3);
    expect((error as ConfigError).message).toContain("mask.email must be one of");
  });
});

describe("maskEvents", () => {
  it("masks the named fields of every event the listener gets", async () => {
    const events: SecurityEvent[] = [];
    const app = await startApp({ onEvent: maskEvents({ principalId: "email", ip: "redact" }, (event) => { events.push(event); }) }, [
      { method: "post", path: "/items", policy: { public: true, body: { type: "object", properties: { n: { type: "integer" } } } } },
    ]);
    try {
      expect((await app.request.post("/items").send({ n: "x" })).status).toBe(400);
      const event = events.find((e) => e.type === "validation.failed");
      expect(event?.ip).toBe("[redacted]");
      expect(event?.code).toBe("VALIDATION_FAILED");
    } finally {
      await app.close();
    }
  });

  it("refuses bad rules and a missing listener", () => {
    expect(() => maskEvents({ ip: "nope" as never }, () => undefined)).toThrow(ConfigError);
    expect(() => maskEvents({ ip: "redact" }, undefined as never)).toThrow(ConfigError);
  });
});

// Regression: masks skipped any object whose prototype was not Object.prototype (and that had no
// toJSON), although JSON.stringify sends its own fields: ORM entities and DTO classes left unmasked.
describe("createMasker on class instances (regression: they were sent unmasked)", () => {
  const mask = createMasker({ email: "email", card: "card", "owner.phone": "phone" });
  class User {
    id = "u1";
    email = "jane.doe@example.com";
    card = "4111111111111111";
    get secret() {
      return "prototype getters are not sent";
    }
  }

  it("masks a class instance at the root, nested, and in arrays, as a plain copy of its own fields", () => {
    const masked = { id: "u1", email: "j***@example.com", card: "************1111" };
    expect(mask(new User())).toEqual(masked);
    expect(Object.getPrototypeOf(mask(new User()))).toBe(Object.prototype);
    expect(mask({ users: [new User()], owner: new Entity({ phone: "+1 415 555 0132", user: new User() }) })).toEqual({
      users: [masked],
      owner: { phone: "+* *** *** **32", user: masked },
    });
    expect(JSON.stringify(mask([[new User()]]))).not.toMatch(/jane|4111111111111111|prototype getters/);
  });

  it("sends what JSON.stringify sends for Maps, Sets, Dates, Buffers and boxed values", () => {
    const when = new Date("2024-01-02T03:04:05Z");
    const tagged = Object.assign(new Map([["email", "x@example.com"]]), { email: "y@example.com" });
    const payload = { map: new Map([["email", "a@example.com"]]), set: new Set(["b@example.com"]), tagged, when, bytes: Buffer.from("hi"), count: new Number(3), name: new String("n"), ok: new Boolean(false) };
    const out = mask(payload) as Record<string, unknown>;
    expect(out.when).toBe(when);
    expect(JSON.parse(JSON.stringify(out))).toEqual({
      map: {}, set: {}, tagged: { email: "y***@example.com" }, when: "2024-01-02T03:04:05.000Z", bytes: { type: "Buffer", data: [104, 105] }, count: 3, name: "n", ok: false,
    });
  });

  it("masks what toJSON returns, and a mask sees that value", () => {
    class Email {
      constructor(private readonly address: string) {}
      toJSON() {
        return this.address;
      }
    }
    expect(mask({ email: new Email("jane@example.com"), list: [{ email: new Email("joe@example.com") }] })).toEqual({
      email: "j***@example.com",
      list: [{ email: "j***@example.com" }],
    });
  });

  it("lets no copied toJSON send the unmasked original", () => {
    const secret = { email: "jane@example.com", card: "4111111111111111" };
    const smuggler = { ...secret, toJSON: () => secret };
    const nested = { toJSON: () => ({ email: "jane@example.com", toJSON: () => secret }) };
    for (const payload of [smuggler, { inner: smuggler }, [smuggler], nested, new Entity({ inner: smuggler })]) {
      const text = JSON.stringify(mask(payload));
      expect(text).not.toContain("jane@");
      expect(text).not.toContain("4111111111111111");
    }
    expect(JSON.parse(JSON.stringify(mask(nested)))).toEqual({ email: "j***@example.com" });
  });

  it("refuses a cycle, as JSON.stringify does, instead of walking it", () => {
    const user = new Entity({ email: "jane@example.com" }) as Entity & { orders?: unknown[] };
    user.orders = [{ user }, { user }];
    expect(() => mask(user)).toThrow(TypeError);
    const shared = { email: "a@example.com" };
    expect(mask({ a: shared, b: shared })).toEqual({ a: { email: "a***@example.com" }, b: { email: "a***@example.com" } });
  });

  it("masks any class instance exactly as the plain object with the same fields (fast-check)", () => {
    const key = fc.oneof(fc.constantFrom("email", "card", "owner", "phone", "id", "__proto__", "toString"), fc.string({ maxLength: 5 }));
    const json = fc.oneof(fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }), fc.array(fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }), { maxLength: 3 }));
    fc.assert(
      fc.property(json, (plain) => {
        expect(JSON.stringify(mask(asEntities(plain)))).toBe(JSON.stringify(mask(plain)));
      }),
      { numRuns: 300 },
    );
  });
});

describe("mask on class instances, through Express (regression: ORM entities were sent unmasked)", () => {
  class User {
    id = "u1";
    email = "jane.doe@example.com";
    card = "4111111111111111";
  }
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ mask: { email: "email", card: "card" } }, [
      { path: "/user", policy: { public: true }, handler: (_req, res) => void res.json(new User()) },
      { path: "/users", policy: { public: true }, handler: (_req, res) => void res.json({ users: [new User(), new User()] }) },
      { path: "/owner", policy: { public: true, response: { fields: ["owner"] } }, handler: (_req, res) => void res.json({ owner: new User(), hidden: 1 }) },
      { path: "/smuggle", policy: { public: true }, handler: (_req, res) => void res.json({ email: "x@example.com", toJSON: () => ({ email: "jane.doe@example.com" }) }) },
      {
        path: "/cycle",
        policy: { public: true },
        handler: (_req, res) => {
          const user = new Entity({ email: "jane.doe@example.com" }) as Entity & { orders?: unknown[] };
          user.orders = [{ user }, { user }];
          res.json(user);
        },
      },
    ]);
  });
  afterAll(() => app.close());

  it.each(["/user", "/users", "/owner", "/smuggle"])("%s sends no unmasked e-mail address or card number", async (path) => {
    const response = await app.request.get(path);
    expect(response.status).toBe(200);
    expect(response.text).not.toContain("jane.doe@");
    expect(response.text).not.toContain("4111111111111111");
  });

  it("answers a cyclic entity graph with a 500 problem, as JSON.stringify fails on it", async () => {
    const response = await app.request.get("/cycle");
    expect(response.status).toBe(500);
    expect(response.text).not.toContain("jane.doe@");
  });

  it("sends the masked fields of the instances", async () => {
    expect((await app.request.get("/users")).body).toEqual({ users: [0, 1].map(() => ({ id: "u1", email: "j***@example.com", card: "************1111" })) });
    expect((await app.request.get("/owner")).body).toEqual({ owner: { id: "u1", email: "j***@example.com", card: "************1111" } });
    expect((await app.request.get("/smuggle")).body).toEqual({ email: "j***@example.com" });
  });
});
