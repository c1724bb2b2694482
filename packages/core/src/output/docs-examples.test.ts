/**
 * Runs the app docs/output.md quotes, checking what the page says it does.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parse } from "parse5";
import supertest from "supertest";
import type { SecurityEvent } from "../events/security-event.js";
import { createOutputApp } from "./test-support/docs-output-app.js";

interface Node {
  readonly nodeName: string;
  readonly value?: string;
  readonly attrs?: readonly { name: string; value: string }[];
  readonly childNodes?: readonly Node[];
}

function walk(node: Node, found: Node[] = []): Node[] {
  for (const child of node.childNodes ?? []) {
    found.push(child);
    walk(child, found);
  }
  return found;
}

describe("docs/output.md", () => {
  let server: http.Server;
  let api: supertest.Agent;
  const events: SecurityEvent[] = [];
  beforeAll(async () => {
    server = http.createServer(createOutputApp((event) => { events.push(event); }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    api = supertest.agent(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("masks sensitive fields in JSON responses", async () => {
    const response = await api.get("/customers/c-1");
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.body).toMatchObject({
      email: "j***@example.com",
      phone: "+* *** *** **32",
      cardNumber: "************1111",
      iban: "DE****************3000",
      apiToken: "[redacted]",
      billing: { taxId: "DE•••" },
    });
    expect(response.text).not.toContain("tok_live");
  });

  it("renders user content without creating markup", async () => {
    const response = await api.get("/customers/c-1/page");
    const nodes = walk(parse(response.text) as unknown as Node);
    const elements = nodes.filter((n) => !n.nodeName.startsWith("#")).map((n) => n.nodeName);
    expect(elements).toEqual(["html", "head", "body", "h1", "img", "a", "a", "script", "script"]);
    const h1 = nodes.find((n) => n.nodeName === "h1")!;
    expect(h1.childNodes?.[0]?.value).toBe("<b>Jane</b> \"JD\" O'Neil");
    const img = nodes.find((n) => n.nodeName === "img")!;
    expect(img.attrs?.find((a) => a.name === "alt")?.value).toBe("<b>Jane</b> \"JD\" O'Neil");
    const links = nodes.filter((n) => n.nodeName === "a").map((n) => n.attrs?.find((a) => a.name === "href")?.value);
    expect(links[0]).toBe("about:blank");
    expect(new URL(links[1]!, "https://example.com").searchParams.get("q")).toBe("<b>Jane</b> \"JD\" O'Neil");
  });

  it("hands masked events to the listener", async () => {
    events.length = 0;
    await api.get("/nowhere");
    expect(events.length).toBeGreaterThan(0);
  });
});
