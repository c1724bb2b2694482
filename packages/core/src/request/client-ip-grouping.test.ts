import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { ConfigError } from "../errors/security-error.js";
import { addressMatcher, clientIpResolver, hasForwardingHeaders, ipKeyGrouper, normalizeIp, trustsEveryAddress } from "./client-ip.js";

const hextet = fc.integer({ min: 0, max: 0xffff });
const address = fc.array(hextet, { minLength: 8, maxLength: 8 });
const full = (groups: readonly number[]) => groups.map((g) => g.toString(16).padStart(4, "0")).join(":");
/** The shortest text of an address (longest zero run as "::"), as clients may send it. */
function compressed(groups: readonly number[]): string {
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) { best = i; bestLength = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best === -1) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLength).join(":")}`;
}

describe("IPv6 grouping of limit keys", () => {
  const by64 = ipKeyGrouper(64);

  it("groups a /64 into one key and leaves IPv4 alone", () => {
    expect(by64("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(by64("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(by64("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(by64("::1")).toBe("0:0:0:0::/64");
    expect(by64("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(by64("64:ff9b::192.0.2.33")).toBe("64:ff9b:0:0::/64");
    expect(by64("203.0.113.9")).toBe("203.0.113.9");
    expect(by64("unknown")).toBe("unknown");
    expect(ipKeyGrouper(56)("2001:db8:1:2ff::1")).toBe("2001:db8:1:200::/56");
    expect(ipKeyGrouper(128)("2001:db8::1")).toBe("2001:db8:0:0:0:0:0:1/128");
    expect(ipKeyGrouper(48)("2001:db8:1:2::1")).toBe("2001:db8:1::/48");
  });

  it("gives one key to every address of a prefix and different keys to different prefixes", () => {
    fc.assert(
      fc.property(address, address, fc.integer({ min: 1, max: 128 }), (a, b, bits) => {
        const group = ipKeyGrouper(bits);
        const samePrefix = a.map((g, i) => {
          const start = i * 16;
          if (start + 16 <= bits) return g;
          if (start >= bits) return b[i]!;
          const keep = bits - start;
          const mask = (0xffff << (16 - keep)) & 0xffff;
          return (g & mask) | (b[i]! & ~mask & 0xffff);
        });
        expect(group(normalizeIp(compressed(a))!)).toBe(group(full(samePrefix)));
        const differs = a.some((g, i) => {
          const start = i * 16;
          if (start >= bits) return false;
          const keep = Math.min(16, bits - start);
          const mask = (0xffff << (16 - keep)) & 0xffff;
          return (g & mask) !== (b[i]! & mask);
        });
        expect(group(full(a)) === group(full(b))).toBe(!differs);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses a prefix that is not 1 to 128 bits", () => {
    for (const bits of [0, 129, 6.5, Number.NaN]) expect(() => ipKeyGrouper(bits)).toThrow(ConfigError);
  });
});

describe("proxy checks", () => {
  it("reads an IPv4-mapped address in either notation as the IPv4 address", () => {
    expect(normalizeIp("::ffff:c000:201")).toBe("192.0.2.1");
    expect(normalizeIp("::FFFF:192.0.2.1")).toBe("192.0.2.1");
    expect(normalizeIp("::ffff:1:2:3")).toBe("::ffff:1:2:3");
  });

  it("sees forwarding headers of either kind", () => {
    expect(hasForwardingHeaders({ "x-forwarded-for": "1.2.3.4" })).toBe(true);
    expect(hasForwardingHeaders({ forwarded: "for=1.2.3.4" })).toBe(true);
    expect(hasForwardingHeaders({ host: "a" })).toBe(false);
  });

  it("recognises trust lists that believe everyone", () => {
    expect(trustsEveryAddress(["10.0.0.0/8", "0.0.0.0/0"])).toBe(true);
    expect(trustsEveryAddress(["::/0"])).toBe(true);
    expect(trustsEveryAddress(["10.0.0.0/8", "192.168.0.0/16"])).toBe(false);
  });

  it("matches addresses against a list, and lists every bad entry", () => {
    const matches = addressMatcher(["10.0.0.0/8", "2001:db8::/32", "192.0.2.1"], "test");
    expect([matches("10.1.2.3"), matches("2001:db8::5"), matches("192.0.2.1"), matches("192.0.2.2"), matches("junk")]).toEqual([true, true, true, false, false]);
    try {
      addressMatcher(["x", "10.0.0.0/40"], "throttle.priority.ips");
      throw new Error("expected a ConfigError");
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'throttle.priority.ips entry "x" is not an IP address or CIDR range.',
        'throttle.priority.ips entry "10.0.0.0/40" has an invalid prefix length.',
      ]);
    }
  });

  it("never lets hostile forwarding headers choose an address without trust", () => {
    const resolve = clientIpResolver(false);
    fc.assert(
      fc.property(fc.string(), fc.string(), (xff, forwarded) => {
        expect(resolve("203.0.113.9", { "x-forwarded-for": xff, forwarded })).toBe("203.0.113.9");
      }),
    );
  });

  it("with a hop count, only ever answers a valid address from the chain or the peer", () => {
    const resolve = clientIpResolver(1);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string()), { maxLength: 5 }), (chain) => {
        const ip = resolve("10.0.0.1", { "x-forwarded-for": chain.join(", ") });
        expect(normalizeIp(ip)).toBe(ip);
      }),
    );
  });
});
