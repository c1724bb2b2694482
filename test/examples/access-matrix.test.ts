/**
 * The access matrix of the three basic examples (Express, Koa, Fastify), each run on a real HTTP
 * server on 127.0.0.1: four callers × every route × every method × own / other / missing object,
 * from one expectation table run identically on the three apps. Then what the matrix cannot show
 * by status alone: full database rows of which only the allowlisted fields arrive, mass
 * assignment on every writable route, method-override headers, paths spelled to slip past the
 * admin guard, and an enumeration of 100 ids that trips `bola.suspected`.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { DEFAULT_BOLA, type SecurityEvent } from "@bulwark/core";
import { EXAMPLES, type Example, type RunningExample, type StoredNote } from "./support/example-apps.js";
import { call, type Reply } from "./support/http.js";
import { CALLERS, TENANT, notesFor, tokenOf, type Who } from "./support/principals.js";

type Method = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";
type ObjectKind = "own" | "other" | "missing";

/** A status all three frameworks answer, or one with a named exception (and the reason in a comment where it is defined). */
interface Cell {
  readonly status: number;
  readonly express?: number;
  readonly koa?: number;
  readonly fastify?: number;
}
type Expected = number | Cell;

/**
 * The one place where the three examples differ, normalised here: an admin's OPTIONS on a path that
 * an admin route serves. Koa and Fastify have no OPTIONS route there (404, like any other method
 * without a route); Express's router answers OPTIONS itself (200 with an `Allow` header) once the
 * admin guard has let the request in. Anonymous callers and users get 401 and 403 in all three.
 */
const ADMIN_OPTIONS: Cell = { status: 404, express: 200 };

/** path template, method, object the path names ("-": none), then the status for anonymous, alice, bob, admin. */
type Row = readonly [path: string, method: Method, object: ObjectKind | "-", anonymous: Expected, alice: Expected, bob: Expected, admin: Expected];

