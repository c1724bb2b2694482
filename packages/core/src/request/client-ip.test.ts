import { describe, expect, it } from "@jest/globals";
import { ConfigError } from "../errors/security-error.js";
import { clientIpResolver, normalizeIp, proxyPeerTrust } from "./client-ip.js";

describe("client IP", () => {
  it("ignores forwarding headers without trust", () => {
    const resolve = clientIpResolver(false);
    expect(resolve("203.0.113.9", { "x-forwarded-for": "1.2.3.4" })).toBe("203.0.113.9");
    expect(resolve("::ffff:203.0.113.9", {})).toBe("203.0.113.9");
    expect(resolve(undefined, {})).toBe("unknown");
  });

  it("believes exactly as many hops as configured", () => {
    const resolve = clientIpResolver(1);
    expect(resolve("10.0.0.1", { "x-forwarded-for": "6.6.6.6, 198.51.100.7" })).toBe("198.51.100.7");
    expect(clientIpResolver(2)("10.0.0.1", { "x-forwarded-for": "6.6.6.6, 198.51.100.7" })).toBe("6.6.6.6");
    expect(resolve("10.0.0.1", {})).toBe("10.0.0.1");
    expect(resolve("10.0.0.1", { "x-forwarded-for": "not-an-ip" })).toBe("10.0.0.1");
  });

  it("walks back through trusted proxy ranges only", () => {
    const resolve = clientIpResolver(["10.0.0.0/8", "2001:db8::/32"]);
    expect(resolve("10.1.2.3", { "x-forwarded-for": "198.51.100.7, 10.9.9.9" })).toBe("198.51.100.7");
    expect(resolve("203.0.113.5", { "x-forwarded-for": "198.51.100.7" })).toBe("203.0.113.5");
    const viaForwarded = clientIpResolver(["10.0.0.0/8", "2001:db8::/32"], "forwarded");
    expect(viaForwarded("2001:db8::1", { forwarded: 'for="[2001:db8:cafe::17]:4711"' })).toBe("2001:db8:cafe::17");
    expect(viaForwarded("10.0.0.2", { forwarded: "for=192.0.2.60;proto=http;by=203.0.113.43" })).toBe("192.0.2.60");
  });

  it("reads only the configured proxy header, so a client cannot supply the other one", () => {
    const xff = clientIpResolver(1);
    expect(xff("10.0.0.1", { forwarded: "for=6.6.6.6" })).toBe("10.0.0.1");
    const forwarded = clientIpResolver(1, "forwarded");
    expect(forwarded("10.0.0.1", { "x-forwarded-for": "6.6.6.6", forwarded: "for=198.51.100.7" })).toBe("198.51.100.7");
    expect(forwarded("10.0.0.1", { "x-forwarded-for": "6.6.6.6" })).toBe("10.0.0.1");
  });

  it("reads an X-Forwarded-For entry that carries the client's port", () => {
    const resolve = clientIpResolver(1);
    expect(resolve("10.0.0.1", { "x-forwarded-for": "198.51.100.7:4711" })).toBe("198.51.100.7");
    expect(resolve("10.0.0.1", { "x-forwarded-for": "[2001:db8:cafe::17]:4711" })).toBe("2001:db8:cafe::17");
    expect(resolve("10.0.0.1", { "x-forwarded-for": "2001:db8:cafe::17" })).toBe("2001:db8:cafe::17");
  });

  it("trusts the connecting peer as a proxy exactly as the client-IP resolver does", () => {
    expect(proxyPeerTrust(undefined)("10.0.0.1")).toBe(false);
    expect(proxyPeerTrust(false)("10.0.0.1")).toBe(false);
    expect(proxyPeerTrust(0)("10.0.0.1")).toBe(false);
    expect(proxyPeerTrust(1)("10.0.0.1")).toBe(true);
    expect(proxyPeerTrust(true)("203.0.113.5")).toBe(true);
    const listed = proxyPeerTrust(["10.0.0.0/8", "2001:db8::/32"]);
    expect(listed("10.1.2.3")).toBe(true);
    expect(listed("::ffff:10.1.2.3")).toBe(true);
    expect(listed("2001:db8::1")).toBe(true);
    expect(listed("203.0.113.5")).toBe(false);
    expect(listed(undefined)).toBe(false);
    expect(listed("not-an-ip")).toBe(false);
  });

  it("takes a peer without an address (a unix socket) as the first hop of a hop count or of true, not of a list", () => {
    expect(clientIpResolver(1)(undefined, { "x-forwarded-for": "198.51.100.7" })).toBe("198.51.100.7");
    expect(clientIpResolver(true)(undefined, { "x-forwarded-for": "198.51.100.7" })).toBe("198.51.100.7");
    expect(clientIpResolver(1)(undefined, {})).toBe("unknown");
    expect(clientIpResolver(["10.0.0.0/8"])(undefined, { "x-forwarded-for": "198.51.100.7" })).toBe("unknown");
    expect(clientIpResolver(false)(undefined, { "x-forwarded-for": "198.51.100.7" })).toBe("unknown");
    expect(proxyPeerTrust(1)(undefined)).toBe(true);
    expect(proxyPeerTrust(true)(undefined)).toBe(true);
    expect(proxyPeerTrust(["10.0.0.0/8"])(undefined)).toBe(false);
    expect(proxyPeerTrust(false)(undefined)).toBe(false);
  });

  it("refuses bad trust settings at startup", () => {
    expect(() => clientIpResolver(["nonsense"])).toThrow(ConfigError);
    expect(() => clientIpResolver(-1)).toThrow(ConfigError);
  });

  it("normalises addresses", () => {
    expect(normalizeIp(" ::ffff:192.0.2.1 ")).toBe("192.0.2.1");
    expect(normalizeIp("999.1.1.1")).toBeUndefined();
  });
});
