import { describe, expect, it } from "@jest/globals";
import request from "supertest";
import { ConfigError } from "@bulwark/express";
import { errorsApp, limitsApp, misconfigured, received } from "./foundation.js";

describe("docs/errors.md snippets", () => {
  it("turns a SecurityError thrown by a handler into its problem, and reports it", async () => {
    const res = await request(errorsApp()).post("/transfers").send({ amount: 20_000 });
    expect(res.status).toBe(403);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.body).toMatchObject({ code: "AUTHZ_FORBIDDEN", detail: "Transfers above 10,000 need a second approval.", status: 403 });
    expect(received.some((e) => e.type === "authz.denied" && e.code === "AUTHZ_FORBIDDEN")).toBe(true);
  });

  it("lists every configuration problem at startup", () => {
    expect(misconfigured).toThrow(ConfigError);
    expect(misconfigured).toThrow(/trustProxy must be false, a number of proxy hops/);
    expect(misconfigured).toThrow(/limits.bodySize is not a known option. Did you mean `bodyBytes`\?/);
  });
});

describe("docs/transport.md snippets", () => {
  it("refuses plain HTTP when HTTPS is required, and believes one proxy hop", async () => {
    const app = limitsApp();
    const plain = await request(app).post("/avatars").send({});
    expect(plain.status).toBe(403);
    expect(plain.body.code).toBe("HTTPS_REQUIRED");
    const viaProxy = await request(app).post("/avatars").set("x-forwarded-proto", "https").send({});
    expect(viaProxy.status).toBe(204);
    expect(viaProxy.headers["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains; preload");
  });

  it("applies the global and the per-route limits", async () => {
    const app = limitsApp();
    const big = await request(app).post("/avatars").set("x-forwarded-proto", "https").send({ data: "x".repeat(20 * 1024) });
    expect(big.status).toBe(413);
    const deep = await request(app).post("/avatars").set("x-forwarded-proto", "https").set("content-type", "application/json").send("[".repeat(17) + "]".repeat(17));
    expect(deep.status).toBe(400);
    expect(deep.body.code).toBe("BODY_TOO_DEEP");
    const form = await request(app).post("/avatars").set("x-forwarded-proto", "https").type("form").send("a=1");
    expect(form.status).toBe(415);
  });
});