// Routes without a handler for a method answer 404 in all three (no 405: Koa runs without
// allowedMethods(), and Express and Fastify answer 404 for a method no route has).
const MATRIX: readonly Row[] = [
  // path                      method     object     anon alice bob  admin
  ["/health",                  "GET",     "-",       200, 200, 200, 200],
  ["/health",                  "HEAD",    "-",       200, 200, 200, 200],
  ["/health",                  "POST",    "-",       404, 404, 404, 404],
  ["/health",                  "PUT",     "-",       404, 404, 404, 404],
  ["/health",                  "PATCH",   "-",       404, 404, 404, 404],
  ["/health",                  "DELETE",  "-",       404, 404, 404, 404],
  ["/health",                  "OPTIONS", "-",       404, 404, 404, 404],

  ["/notes",                   "GET",     "-",       401, 200, 200, 200],
  ["/notes",                   "HEAD",    "-",       401, 200, 200, 200],
  ["/notes",                   "POST",    "-",       401, 201, 201, 201],
  ["/notes",                   "PUT",     "-",       404, 404, 404, 404],
  ["/notes",                   "PATCH",   "-",       404, 404, 404, 404],
  ["/notes",                   "DELETE",  "-",       404, 404, 404, 404],
  ["/notes",                   "OPTIONS", "-",       404, 404, 404, 404],

  // A note of someone else answers exactly like a missing one; the admin role does not bypass ownership.
  ["/notes/:id",               "GET",     "own",     401, 200, 200, 200],
  ["/notes/:id",               "GET",     "other",   401, 404, 404, 404],
  ["/notes/:id",               "GET",     "missing", 401, 404, 404, 404],
  ["/notes/:id",               "HEAD",    "own",     401, 200, 200, 200],
  ["/notes/:id",               "HEAD",    "other",   401, 404, 404, 404],
  ["/notes/:id",               "HEAD",    "missing", 401, 404, 404, 404],
  ["/notes/:id",               "POST",    "own",     404, 404, 404, 404],
  ["/notes/:id",               "POST",    "other",   404, 404, 404, 404],
  ["/notes/:id",               "POST",    "missing", 404, 404, 404, 404],
  ["/notes/:id",               "PUT",     "own",     404, 404, 404, 404],
  ["/notes/:id",               "PUT",     "other",   404, 404, 404, 404],
  ["/notes/:id",               "PUT",     "missing", 404, 404, 404, 404],
  ["/notes/:id",               "PATCH",   "own",     401, 200, 200, 200],
  ["/notes/:id",               "PATCH",   "other",   401, 404, 404, 404],
  ["/notes/:id",               "PATCH",   "missing", 401, 404, 404, 404],
  ["/notes/:id",               "DELETE",  "own",     401, 204, 204, 204],
  ["/notes/:id",               "DELETE",  "other",   401, 404, 404, 404],
  ["/notes/:id",               "DELETE",  "missing", 401, 404, 404, 404],
  ["/notes/:id",               "OPTIONS", "own",     404, 404, 404, 404],
  ["/notes/:id",               "OPTIONS", "other",   404, 404, 404, 404],
  ["/notes/:id",               "OPTIONS", "missing", 404, 404, 404, 404],

  // The admin area: the guard answers before any routing, so users get 403 whatever the method.
  ["/admin/notes",             "GET",     "-",       401, 403, 403, 200],
  ["/admin/notes",             "HEAD",    "-",       401, 403, 403, 200],
  ["/admin/notes",             "POST",    "-",       401, 403, 403, 404],
  ["/admin/notes",             "PUT",     "-",       401, 403, 403, 404],
  ["/admin/notes",             "PATCH",   "-",       401, 403, 403, 404],
  ["/admin/notes",             "DELETE",  "-",       401, 403, 403, 404],
  ["/admin/notes",             "OPTIONS", "-",       401, 403, 403, ADMIN_OPTIONS],

  ["/admin/notes/:id",         "GET",     "own",     401, 403, 403, 404],
  ["/admin/notes/:id",         "GET",     "other",   401, 403, 403, 404],
  ["/admin/notes/:id",         "GET",     "missing", 401, 403, 403, 404],
  ["/admin/notes/:id",         "HEAD",    "own",     401, 403, 403, 404],
  ["/admin/notes/:id",         "HEAD",    "other",   401, 403, 403, 404],
  ["/admin/notes/:id",         "HEAD",    "missing", 401, 403, 403, 404],
  ["/admin/notes/:id",         "POST",    "own",     401, 403, 403, 404],
  ["/admin/notes/:id",         "POST",    "other",   401, 403, 403, 404],
  ["/admin/notes/:id",         "POST",    "missing", 401, 403, 403, 404],
  ["/admin/notes/:id",         "PUT",     "own",     401, 403, 403, 404],
  ["/admin/notes/:id",         "PUT",     "other",   401, 403, 403, 404],
  ["/admin/notes/:id",         "PUT",     "missing", 401, 403, 403, 404],
  ["/admin/notes/:id",         "PATCH",   "own",     401, 403, 403, 404],
  ["/admin/notes/:id",         "PATCH",   "other",   401, 403, 403, 404],
  ["/admin/notes/:id",         "PATCH",   "missing", 401, 403, 403, 404],
  ["/admin/notes/:id",         "DELETE",  "own",     401, 403, 403, 204],
  ["/admin/notes/:id",         "DELETE",  "other",   401, 403, 403, 204],
  ["/admin/notes/:id",         "DELETE",  "missing", 401, 403, 403, 404],
  ["/admin/notes/:id",         "OPTIONS", "own",     401, 403, 403, ADMIN_OPTIONS],
  ["/admin/notes/:id",         "OPTIONS", "other",   401, 403, 403, ADMIN_OPTIONS],
  ["/admin/notes/:id",         "OPTIONS", "missing", 401, 403, 403, ADMIN_OPTIONS],

  // Paths under /admin that no route serves: still behind the guard, then 404 for the admin.
  ["/admin",                   "GET",     "-",       401, 403, 403, 404],
  ["/admin",                   "HEAD",    "-",       401, 403, 403, 404],
  ["/admin",                   "POST",    "-",       401, 403, 403, 404],
  ["/admin",                   "PUT",     "-",       401, 403, 403, 404],
  ["/admin",                   "PATCH",   "-",       401, 403, 403, 404],
  ["/admin",                   "DELETE",  "-",       401, 403, 403, 404],
  ["/admin",                   "OPTIONS", "-",       401, 403, 403, 404],
  ["/admin/users/export_all",  "GET",     "-",       401, 403, 403, 404],
  ["/admin/users/export_all",  "HEAD",    "-",       401, 403, 403, 404],
  ["/admin/users/export_all",  "POST",    "-",       401, 403, 403, 404],
  ["/admin/users/export_all",  "PUT",     "-",       401, 403, 403, 404],
  ["/admin/users/export_all",  "PATCH",   "-",       401, 403, 403, 404],
  ["/admin/users/export_all",  "DELETE",  "-",       401, 403, 403, 404],
  ["/admin/users/export_all",  "OPTIONS", "-",       401, 403, 403, 404],
];

