/**
 * The transport cases of the shared input-validation corpus (prototype pollution in JSON and
 * query, size and depth, content type and syntax), as scenarios with their expected statuses.
 * Cases that need a route schema (maxItems, maxLength, types) belong to the validation suite.
 */
import { loadCorpus } from "../support/corpora.js";
import type { Scenario } from "./harness/scenario.js";

interface CorpusCase {
  readonly id: string;
  readonly category: string;
  readonly transport: string;
  readonly raw?: string;
  readonly generator?: string;
  readonly expected: string;
}

const TRANSPORT_CATEGORIES = new Set(["prototype-pollution-json", "prototype-pollution-query", "size-depth-dos", "content-type-and-syntax"]);
const NEEDS_SCHEMA = /maxItems|maxLength|bounded time|\(type\)/;
const DOS_STATUSES = [400, 413, 414, 431];
const json = { "content-type": "application/json" };

/** Raw-HTTP cases, described in prose in the corpus, as concrete requests. */
const RAW_HTTP: Readonly<Record<string, Pick<Scenario, "request" | "expect">>> = {
  "ct-text-plain-json": { request: { method: "POST", path: "/echo", headers: { "content-type": "text/plain" }, body: '{"name":"x"}' }, expect: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" } },
  "ct-missing": { request: { method: "POST", path: "/echo", body: '{"name":"x"}' }, expect: { status: [415, 400] } },
  "ct-form-nested": { request: { method: "POST", path: "/echo", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a[__proto__][x]=1&name=x&quantity=5" }, expect: { status: [400, 415] } },
  "ct-charset-utf16": { request: { method: "POST", path: "/echo", headers: { "content-type": "application/json; charset=utf-16" }, body: Buffer.from('{"name":"x"}', "utf16le") }, expect: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" } },
  "ct-charset-utf7": { request: { method: "POST", path: "/echo", headers: { "content-type": "application/json; charset=utf-7" }, body: '{"name":"x"}' }, expect: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" } },
  "json-bom": { request: { method: "POST", path: "/echo", headers: json, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"name":"x","quantity":5}')]) }, expect: { status: [200, 400] } },
  "json-trailing-comma": { request: { method: "POST", path: "/echo", headers: json, body: '{"name":"x","quantity":5,}' }, expect: { status: 400, code: "MALFORMED_JSON" } },
  "json-comment": { request: { method: "POST", path: "/echo", headers: json, body: '{"name":"x"/*c*/,"quantity":5}' }, expect: { status: 400, code: "MALFORMED_JSON" } },
  "json-single-quotes": { request: { method: "POST", path: "/echo", headers: json, body: "{'name':'x','quantity':5}" }, expect: { status: 400, code: "MALFORMED_JSON" } },
  "json-nan-literal": { request: { method: "POST", path: "/echo", headers: json, body: '{"name":"x","quantity":NaN}' }, expect: { status: 400, code: "MALFORMED_JSON" } },
  "json-empty-body": { request: { method: "POST", path: "/echo", headers: { ...json, "content-length": "0" }, body: "" }, expect: { status: 400, code: "MALFORMED_JSON" } },
  "json-invalid-utf8": { request: { method: "POST", path: "/echo", headers: json, body: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]) }, expect: { status: 400, code: "MALFORMED_BODY" } },
};

/** Cases left to the HTTP parser of Node itself (it answers before any framework runs). */
const NODE_PARSER_CASES = new Set(["json-content-length-mismatch"]);

function expectedStatuses(expected: string): number | readonly number[] {
  if (expected.startsWith("reject-400-or-strip")) return [400, 200];
  if (expected.startsWith("accept")) return 200;
  if (expected.startsWith("reject-413-or-400") || expected.startsWith("reject-400-or-413") || expected.startsWith("reject-400/413")) return [400, 413];
  if (expected.startsWith("reject-414-or-431")) return [414, 431];
  if (expected.startsWith("reject-431")) return 431;
  if (expected.startsWith("reject-413")) return 413;
  if (expected.startsWith("reject-400")) return 400;
  return DOS_STATUSES;
}

function evaluate(generator: string): string {
  // The corpus writes generated inputs as small JavaScript expressions; they are trusted test data.
  return String(new Function(`return (${generator});`)());
}

function toScenario(item: CorpusCase): Scenario | undefined {
  if (NODE_PARSER_CASES.has(item.id)) return undefined;
  const raw = RAW_HTTP[item.id];
  if (raw) return { name: `corpus ${item.id}`, ...raw };
  if (item.transport === "raw-http") throw new Error(`corpus case ${item.id} has no concrete request`);
  if (NEEDS_SCHEMA.test(item.expected)) return undefined;
  // The corpus asserts any of 400/413/414/431 for size and depth attacks (Node itself answers 431).
  const status = item.category === "size-depth-dos" ? DOS_STATUSES : expectedStatuses(item.expected);
  if (item.transport === "headers") {
    const headers = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x-pad-${i}`, "A".repeat(200)]));
    return { name: `corpus ${item.id}`, request: { method: "GET", path: "/public", headers }, expect: { status } };
  }
  const value = item.raw ?? (item.generator !== undefined ? evaluate(item.generator) : "");
  if (item.transport === "json-body") {
    return { name: `corpus ${item.id}`, request: { method: "POST", path: "/echo", headers: json, body: value }, expect: { status } };
  }
  if (item.transport === "query") {
    const path = value.startsWith("/") ? value.replace(/^\/[^?]*/, "/query") : `/query${value.startsWith("?") ? value : `?${value}`}`;
    return { name: `corpus ${item.id}`, request: { method: "GET", path }, expect: { status } };
  }
  throw new Error(`corpus case ${item.id} has an unknown transport ${item.transport}`);
}

/** The transport scenarios taken from the corpus. */
export function transportCorpusScenarios(): Scenario[] {
  const corpus = loadCorpus<{ cases: CorpusCase[] }>("input-validation-abuse.json");
  return corpus.cases.filter((c) => TRANSPORT_CATEGORIES.has(c.category)).map(toScenario).filter((s): s is Scenario => s !== undefined);
}
