/**
 * `requireHttps`: a request that did not arrive over HTTPS is refused, and `X-Forwarded-Proto` is
 * believed only from a proxy `trustProxy` trusts (the test client connects from 127.0.0.1).
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import type { BulwarkOptions } from "@bulwark/core";
import { ADAPTERS } from "./harness/adapters.js";
import type { NeutralApp, RunningApp } from "./harness/neutral-app.js";
import { runScenario } from "./harness/run-scenario.js";

function httpsApp(options: BulwarkOptions): NeutralApp {
  return {
    options: { ...options, requireHttps: true, onError: () => undefined, silence: ["BULWARK_TRUST_ALL_PROXIES"] },
    routes: [{ method: "GET", path: "/public", policy: { public: true }, handler: () => ({ body: { ok: true } }) }],
  };
}

/** What a plain-HTTP request with and without `X-Forwarded-Proto: https` gets, per trust setting. */
const CASES: ReadonlyArray<readonly [string, BulwarkOptions, { readonly plain: number; readonly forwardedHttps: number }]> = [
  ["no proxy trusted", {}, { plain: 403, forwardedHttps: 403 }],
  ["the connecting peer listed as a proxy", { trustProxy: ["127.0.0.1"] }, { plain: 403, forwardedHttps: 200 }],
  ["another address listed as the proxy", { trustProxy: ["10.0.0.1"] }, { plain: 403, forwardedHttps: 403 }],
  ["one proxy hop", { trustProxy: 1 }, { plain: 403, forwardedHttps: 200 }],
];

describe.each(ADAPTERS)("requireHttps on %s", (_adapter, build) => {
  describe.each(CASES)("with %s", (_trust, options, expected) => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await build(httpsApp(options));
    });
    afterAll(() => app.close());

    it(`answers a plain request ${expected.plain}`, async () => {
      const code = expected.plain === 200 ? undefined : "HTTPS_REQUIRED";
      await runScenario(app, { name: "plain", request: { method: "GET", path: "/public" }, expect: { status: expected.plain, ...(code ? { code } : {}) } });
    });

    it(`answers X-Forwarded-Proto: https ${expected.forwardedHttps}`, async () => {
      const code = expected.forwardedHttps === 200 ? undefined : "HTTPS_REQUIRED";
      const request = { method: "GET", path: "/public", headers: { "x-forwarded-proto": "https" } };
      await runScenario(app, { name: "forwarded", request, expect: { status: expected.forwardedHttps, ...(code ? { code } : {}) } });
    });

    it("goes by the first X-Forwarded-Proto entry, from the proxy the client reached", async () => {
      const request = { method: "GET", path: "/public", headers: { "x-forwarded-proto": "http, https" } };
      await runScenario(app, { name: "forwarded http", request, expect: { status: 403, code: "HTTPS_REQUIRED" } });
    });
  });
});