const METHODS: readonly Method[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const WITH_BODY: ReadonlySet<Method> = new Set(["POST", "PUT", "PATCH"]);
/** What every example sends of a note. */
const NOTE_FIELDS = ["body", "createdAt", "id", "ownerId", "title"];
/** What the admin list sends of a note. */
const ADMIN_NOTE_FIELDS = ["createdAt", "id", "ownerId", "tenantId", "title"];

function statusFor(expected: Expected, example: Example): number {
  return typeof expected === "number" ? expected : expected[example.name] ?? expected.status;
}

function expectedOf(row: Row, who: Who): Expected {
  const [, , , anonymous, alice, bob, admin] = row;
  return { anonymous, alice, bob, admin }[who];
}

/** Every note of the store, copied, by id. */
function snapshot(app: RunningExample): Map<string, StoredNote> {
  return new Map(app.notes.all().map((note) => [note.id, { ...note }]));
}

/** What a request changed in the store. */
function changesBetween(before: Map<string, StoredNote>, after: Map<string, StoredNote>) {
  return {
    created: [...after.values()].filter((note) => !before.has(note.id)),
    deleted: [...before.keys()].filter((id) => !after.has(id)),
    changed: [...after.values()].filter((note) => before.has(note.id) && JSON.stringify(before.get(note.id)) !== JSON.stringify(note)).map((note) => note.id),
  };
}

function expectProblem(reply: Reply, status: number): void {
  expect(reply.status).toBe(status);
  expect(reply.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({ status });
}

describe("the expectation table", () => {
  it("covers every route with every method, and every object kind where the route names one", () => {
    const paths = [...new Set(MATRIX.map((row) => row[0]))];
    for (const path of paths) {
      const objects = path.includes(":id") ? ["own", "other", "missing"] : ["-"];
      const keys = MATRIX.filter((row) => row[0] === path).map((row) => `${row[1]} ${row[2]}`).sort();
      expect(keys).toEqual(METHODS.flatMap((method) => objects.map((object) => `${method} ${object}`)).sort());
    }
  });

  it("lets the frameworks differ only for the admin, never for a caller who is refused", () => {
    for (const row of MATRIX) {
      for (const who of CALLERS) {
        const expected = expectedOf(row, who);
        if (typeof expected !== "number") expect(who).toBe("admin");
      }
    }
  });
});

describe.each(EXAMPLES)("$name example: access matrix", (example) => {
  describe.each(CALLERS)("as %s", (who) => {
    let app: RunningExample;
    let token: string | undefined;

    // One app per caller: the example's per-IP rate limit (300 a minute) stays far away.
    beforeAll(async () => {
      app = await example.start();
      token = await tokenOf(app, who);
    });
    afterAll(() => app.close());

    const cases = MATRIX.map((row) => {
      const status = statusFor(expectedOf(row, who), example);
      return { row, status, name: `${row[1]} ${row[0]}${row[2] === "-" ? "" : ` (${row[2]})`} → ${status}` };
    });
    it.each(cases)("$name", async ({ row, status }) => {
      const [template, method, object] = row;
      const { own, other } = notesFor(app, who);
      const target = object === "own" ? own.id : object === "other" ? other.id : randomUUID();
      const path = template.replace(":id", target);
      const before = snapshot(app);

      const reply = await call(app.url, method, path, {
        token,
        ...(WITH_BODY.has(method) ? { json: { title: "changed title", body: "changed body" } } : {}),
      });

      expect(reply.status).toBe(status);
      expect(reply.headers["x-request-id"]).toEqual(expect.any(String));
      if (method === "HEAD") expect(reply.text).toBe("");
      else if (status >= 400) expectProblem(reply, status);

      // Nothing of another user's note ever arrives, except in the admin's own area.
      if (!(who === "admin" && template.startsWith("/admin"))) {
        expect(reply.text).not.toContain(other.id);
        expect(reply.text).not.toContain(other.title);
      }

      // A refusal changes nothing; an allowed write changes exactly what it names.
      const changes = changesBetween(before, snapshot(app));
      if (status >= 300 || method === "GET" || method === "HEAD" || method === "OPTIONS") {
        expect(changes).toEqual({ created: [], deleted: [], changed: [] });
      } else if (method === "DELETE") {
        expect(changes).toEqual({ created: [], deleted: [target], changed: [] });
      } else if (method === "PATCH") {
        expect(changes).toEqual({ created: [], deleted: [], changed: [target] });
        expect(app.notes.get(target)).toMatchObject({ title: "changed title", body: "changed body", ownerId: own.ownerId });
      } else {
        expect(method).toBe("POST");
        expect(changes.deleted).toEqual([]);
        expect(changes.changed).toEqual([]);
        expect(changes.created).toHaveLength(1);
        const caller = who as Exclude<Who, "anonymous">;
        expect(changes.created[0]).toMatchObject({ ownerId: caller, tenantId: TENANT[caller], title: "changed title", internalFlag: false });
      }
    });
  });
});

describe.each(EXAMPLES)("$name example: only allowlisted fields leave the app", (example) => {
  let app: RunningExample;
  let alice: string;
  let admin: string;
  /** Columns a table may grow that must never be sent. */
  const secretColumns = {
    passwordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$hashhashhash",
    internalFlag: true,
    audit: { ip: "203.0.113.9", reviewer: "trust-and-safety" },
    tags: [{ label: "vip", score: 0.93 }],
  };
  const leaks = ["passwordHash", "argon2id", "internalFlag", "audit", "203.0.113.9", "tags", "tenantId", "acme"];

  beforeAll(async () => {
    app = await example.start();
    [alice, admin] = await Promise.all([app.token("alice"), app.token("admin")]);
    for (const note of app.notes.all()) Object.assign(note, secretColumns);
    // A second note for alice, so that the list is a real array of rows.
    Object.assign(app.notes.create({ ownerId: "alice", tenantId: "acme", title: "second", body: "row two" }), secretColumns);
  });
  afterAll(() => app.close());

  const aliceNote = () => app.notes.all().find((note) => note.ownerId === "alice")!;
  const keysOf = (value: unknown) => Object.keys(value as object).sort();

  it("an object: GET /notes/:id sends the allowlisted fields of the full row, with their values", async () => {
    const row = aliceNote();
    const reply = await call(app.url, "GET", `/notes/${row.id}`, { token: alice });
    expect(reply.status).toBe(200);
    expect(keysOf(reply.body)).toEqual(NOTE_FIELDS);
    expect(reply.body).toEqual({ id: row.id, ownerId: "alice", title: row.title, body: row.body, createdAt: row.createdAt });
    for (const leak of leaks) expect(reply.text).not.toContain(leak);
  });

  it("an array: GET /notes filters every element", async () => {
    const reply = await call(app.url, "GET", "/notes", { token: alice });
    expect(reply.status).toBe(200);
    const list = reply.body as unknown[];
    expect(list).toHaveLength(app.notes.all().filter((note) => note.ownerId === "alice").length);
    expect(list.length).toBeGreaterThan(1);
    for (const item of list) expect(keysOf(item)).toEqual(NOTE_FIELDS);
    for (const leak of leaks) expect(reply.text).not.toContain(leak);
  });

  it("a created row: POST /notes answers 201 with the allowlisted fields only", async () => {
    const reply = await call(app.url, "POST", "/notes", { token: alice, json: { title: "fresh", body: "new row" } });
    expect(reply.status).toBe(201);
    expect(keysOf(reply.body)).toEqual(NOTE_FIELDS);
    expect(app.notes.get((reply.body as { id: string }).id)).toMatchObject({ internalFlag: false, tenantId: "acme" });
    expect(reply.text).not.toMatch(/internalFlag|tenantId|acme/);
  });

  it("an updated row: PATCH /notes/:id answers with the allowlisted fields only", async () => {
    const row = aliceNote();
    const reply = await call(app.url, "PATCH", `/notes/${row.id}`, { token: alice, json: { title: "renamed" } });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ id: row.id, ownerId: "alice", title: "renamed", body: row.body, createdAt: row.createdAt });
    for (const leak of leaks) expect(reply.text).not.toContain(leak);
  });

  it("the admin list: every row of every user, with the admin allowlist (tenant, no body, no secrets)", async () => {
    const reply = await call(app.url, "GET", "/admin/notes", { token: admin });
    expect(reply.status).toBe(200);
    const list = reply.body as unknown[];
    expect(list).toHaveLength(app.notes.all().length);
    for (const item of list) expect(keysOf(item)).toEqual(ADMIN_NOTE_FIELDS);
    for (const leak of ["passwordHash", "argon2id", "internalFlag", "audit", "203.0.113.9", "tags", "private to"]) expect(reply.text).not.toContain(leak);
  });
});

