/**
 * The client's IP address, believing `X-Forwarded-For` / `Forwarded` only as far as the
 * `trustProxy` setting says: without trust, a client cannot spoof its address with a header.
 */
import { BlockList, isIP } from "node:net";
import { ConfigError } from "../errors/security-error.js";
import type { HeaderMap } from "./security-request.js";

/**
 * How far to believe proxy headers: `false`/`0` (not at all, the default), a hop count (how many
 * proxies stand in front of the app), or a list of trusted proxy addresses and CIDR ranges.
 */
export type TrustProxy = boolean | number | readonly string[];

/** Resolves a request's client IP. */
export type ClientIpResolver = (remoteAddress: string | undefined, headers: HeaderMap) => string;

/**
 * The header the trusted proxies write the client chain into. Only that one is read: reading the
 * other as a fallback would let a client supply it when the proxy writes only the first.
 */
export type ProxyHeader = "x-forwarded-for" | "forwarded";

/** Compiles the `trustProxy` setting into a resolver. */
export function clientIpResolver(trust: TrustProxy | undefined, header: ProxyHeader = "x-forwarded-for"): ClientIpResolver {
  if (trust === undefined || trust === false || trust === 0) return (remote) => normalizeIp(remote) ?? "unknown";
  const chainOf = header === "forwarded" ? forwardedChain : xForwardedForChain;
  if (trust === true) return chainResolver(() => true, chainOf, true);
  if (typeof trust === "number") {
    if (!Number.isInteger(trust) || trust < 0) {
      throw new ConfigError([`trustProxy must be a whole number of proxy hops, not ${trust}.`]);
    }
    return chainResolver((_address, hop) => hop < trust, chainOf, trust > 0);
  }
  const matches = addressMatcher(trust, "trustProxy");
  return chainResolver(matches, chainOf, false);
}

/**
 * Compiles the `trustProxy` setting into the question "is the peer that connected one of my
 * proxies?", the first hop the client-IP resolver asks too. Anything a proxy header says (the
 * client chain, `X-Forwarded-Proto`) is believed only when it is.
 */
export function proxyPeerTrust(trust: TrustProxy | undefined): (remoteAddress: string | undefined) => boolean {
  if (trust === undefined || trust === false || trust === 0) return () => false;
  // `true` trusts every hop; a hop count of one or more trusts the first, a local socket (a proxy
  // on the same host over a unix socket, which has no address) included.
  if (trust === true || typeof trust === "number") return (remote) => remote === undefined || normalizeIp(remote) !== undefined;
  const matches = addressMatcher(trust, "trustProxy");
  return (remote) => {
    const address = normalizeIp(remote);
    return address !== undefined && matches(address);
  };
}

/**
 * `trustsLocalPeer`: a peer without an address (a unix socket, so a proxy on the same host) is the
 * first trusted hop; with a list of addresses it is not, as it matches none.
 */
function chainResolver(trusted: (address: string, hop: number) => boolean, chainOf: (headers: HeaderMap) => string[], trustsLocalPeer: boolean): ClientIpResolver {
  return (remote, headers) => {
    const remoteAddress = normalizeIp(remote);
    if (remoteAddress === undefined) {
      // No address at all is a local socket; anything else that is not an IP is no proxy of ours.
      if (remote !== undefined || !trustsLocalPeer) return "unknown";
    } else if (!trusted(remoteAddress, 0)) {
      return remoteAddress;
    }
    let client = remoteAddress ?? "unknown";
    const forwarded = chainOf(headers);
    for (let hop = 0; hop < forwarded.length; hop++) {
      const next = normalizeIp(forwarded[hop]);
      if (next === undefined) return client;
      client = next;
      if (!trusted(client, hop + 1)) return client;
    }
    return client;
  };
}

/** The addresses the proxies added to `X-Forwarded-For`, nearest first. */
function xForwardedForChain(headers: HeaderMap): string[] {
  const xff = headers["x-forwarded-for"];
  const raw = Array.isArray(xff) ? xff.join(",") : xff;
  if (typeof raw !== "string" || raw.trim() === "") return [];
  // Some proxies write the client's port too (`192.0.2.7:4711`, `[2001:db8::7]:4711`).
  return raw.split(",").map((part) => stripPort(part.trim())).reverse();
}

/** The `for=` addresses of `Forwarded` (RFC 7239), nearest first. */
function forwardedChain(headers: HeaderMap): string[] {
  const forwarded = headers["forwarded"];
  const text = Array.isArray(forwarded) ? forwarded.join(",") : forwarded;
  if (typeof text !== "string") return [];
  const chain: string[] = [];
  for (const element of text.split(",")) {
    const match = /(?:^|;)\s*for=("?)([^";]*)\1/i.exec(element);
    if (match) chain.push(stripPort(match[2]!));
  }
  return chain.reverse();
}

function stripPort(value: string): string {
  if (value.startsWith("[")) return value.slice(1, value.indexOf("]"));
  const colon = value.indexOf(":");
  return colon !== -1 && value.indexOf(":", colon + 1) === -1 ? value.slice(0, colon) : value;
}

