import Koa from "koa";
import Router from "@koa/router";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { bulwark } from "./index.js";
import { prototypeIsClean, serve, tokenAuthenticator, type Served } from "./__tests__/support.js";

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));

/** Path segments: anything percent-encoded, or raw characters that make broken escapes. */
const segment = fc.oneof(
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.string({ unit: fc.constantFrom("%", "2", "e", "G", "f", "0", ".", "_", "~", "a", ":", "@"), maxLength: 12 }),
  fc.constantFrom("..", ".", "items", "echo", "open", "%2e%2e", "%00", "%ff", "__proto__", "constructor"),
);
const pathArb = fc.array(segment, { maxLength: 6 }).map((parts) => `/${parts.join("/")}`);
const queryArb = fc.option(
  fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 20 })), { maxLength: 8 })
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")),
  { nil: undefined },
);
const rawQueryArb = fc.option(fc.constantFrom("__proto__[admin]=1", "a[b][c][d][e][f][g]=1", "a=1&a=2&a=3", "constructor.prototype.x=1", "%zz=%", "&&&=&"), { nil: undefined });

const headerName = fc.oneof(
  fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
  fc.constantFrom("x-request-id", "authorization", "content-encoding", "x-forwarded-for", "x-forwarded-proto", "forwarded", "accept", "cookie", "origin", "range"),
);
const headersArb = fc.dictionary(headerName, fc.string({ unit: printable, maxLength: 200 }).map((v) => v.trim()), { maxKeys: 6 });

const contentTypeArb = fc.constantFrom(
  undefined,
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=utf-16",
  "application/merge-patch+json",
  "application/x-www-form-urlencoded",
  "text/xml",
  "text/plain",
  "multipart/form-data; boundary=xyz",
  "application/json;;;==",
  "garbage",
);
const deepArb = fc.integer({ min: 1, max: 5000 }).map((depth) => "[".repeat(depth) + "]".repeat(depth));
const bodyArb = fc.option(
  fc.oneof(
    fc.json({ maxDepth: 6 }),
    fc.string({ maxLength: 300 }),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    deepArb,
    fc.constantFrom('{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', "{", "\uFEFF{}", '{"a":1e400}', "a=1&__proto__[x]=2"),
  ),
  { nil: undefined },
);

describe("Koa adapter under hostile input", () => {
  let served: Served;

  beforeAll(async () => {
    const { secure } = bulwark({
      authenticate: [tokenAuthenticator({ "t-1": { id: "u", roles: ["admin"] } })],
      onError: () => undefined,
      silence: ["BULWARK_PROXY_WITHOUT_TRUST"],
    });
    const app = new Koa();
    app.use(secure());
    const router = new Router();
    router.all("/echo", secure({ auth: "optional" }), (ctx) => {
      ctx.body = { body: ctx.request.body ?? null, query: ctx.query };
    });
    router.get("/items/:id", secure({ auth: "optional" }), (ctx) => {
      ctx.body = { id: ctx.params.id };
    });
    router.post("/items/:id/admin", secure({ roles: ["admin"] }), (ctx) => {
      ctx.body = { id: ctx.params.id };
    });
    router.get("/open", (ctx) => void (ctx.body = "unguarded"));
    app.use(router.routes());
    app.use(router.allowedMethods());
    served = await serve(app);
  });

  afterAll(() => served.close());

  it("random methods, paths, queries, headers and bodies never get a 5xx, and every refusal is a problem", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("get", "head", "post", "put", "patch", "delete", "options"),
        fc.oneof(pathArb, fc.constantFrom("/echo", "/items/1", "/items/1/admin", "/open")),
        queryArb,
        rawQueryArb,
        headersArb,
        contentTypeArb,
        bodyArb,
        async (method, path, query, rawQuery, headers, contentType, body) => {
          const search = [query, rawQuery].filter((part) => part !== undefined && part !== "").join("&");
          const url = search === "" ? path : `${path}?${search}`;
          let req = served.http[method as "get"](url);
          for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
          if (contentType !== undefined) req = req.set("content-type", contentType);
          // Node's client sends a HEAD body unframed; its own HTTP parser, not the app, answers that.
          const res = await (body === undefined || method === "head" ? req : req.send(body));
          expect(res.status).toBeLessThan(500);
          expect(res.headers["x-request-id"]).toBeDefined();
          if (res.status >= 400) {
            expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
            if (method !== "head") expect(res.body.requestId).toBe(res.headers["x-request-id"]);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(prototypeIsClean()).toBe(true);
    expect((await served.http.get("/items/42")).body).toEqual({ id: "42" });
  });
});