describe.each(EXAMPLES)("$name example: mass assignment on every writable route", (example) => {
  let app: RunningExample;
  let alice: string;
  let admin: string;
  /** Properties a client must never set, with the values an attacker would send. */
  const ATTACKS: Readonly<Record<string, unknown>> = { ownerId: "bob", tenantId: "globex", internalFlag: true, role: "admin", isAdmin: true };
  const WRITABLE_ROUTES = [
    { route: "POST /notes", method: "POST", path: () => "/notes", legit: { title: "legit", body: "legit body" }, status: 201 },
    { route: "PATCH /notes/:id", method: "PATCH", path: (id: string) => `/notes/${id}`, legit: { title: "legit patch" }, status: 200 },
  ] as const;

  beforeAll(async () => {
    app = await example.start();
    [alice, admin] = await Promise.all([app.token("alice"), app.token("admin")]);
  });
  afterAll(() => app.close());

  const cases = WRITABLE_ROUTES.flatMap((route) => Object.keys(ATTACKS).map((field) => ({ route, field })));
  it.each(cases)("$route.route with $field is refused with 400 naming the field, and nothing changes", async ({ route, field }) => {
    const { own } = notesFor(app, "alice");
    const before = snapshot(app);
    const reply = await call(app.url, route.method, route.path(own.id), { token: alice, json: { ...route.legit, [field]: ATTACKS[field] } });
    expectProblem(reply, 400);
    expect(reply.body).toMatchObject({ code: "AUTHZ_FIELD_NOT_WRITABLE", errors: [{ path: `/body/${field}` }] });
    const value = ATTACKS[field];
    if (typeof value === "string") expect(reply.text).not.toContain(value);
    expect(changesBetween(before, snapshot(app))).toEqual({ created: [], deleted: [], changed: [] });
  });

  it.each(WRITABLE_ROUTES)("$route with every forbidden field at once lists them all, even for the admin", async (route) => {
    const { own } = notesFor(app, "admin");
    const before = snapshot(app);
    const reply = await call(app.url, route.method, route.path(own.id), { token: admin, json: { ...route.legit, ...ATTACKS } });
    expectProblem(reply, 400);
    const paths = ((reply.body as { errors: { path: string }[] }).errors).map((error) => error.path).sort();
    expect(paths).toEqual(Object.keys(ATTACKS).map((field) => `/body/${field}`).sort());
    expect(changesBetween(before, snapshot(app))).toEqual({ created: [], deleted: [], changed: [] });
  });

  it.each(WRITABLE_ROUTES)("$route with only writable fields still works (the rule is not a blanket refusal)", async (route) => {
    const { own } = notesFor(app, "alice");
    const reply = await call(app.url, route.method, route.path(own.id), { token: alice, json: route.legit });
    expect(reply.status).toBe(route.status);
    const stored = app.notes.get((reply.body as { id: string }).id)!;
    expect(stored).toMatchObject({ ownerId: "alice", tenantId: "acme", internalFlag: false, ...route.legit });
  });
});

