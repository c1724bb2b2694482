import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { bulwark } from "@bulwark/express";
import { ConfigError } from "../errors/security-error.js";
import type { SecurityEvent } from "../events/security-event.js";
import { startApp, type TestApp } from "../validation/test-support/express-app.js";
import { createMasker, maskCard, maskEmail, maskIban, maskPhone } from "./mask.js";
import { maskEvents } from "./mask-events.js";

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