const HEX_MAPPED_IPV4 = /^[0-9a-f]{1,4}:[0-9a-f]{1,4}$/i;

/** A valid IP in canonical form (IPv4-mapped IPv6 as IPv4), or `undefined`. */
export function normalizeIp(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let address = value.trim();
  if (address.toLowerCase().startsWith("::ffff:")) {
    const tail = address.slice(7);
    if (isIP(tail) === 4) address = tail;
    else if (HEX_MAPPED_IPV4.test(tail)) {
      // The same IPv4-mapped address written in hex (::ffff:c000:201): one client, one key.
      const [high, low] = tail.split(":").map((part) => Number.parseInt(part, 16)) as [number, number];
      address = `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
    }
  }
  return isIP(address) === 0 ? undefined : address;
}

/**
 * Compiles a list of addresses and CIDR ranges (`option` names it in messages) into a matcher of
 * normalised addresses; throws {@link ConfigError} listing every bad entry.
 */
export function addressMatcher(entries: readonly string[], option: string): (address: string) => boolean {
  const list = compileAddressList(entries, option);
  return (address) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 6 ? "ipv6" : "ipv4");
  };
}

/** True when the request carries a proxy forwarding header (`X-Forwarded-For` or `Forwarded`). */
export function hasForwardingHeaders(headers: HeaderMap): boolean {
  return headers["x-forwarded-for"] !== undefined || headers["forwarded"] !== undefined;
}

/** True when a trust list holds a range that matches every address (as good as `trustProxy: true`). */
export function trustsEveryAddress(entries: readonly string[]): boolean {
  return entries.some((entry) => /\/0+$/.test(entry.trim()));
}

/**
 * Builds the function that turns a client IP into a limit key: IPv4 as it is, IPv6 cut to its
 * first `prefixBits` bits (`2001:db8:0:1::/64`), so a host that owns a whole prefix (a /64 is the
 * usual allocation) counts as one client however many addresses it rotates through.
 */
export function ipKeyGrouper(prefixBits: number): (ip: string) => string {
  if (!Number.isInteger(prefixBits) || prefixBits < 1 || prefixBits > 128) {
    throw new ConfigError([`rateLimiting.ipv6Prefix must be a whole number from 1 to 128 (bits), not ${String(prefixBits)}; 64 is the usual allocation to one host.`]);
  }
  return (ip) => (ip.includes(":") ? groupIpv6(ip, prefixBits) : ip);
}

function groupIpv6(ip: string, prefixBits: number): string {
  const hextets = expandIpv6(ip);
  if (hextets === undefined) return ip;
  const whole = prefixBits >> 4;
  const rest = prefixBits & 15;
  const parts: string[] = [];
  for (let i = 0; i < whole; i++) parts.push(hextets[i]!.toString(16));
  if (rest !== 0) parts.push((hextets[whole]! & ((0xffff << (16 - rest)) & 0xffff)).toString(16));
  return `${parts.join(":")}${parts.length < 8 ? "::" : ""}/${prefixBits}`;
}

/** The eight 16-bit groups of an IPv6 address (zone dropped, dotted IPv4 tail converted). */
function expandIpv6(ip: string): number[] | undefined {
  let text = ip;
  const zone = text.indexOf("%");
  if (zone !== -1) text = text.slice(0, zone);
  const gap = text.indexOf("::");
  const head = gap === -1 ? text : text.slice(0, gap);
  const tail = gap === -1 ? "" : text.slice(gap + 2);
  const front = head === "" ? [] : head.split(":");
  const back = tail === "" ? [] : tail.split(":");
  const groups: number[] = [];
  const last = back.length > 0 ? back : front;
  const dotted = last.length > 0 && last[last.length - 1]!.includes(".") ? last.pop()! : undefined;
  for (const part of front) groups.push(Number.parseInt(part, 16));
  const tailGroups = back.map((part) => Number.parseInt(part, 16));
  if (dotted !== undefined) {
    const octets = dotted.split(".").map(Number);
    tailGroups.push(((octets[0]! << 8) | octets[1]!) & 0xffff, ((octets[2]! << 8) | octets[3]!) & 0xffff);
  }
  const missing = 8 - groups.length - tailGroups.length;
  if (missing < 0 || (gap === -1 && missing !== 0)) return undefined;
  for (let i = 0; i < missing; i++) groups.push(0);
  groups.push(...tailGroups);
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function compileAddressList(entries: readonly string[], option: string): BlockList {
  const list = new BlockList();
  const problems: string[] = [];
  for (const entry of entries) {
    const [address, prefix] = entry.split("/");
    const family = isIP(address ?? "");
    if (family === 0) {
      problems.push(`${option} entry ${JSON.stringify(entry)} is not an IP address or CIDR range.`);
      continue;
    }
    const type = family === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) {
      list.addAddress(address!, type);
      continue;
    }
    const bits = Number(prefix);
    if (!Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32)) {
      problems.push(`${option} entry ${JSON.stringify(entry)} has an invalid prefix length.`);
      continue;
    }
    list.addSubnet(address!, bits, type);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return list;
}