describe.each(EXAMPLES)("$name example: method-override headers change nothing", (example) => {
  let app: RunningExample;
  let alice: string;
  const OVERRIDES = ["x-http-method-override", "x-http-method", "x-method-override"];

  beforeAll(async () => {
    app = await example.start();
    alice = await app.token("alice");
  });
  afterAll(() => app.close());

  it("on admin routes: every carrier method and every overridden method is still 403 for a user", async () => {
    const { other } = notesFor(app, "alice");
    const targets = ["/admin/notes", `/admin/notes/${other.id}`, "/admin/users/export_all"];
    const before = snapshot(app);
    for (const path of targets) {
      for (const carrier of ["GET", "POST"] as const) {
        for (const header of OVERRIDES) {
          for (const override of ["GET", "DELETE", "PATCH"]) {
            const reply = await call(app.url, carrier, path, { token: alice, headers: { [header]: override }, ...(carrier === "POST" ? { json: {} } : {}) });
            expectProblem(reply, 403);
          }
        }
      }
      expectProblem(await call(app.url, "POST", `${path}?_method=DELETE`, { token: alice, json: {} }), 403);
    }
    expect(changesBetween(before, snapshot(app))).toEqual({ created: [], deleted: [], changed: [] });
  });

  it("on another user's note: no override turns a read or an unrouted method into a write", async () => {
    const { own, other } = notesFor(app, "alice");
    const before = snapshot(app);
    const attempts: { carrier: Method; override: string; status: number }[] = [
      { carrier: "GET", override: "DELETE", status: 404 },
      { carrier: "GET", override: "PATCH", status: 404 },
      { carrier: "POST", override: "DELETE", status: 404 },
      { carrier: "POST", override: "PATCH", status: 404 },
      { carrier: "PATCH", override: "GET", status: 404 },
      { carrier: "PATCH", override: "DELETE", status: 404 },
    ];
    for (const { carrier, override, status } of attempts) {
      for (const header of OVERRIDES) {
        const reply = await call(app.url, carrier, `/notes/${other.id}`, { token: alice, headers: { [header]: override }, ...(carrier === "GET" ? {} : { json: { title: "hijacked" } }) });
        expectProblem(reply, status);
        expect(reply.text).not.toContain(other.title);
      }
    }
    // Not honoured on the caller's own note either: the override is simply ignored.
    expectProblem(await call(app.url, "POST", `/notes/${own.id}`, { token: alice, headers: { "x-http-method-override": "DELETE" }, json: {} }), 404);
    expect(changesBetween(before, snapshot(app))).toEqual({ created: [], deleted: [], changed: [] });
  });
});

