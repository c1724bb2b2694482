/**
 * TEST ONLY: rate-limiting scenarios as data, so that every adapter can run the same list. Each
 * scenario is an app (`config`), one route `GET /limited` guarded by `policy`, and requests sent
 * in order from the loopback address, each with the answer it must get.
 */
import type { BulwarkOptions } from "../../config/options.js";
import type { RoutePolicy } from "../../policy/route-policy.js";
import { CREDENTIAL_HEADER, headerAuthenticator } from "./header-authenticator.js";

/** What a response header must be: exact text, a pattern, present (`true`) or absent (`false`). */
export type HeaderExpectation = string | RegExp | boolean;

/** One request of a scenario and the answer it must get. */
export interface RateLimitScenarioRequest {
  /** Request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Expected status. */
  readonly status: number;
  /** Expected problem `code` (for refusals). */
  readonly code?: string;
  /** Expected response headers (lower-case names). */
  readonly headersExpected?: Readonly<Record<string, HeaderExpectation>>;
}

/** An app, its limited route, and the requests to send. */
export interface RateLimitScenario {
  readonly name: string;
  readonly config: BulwarkOptions;
  readonly policy: RoutePolicy;
  readonly requests: readonly RateLimitScenarioRequest[];
}

const limited = (): RateLimitScenarioRequest => ({
  status: 429,
  code: "RATE_LIMITED",
  headersExpected: { "retry-after": /^[1-9]\d*$/, "content-type": /^application\/problem\+json/ },
});

const credentials = { alice: "alice-secret", bob: "bob-secret" };
const silence = ["BULWARK_PROXY_WITHOUT_TRUST"];

/** The scenarios. */
export const RATE_LIMIT_SCENARIOS: readonly RateLimitScenario[] = [
  {
    name: "global limit per client IP: headers on allowed and limited answers, then 429 with Retry-After",
    config: { rateLimit: { points: 2, duration: 60 } },
    policy: { public: true },
    requests: [
      { status: 200, headersExpected: { "ratelimit-policy": '"global";q=2;w=60', ratelimit: /^"global";r=1;t=(60|59)$/, "retry-after": false } },
      { status: 200, headersExpected: { ratelimit: /^"global";r=0;t=\d+$/ } },
      { ...limited(), headersExpected: { ...limited().headersExpected, "ratelimit-policy": '"global";q=2;w=60', ratelimit: /^"global";r=0;t=\d+$/ } },
    ],
  },
  {
    name: "a spoofed X-Forwarded-For is ignored without trustProxy",
    config: { rateLimit: { points: 2, duration: 60 }, silence },
    policy: { public: true },
    requests: [
      { headers: { "x-forwarded-for": "198.51.100.1" }, status: 200 },
      { headers: { "x-forwarded-for": "198.51.100.2" }, status: 200 },
      { ...limited(), headers: { "x-forwarded-for": "198.51.100.3" } },
    ],
  },
  {
    name: "X-Forwarded-For is honoured with a hop count",
    config: { rateLimit: { points: 1, duration: 60 }, trustProxy: 1 },
    policy: { public: true },
    requests: [
      { headers: { "x-forwarded-for": "198.51.100.1" }, status: 200 },
      { headers: { "x-forwarded-for": "198.51.100.2" }, status: 200 },
      { ...limited(), headers: { "x-forwarded-for": "198.51.100.1" } },
      { ...limited(), headers: { "x-forwarded-for": "6.6.6.6, 198.51.100.2" } },
    ],
  },
  {
    name: "X-Forwarded-For is honoured from trusted CIDR ranges only",
    config: { rateLimit: { points: 1, duration: 60 }, trustProxy: ["127.0.0.0/8", "::1/128"] },
    policy: { public: true },
    requests: [
      { headers: { "x-forwarded-for": "198.51.100.1" }, status: 200 },
      { headers: { "x-forwarded-for": "198.51.100.2" }, status: 200 },
      { ...limited(), headers: { "x-forwarded-for": "198.51.100.2" } },
    ],
  },
  {
    name: "IPv6 clients share one budget per /64",
    config: { rateLimit: { points: 2, duration: 60 }, trustProxy: 1 },
    policy: { public: true },
    requests: [
      { headers: { "x-forwarded-for": "2001:db8:1:2::1" }, status: 200 },
      { headers: { "x-forwarded-for": "2001:db8:1:2:ffff:ffff:ffff:9" }, status: 200 },
      { ...limited(), headers: { "x-forwarded-for": "2001:0db8:0001:0002:0000:0000:0000:0abc" } },
      { headers: { "x-forwarded-for": "2001:db8:1:3::1" }, status: 200 },
    ],
  },
  {
    name: "route limit by principal with a cost",
    config: { authenticate: [headerAuthenticator(credentials)] },
    policy: { rateLimit: { points: 4, duration: 60, by: "principal", cost: 2 } },
    requests: [
      { headers: { [CREDENTIAL_HEADER]: "alice:alice-secret" }, status: 200, headersExpected: { ratelimit: /^"route-\d+";r=2;t=\d+$/ } },
      { headers: { [CREDENTIAL_HEADER]: "alice:alice-secret" }, status: 200, headersExpected: { ratelimit: /^"route-\d+";r=0;t=\d+$/ } },
      { ...limited(), headers: { [CREDENTIAL_HEADER]: "alice:alice-secret" } },
      { headers: { [CREDENTIAL_HEADER]: "bob:bob-secret" }, status: 200 },
    ],
  },
  {
    name: "two limits at once, both in the header fields",
    config: { rateLimit: [{ points: 3, duration: 1, name: "per-second" }, { points: 1000, duration: 3600, name: "per-hour" }] },
    policy: { public: true },
    requests: [
      { status: 200, headersExpected: { "ratelimit-policy": '"per-second";q=3;w=1, "per-hour";q=1000;w=3600', ratelimit: /^"per-second";r=2;t=1, "per-hour";r=999;t=3600$/ } },
    ],
  },
  {
    name: "older header fields on option: draft 6",
    config: { rateLimit: { points: 2, duration: 60 }, rateLimiting: { legacyHeaders: "draft-6" } },
    policy: { public: true },
    requests: [
      { status: 200, headersExpected: { "ratelimit-limit": "2", "ratelimit-remaining": "1", "ratelimit-reset": "60", "x-ratelimit-limit": false } },
    ],
  },
  {
    name: "older header fields on option: X-RateLimit, without the draft's fields",
    config: { rateLimit: { points: 2, duration: 60 }, rateLimiting: { headers: false, legacyHeaders: "x-ratelimit" } },
    policy: { public: true },
    requests: [
      { status: 200, headersExpected: { "x-ratelimit-limit": "2", "x-ratelimit-remaining": "1", "x-ratelimit-reset": /^\d{10}$/, ratelimit: false, "ratelimit-policy": false } },
    ],
  },
];
