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

/** Compiles the `trustProxy` setting into a resolver. */
export function clientIpResolver(trust: TrustProxy | undefined): ClientIpResolver {
  if (trust === undefined || trust === false || trust === 0) return (remote) => normalizeIp(remote) ?? "unknown";
  if (trust === true) return chainResolver(() => true);
  if (typeof trust === "number") {
    if (!Number.isInteger(trust) || trust < 0) {
      throw new ConfigError([`trustProxy must be a whole number of proxy hops, not ${trust}.`]);
    }
    return chainResolver((_address, hop) => hop < trust);
  }
  const list = compileTrustList(trust);
  return chainResolver((address) => list.check(address, isIP(address) === 6 ? "ipv6" : "ipv4"));
}

function chainResolver(trusted: (address: string, hop: number) => boolean): ClientIpResolver {
  return (remote, headers) => {
    const remoteAddress = normalizeIp(remote);
    if (remoteAddress === undefined) return "unknown";
    let client = remoteAddress;
    if (!trusted(client, 0)) return client;
    const forwarded = forwardedChain(headers);
    for (let hop = 0; hop < forwarded.length; hop++) {
      const next = normalizeIp(forwarded[hop]);
      if (next === undefined) return client;
      client = next;
      if (!trusted(client, hop + 1)) return client;
    }
    return client;
  };
}

/** The addresses the proxies added, nearest first. */
function forwardedChain(headers: HeaderMap): string[] {
  const xff = headers["x-forwarded-for"];
  const raw = Array.isArray(xff) ? xff.join(",") : xff;
  if (typeof raw === "string" && raw.trim() !== "") {
    return raw.split(",").map((part) => part.trim()).reverse();
  }
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

/** A valid IP in canonical form (IPv4-mapped IPv6 as IPv4), or `undefined`. */
export function normalizeIp(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let address = value.trim();
  if (address.toLowerCase().startsWith("::ffff:") && isIP(address.slice(7)) === 4) address = address.slice(7);
  return isIP(address) === 0 ? undefined : address;
}

function compileTrustList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  const problems: string[] = [];
  for (const entry of entries) {
    const [address, prefix] = entry.split("/");
    const family = isIP(address ?? "");
    if (family === 0) {
      problems.push(`trustProxy entry ${JSON.stringify(entry)} is not an IP address or CIDR range.`);
      continue;
    }
    const type = family === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) {
      list.addAddress(address!, type);
      continue;
    }
    const bits = Number(prefix);
    if (!Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32)) {
      problems.push(`trustProxy entry ${JSON.stringify(entry)} has an invalid prefix length.`);
      continue;
    }
    list.addSubnet(address!, bits, type);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return list;
}