describe.each(EXAMPLES)("$name example: paths spelled to slip past the admin guard", (example) => {
  let app: RunningExample;
  let alice: string;
  /**
   * Each spelling with the statuses a user may get: 403 where the framework routes it into the
   * admin area (the guard matches exactly as the router does), 404 where no route serves it.
   * Express and Koa match paths case-insensitively by default, Fastify case-sensitively but after
   * percent-decoding.
   */
  const SPELLINGS: readonly { path: string; express: number; koa: number; fastify: number }[] = [
    { path: "/ADMIN/notes", express: 403, koa: 403, fastify: 404 },
    { path: "/Admin/Notes", express: 403, koa: 403, fastify: 404 },
    { path: "/admin/notes/", express: 403, koa: 403, fastify: 403 },
    { path: "/admin//notes", express: 403, koa: 403, fastify: 403 },
    { path: "//admin/notes", express: 404, koa: 404, fastify: 404 },
    { path: "/admin/./notes", express: 403, koa: 403, fastify: 403 },
    { path: "/public/../admin/notes", express: 404, koa: 404, fastify: 404 },
    { path: "/%61dmin/notes", express: 404, koa: 404, fastify: 403 }, // Fastify's router decodes the path
    { path: "/admin/%6eotes", express: 403, koa: 403, fastify: 403 },
    { path: "/admin%2Fnotes", express: 404, koa: 404, fastify: 404 },
    { path: "/admin;/notes", express: 404, koa: 404, fastify: 404 },
    { path: "/admin/notes;.json", express: 403, koa: 403, fastify: 403 },
    { path: "/admin/notes?role=admin", express: 403, koa: 403, fastify: 403 },
  ];

  beforeAll(async () => {
    app = await example.start();
    alice = await app.token("alice");
  });
  afterAll(() => app.close());

  it.each(SPELLINGS)("$path", async (spelling) => {
    for (const method of ["GET", "DELETE"] as const) {
      const reply = await call(app.url, method, spelling.path, { token: alice });
      expectProblem(reply, spelling[example.name]);
      for (const note of app.notes.all()) expect(reply.text).not.toContain(note.id);
    }
  });
});

