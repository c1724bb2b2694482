/**
 * Foundation scenarios: request ids, security headers, safe errors, transport limits. Each runs
 * against every adapter.
 */
import { expect } from "@jest/globals";
import { FAKE_PATH, FAKE_SECRET } from "./foundation-app.js";
import type { Scenario } from "./harness/scenario.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const json = { "content-type": "application/json" };

/** Headers every response carries, success or error. */
export const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none';frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "referrer-policy": "no-referrer",
  "x-frame-options": "SAMEORIGIN",
  "x-request-id": /^[A-Za-z0-9._:-]{1,128}$/,
} as const;

/** The scenarios of the foundation. */
export const FOUNDATION_SCENARIOS: readonly Scenario[] = [
  {
    name: "a public route answers with the security headers and a request id",
    request: { method: "GET", path: "/public" },
    expect: { status: 200, headers: { ...SECURITY_HEADERS, "x-request-id": UUID, "content-type": "application/json; charset=utf-8" }, absentHeaders: ["x-powered-by"], body: (b) => expect(b).toEqual({ ok: true }) },
  },
  {
    name: "a well-formed incoming request id is echoed",
    request: { method: "GET", path: "/public", headers: { "x-request-id": "trace-4f2a:01.abc_DEF" } },
    expect: { status: 200, headers: { "x-request-id": "trace-4f2a:01.abc_DEF" } },
  },
  {
    name: "an oversized incoming request id is replaced",
    request: { method: "GET", path: "/public", headers: { "x-request-id": "a".repeat(129) } },
    expect: { status: 200, headers: { "x-request-id": UUID } },
  },
  {
    name: "a malformed incoming request id is replaced",
    request: { method: "GET", path: "/public", headers: { "x-request-id": "id with spaces; and=odd/chars" } },
    expect: { status: 200, headers: { "x-request-id": UUID } },
  },
  {
    name: "an unexpected error is a 500 that reveals nothing",
    request: { method: "GET", path: "/boom" },
    expect: {
      status: 500,
      code: "INTERNAL",
      headers: SECURITY_HEADERS,
      bodyExcludes: [FAKE_SECRET, FAKE_PATH, "ENOENT", "password", "stack", "at ", ".ts", "node_modules", "Error:"],
      body: (b) => expect(Object.keys(b as object).sort()).toEqual(["code", "detail", "requestId", "status", "title", "type"]),
    },
  },
  {
    name: "malformed JSON is a 400",
    request: { method: "POST", path: "/echo", headers: json, body: '{"name": "x",' },
    expect: { status: 400, code: "MALFORMED_JSON", headers: SECURITY_HEADERS, bodyExcludes: ["Unexpected", "position", "SyntaxError"] },
  },
  {
    name: "a 2 MB body with the default limit is a 413",
    request: { method: "POST", path: "/echo", headers: json, body: JSON.stringify({ name: "A".repeat(2 * 1024 * 1024) }) },
    expect: { status: 413, code: "BODY_TOO_LARGE", headers: SECURITY_HEADERS },
  },
  {
    name: "a 2 MB chunked body with the default limit is a 413",
    request: { method: "POST", path: "/echo", headers: { ...json, "transfer-encoding": "chunked" }, body: JSON.stringify({ name: "A".repeat(2 * 1024 * 1024) }) },
    expect: { status: 413, code: "BODY_TOO_LARGE" },
  },
  {
    name: "a body nested 10,000 levels deep is a 400",
    request: { method: "POST", path: "/echo", headers: json, body: "[".repeat(10_000) + "]".repeat(10_000) },
    expect: { status: 400, code: "BODY_TOO_DEEP" },
  },
  {
    name: "a __proto__ key is a 400",
    request: { method: "POST", path: "/echo", headers: json, body: '{"__proto__": {"admin": true}}' },
    expect: { status: 400, code: "FORBIDDEN_KEY" },
  },
  {
    name: "constructor.prototype is a 400",
    request: { method: "POST", path: "/echo", headers: json, body: '{"constructor": {"prototype": {"admin": true}}}' },
    expect: { status: 400, code: "FORBIDDEN_KEY" },
  },
  {
    name: "a __proto__ query parameter is a 400",
    request: { method: "GET", path: "/query?__proto__[admin]=true" },
    expect: { status: 400, code: "FORBIDDEN_KEY" },
  },
  {
    name: "a text/xml body is a 415",
    request: { method: "POST", path: "/echo", headers: { "content-type": "text/xml" }, body: "<a>1</a>" },
    expect: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE", headers: SECURITY_HEADERS },
  },
  {
    name: "a JSON body sent as text/plain is a 415",
    request: { method: "POST", path: "/echo", headers: { "content-type": "text/plain" }, body: '{"a":1}' },
    expect: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
  },
  {
    name: "a body without a content type is a 415",
    request: { method: "POST", path: "/echo", body: '{"a":1}' },
    expect: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
  },
  {
    name: "a valid JSON body reaches the handler",
    request: { method: "POST", path: "/echo", headers: json, body: '{"name":"x","tags":["a"],"constructor":{"bar":1}}' },
    expect: { status: 200, body: (b) => expect(b).toEqual({ received: { name: "x", tags: ["a"], constructor: { bar: 1 } } }) },
  },
  {
    name: "a urlencoded body reaches the handler as fields",
    request: { method: "POST", path: "/echo", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "name=x&tag=a&tag=b" },
    expect: { status: 200, body: (b) => expect(b).toEqual({ received: { name: "x", tag: ["a", "b"] } }) },
  },
  {
    name: "a route policy can lower the body limit",
    request: { method: "POST", path: "/small", headers: json, body: JSON.stringify({ note: "x".repeat(100) }) },
    expect: { status: 413, code: "BODY_TOO_LARGE" },
  },
  {
    name: "a route's lower body limit counts the bytes received, not the parsed value (chunked, padded)",
    request: { method: "POST", path: "/small", headers: { ...json, "transfer-encoding": "chunked" }, body: `{"note":"x"${" ".repeat(200)}}` },
    expect: { status: 413, code: "BODY_TOO_LARGE" },
  },
  {
    name: "a chunked body within a route's lower body limit reaches the handler",
    request: { method: "POST", path: "/small", headers: { ...json, "transfer-encoding": "chunked" }, body: '{"note":"x"}' },
    expect: { status: 200, body: (b) => expect(b).toEqual({ received: { note: "x" } }) },
  },
  {
    name: "a query within a route's lower limits reaches the handler",
    request: { method: "GET", path: "/tight?a=1&b=short" },
    expect: { status: 200, body: (b) => expect(b).toEqual({ query: { a: "1", b: "short" } }) },
  },
  {
    name: "a route policy can lower the URL length limit",
    request: { method: "GET", path: `/tight?a=${"1".repeat(40)}` },
    expect: { status: 414, code: "URI_TOO_LONG" },
  },
  {
    name: "a route policy can lower the query parameter limit",
    request: { method: "GET", path: "/tight?a=1&b=2&c=3" },
    expect: { status: 400, code: "TOO_MANY_KEYS" },
  },
  {
    name: "a route policy can lower the query name depth limit",
    request: { method: "GET", path: "/tight?a[b]=1" },
    expect: { status: 400, code: "QUERY_TOO_COMPLEX" },
  },
  {
    name: "a route policy can lower the string length limit of query values",
    request: { method: "GET", path: "/tight?a=123456789" },
    expect: { status: 400, code: "STRING_TOO_LONG" },
  },
  {
    name: "an unmatched route is a problem+json 404",
    request: { method: "GET", path: "/no/such/route" },
    expect: { status: 404, code: "NOT_FOUND", headers: SECURITY_HEADERS },
  },
  {
    name: "a route without a policy does not send its data",
    request: { method: "GET", path: "/unguarded" },
    expect: { status: 403, code: "ROUTE_UNGUARDED", bodyExcludes: ["internal data"] },
  },
];