describe.each(EXAMPLES)("$name example: enumerating note ids", (example) => {
  // The examples leave `bola` at its defaults.
  const { threshold } = DEFAULT_BOLA;
  const sequential = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

  it.each([
    { kind: "sequential", idAt: sequential },
    { kind: "random", idAt: () => randomUUID() },
  ])("100 $kind ids by one user trip bola.suspected and then block that user only", async ({ idAt }) => {
    const events: SecurityEvent[] = [];
    const app = await example.start({ onEvent: (event) => void events.push(event) });
    try {
      const [alice, bob] = await Promise.all([app.token("alice"), app.token("bob")]);
      const bobsNote = app.notes.all().find((note) => note.ownerId === "bob")!;
      const ids = Array.from({ length: 100 }, (_, i) => idAt(i + 1));
      ids[10] = bobsNote.id; // a real id among the guesses answers like the others

      const statuses: number[] = [];
      for (const id of ids) {
        const reply = await call(app.url, "GET", `/notes/${id}`, { token: alice });
        statuses.push(reply.status);
        expect(reply.text).not.toContain(bobsNote.title);
        if (reply.status === 429) expect(reply.body).toMatchObject({ code: "AUTHZ_ENUMERATION_BLOCKED" });
      }
      expect(statuses.slice(0, threshold)).toEqual(Array(threshold).fill(404));
      expect(statuses.slice(threshold)).toEqual(Array(100 - threshold).fill(429));

      const suspected = events.filter((event) => event.type === "bola.suspected");
      expect(suspected.length).toBeGreaterThan(0);
      for (const event of suspected) expect(event).toMatchObject({ principalId: "alice", method: "GET" });
      expect(events.filter((event) => event.type === "ownership.denied" && event.principalId === "alice")).toHaveLength(1);
      expect(JSON.stringify(events)).not.toContain(alice);

      // The block holds on every ownership-checked route, even for alice's own note...
      const own = app.notes.all().find((note) => note.ownerId === "alice")!;
      expect((await call(app.url, "GET", `/notes/${own.id}`, { token: alice })).status).toBe(429);
      expect((await call(app.url, "DELETE", `/notes/${own.id}`, { token: alice })).status).toBe(429);
      expect(app.notes.get(own.id)).toBeDefined();
      // ...but not on routes without an object, and not for anyone else.
      expect((await call(app.url, "GET", "/notes", { token: alice })).status).toBe(200);
      expect((await call(app.url, "GET", `/notes/${bobsNote.id}`, { token: bob })).status).toBe(200);
      expect(events.filter((event) => event.type === "bola.suspected" && event.principalId !== "alice")).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
