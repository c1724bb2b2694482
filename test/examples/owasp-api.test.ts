/**
 * The attack scenarios of OWASP API1 (broken object level authorization), API3 (broken object
 * property level authorization) and API5 (broken function level authorization), read from the
 * shared corpus and rebuilt against the three basic examples, each on a real HTTP server on
 * 127.0.0.1. Every test names the scenario it rebuilds and takes its endpoints, payloads and
 * property names from the corpus text.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import { DEFAULT_BOLA } from "@bulwark/core";
import { loadCorpus } from "../support/corpora.js";
import { EXAMPLES, type Example, type RunningExample, type StoredNote } from "./support/example-apps.js";
import { call, type Reply } from "./support/http.js";
import { TENANT } from "./support/principals.js";

interface Risk {
  readonly id: string;
  readonly isTheApiVulnerable: string;
  readonly exampleAttackScenarios: string;
}

const RISKS = loadCorpus<{ risks: Risk[] }>("owasp-api-top10-2023.json").risks;

function risk(id: string): Risk {
  const found = RISKS.find((entry) => entry.id === id);
  if (found === undefined) throw new Error(`${id} is not in the corpus`);
  return found;
}

/** The text of one numbered attack scenario of a risk. */
function scenario(id: string, number: number): string {
  const parts = risk(id).exampleAttackScenarios.split(/### Scenario #(\d+)/);
  const at = parts.indexOf(String(number));
  if (at === -1) throw new Error(`${id} has no scenario #${number}`);
  return parts[at + 1]!;
}

/** The JSON objects quoted in a text, in order (each the shortest span from a `{` that parses). */
function quotedObjects(text: string): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  let from = 0;
  while ((from = text.indexOf("{", from)) !== -1) {
    let parsed: Record<string, unknown> | undefined;
    let end = text.indexOf("}", from);
    for (; end !== -1 && parsed === undefined; end = text.indexOf("}", end + 1)) {
      try {
        const value: unknown = JSON.parse(text.slice(from, end + 1));
        if (value !== null && typeof value === "object" && !Array.isArray(value)) {
          parsed = value as Record<string, unknown>;
          break;
        }
      } catch {
        // not a whole object yet: try the next closing brace
      }
    }
    if (parsed === undefined) {
      from += 1;
    } else {
      objects.push(parsed);
      from = end + 1;
    }
  }
  return objects;
}

/** `METHOD /path` mentions of a text. */
function endpoints(text: string): { method: string; path: string }[] {
  return [...text.matchAll(/\b(GET|POST|PUT|PATCH|DELETE) `?(\/[^\s`]+)/g)].map((match) => ({ method: match[1]!, path: match[2]! }));
}

/** The keys the malicious replay adds to the legitimate payload. */
function addedKeys(legit: Record<string, unknown>, attack: Record<string, unknown>): string[] {
  return Object.keys(attack).filter((key) => !(key in legit));
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** Runs `test` against a fresh app (own store, own enumeration counts). */
async function withApp(example: Example, test: (app: RunningExample) => Promise<void>): Promise<void> {
  const app = await example.start();
  try {
    await test(app);
  } finally {
    await app.close();
  }
}

function note(app: RunningExample, owner: "alice" | "bob" | "admin", title: string): StoredNote {
  return app.notes.create({ ownerId: owner, tenantId: TENANT[owner], title, body: `${title}, private to ${owner}` });
}

function unchanged(app: RunningExample, before: StoredNote): void {
  expect(app.notes.get(before.id)).toEqual(before);
}

/** A problem body without its request id, to compare two refusals. */
function withoutRequestId(reply: Reply): unknown {
  const { requestId: _ignored, ...rest } = reply.body as Record<string, unknown>;
  return { status: reply.status, type: reply.headers["content-type"], body: rest };
}

describe.each(EXAMPLES)("$name example", (example) => {
  describe("API1:2023 Broken Object Level Authorization", () => {
    it("scenario #1: the list of names comes from nowhere, and walking {shopName}-style ids reveals no one else's data", async () => {
      const text = scenario("API1:2023", 1);
      const template = /`(\/shops\/\{shopName\}\/[^`]+)`/.exec(text)?.[1];
      expect(template).toBe("/shops/{shopName}/revenue_data.json");
      expect(text).toContain("get the list of all hosted shop names");
      await withApp(example, async (app) => {
        const bob = await app.token("bob");
        // More ids than the enumeration threshold (the examples keep the default), so the walk is also stopped.
        const victims = Array.from({ length: DEFAULT_BOLA.threshold + 10 }, (_, i) => note(app, i % 2 === 0 ? "alice" : "admin", `revenue ${i}`));
        // "Using another API endpoint, the attacker can get the list": not here.
        const own = await call(app.url, "GET", "/notes", { token: bob });
        expect((own.body as StoredNote[]).every((n) => n.ownerId === "bob")).toBe(true);
        expect((await call(app.url, "GET", "/admin/notes", { token: bob })).status).toBe(403);
        // Even with every id leaked, replacing it in the URL (here /notes/{id}) gives nothing.
        const statuses = new Set<number>();
        for (const victim of victims) {
          const reply = await call(app.url, "GET", `/notes/${victim.id}`, { token: bob });
          statuses.add(reply.status);
          expect(reply.text).not.toContain(victim.title);
        }
        expect([...statuses].sort()).toEqual([404, 429]); // not found, then blocked as an enumeration
      });
    });

    it("scenario #2: an action on an object id that is not the caller's (the VIN of another's car) is refused", async () => {
      expect(scenario("API1:2023", 2)).toContain("fails to validate that the VIN represents a vehicle that belongs to the logged in user");
      await withApp(example, async (app) => {
        const bob = await app.token("bob");
        const car = note(app, "alice", "alice's car");
        const before = { ...car };
        // The remote-control actions: change it, remove it, through the user and the admin routes.
        expect((await call(app.url, "PATCH", `/notes/${car.id}`, { token: bob, json: { title: "unlocked" } })).status).toBe(404);
        expect((await call(app.url, "DELETE", `/notes/${car.id}`, { token: bob })).status).toBe(404);
        expect((await call(app.url, "DELETE", `/admin/notes/${car.id}`, { token: bob })).status).toBe(403);
        unchanged(app, before);
      });
    });

    it("scenario #3: the deleteReports mutation's document ids of another user delete nothing and look missing", async () => {
      const mutation = quotedObjects(scenario("API1:2023", 3)).find((object) => object.operationName === "deleteReports");
      expect(mutation).toBeDefined();
      const keys = (mutation!.variables as { reportKeys: string[] }).reportKeys;
      expect(keys).toEqual(["<DOCUMENT_ID>"]);
      await withApp(example, async (app) => {
        const bob = await app.token("bob");
        const document = note(app, "alice", "alice's report");
        const before = { ...document };
        for (const key of keys) {
          const id = key.replace("<DOCUMENT_ID>", document.id);
          const foreign = await call(app.url, "DELETE", `/notes/${id}`, { token: bob });
          const missing = await call(app.url, "DELETE", `/notes/${randomUUID()}`, { token: bob });
          expect(foreign.status).toBe(404);
          expect(withoutRequestId(foreign)).toEqual(withoutRequestId(missing)); // no existence oracle
        }
        // The mutation body itself, posted where notes are written, sets nothing.
        const posted = await call(app.url, "POST", "/notes", { token: bob, json: { ...mutation, variables: { reportKeys: [document.id] } } });
        expect(posted.status).toBe(400);
        unchanged(app, before);
        expect(app.notes.all().filter((n) => n.ownerId === "bob")).toHaveLength(1);
      });
    });
  });

  describe("API3:2023 Broken Object Property Level Authorization", () => {
    it("scenario #1: the sensitive properties the corpus names (fullName, recentLocation) never leave the app", async () => {
      const named = /such as "(\w+)" and "(\w+)"/.exec(scenario("API3:2023", 1));
      expect(named).not.toBeNull();
      const properties = [named![1]!, named![2]!];
      expect(properties).toEqual(["fullName", "recentLocation"]);
      await withApp(example, async (app) => {
        const [alice, admin] = await Promise.all([app.token("alice"), app.token("admin")]);
        const values: Record<string, string> = { [properties[0]!]: "Alice Liddell", [properties[1]!]: "51.7520,-1.2577" };
        for (const row of app.notes.all()) Object.assign(row, values);
        const own = app.notes.all().find((n) => n.ownerId === "alice")!;
        const replies = [
          await call(app.url, "GET", `/notes/${own.id}`, { token: alice }),
          await call(app.url, "GET", "/notes", { token: alice }),
          await call(app.url, "PATCH", `/notes/${own.id}`, { token: alice, json: { body: "edited" } }),
          await call(app.url, "GET", "/admin/notes", { token: admin }),
        ];
        for (const reply of replies) {
          expect(reply.status).toBe(200);
          for (const leak of [...properties, ...Object.values(values)]) expect(reply.text).not.toContain(leak);
        }
      });
    });

    it.each([
      { number: 2, legitKey: "approved", attackKey: "total_stay_price" },
      { number: 3, legitKey: "description", attackKey: "blocked" },
    ])("scenario #$number: replaying a legitimate write with the internal property added is refused on every writable route", async ({ number, legitKey, attackKey }) => {
      const objects = quotedObjects(scenario("API3:2023", number));
      const legit = objects.find((object) => legitKey in object && !(attackKey in object));
      const attack = objects.find((object) => attackKey in object);
      expect(legit).toBeDefined();
      expect(attack).toBeDefined();
      const added = addedKeys(legit!, attack!);
      expect(added).toEqual([attackKey]);
      const injected = Object.fromEntries(added.map((key) => [key, attack![key]]));

      await withApp(example, async (app) => {
        const alice = await app.token("alice");
        const own = note(app, "alice", "listing");
        // The stored row has the internal property; the attack tries to change it.
        Object.assign(own, { [attackKey]: number === 3 ? true : "$120" });
        const before = { ...own };
        const routes = [
          { method: "POST", path: "/notes", legit: { title: "legit", body: "legit body" }, ok: 201 },
          { method: "PATCH", path: `/notes/${own.id}`, legit: { title: "legit title" }, ok: 200 },
        ];
        for (const route of routes) {
          const count = app.notes.all().length;
          const refused = await call(app.url, route.method, route.path, { token: alice, json: { ...route.legit, ...injected } });
          expect(refused.status).toBe(400);
          expect(refused.body).toMatchObject({ code: "AUTHZ_FIELD_NOT_WRITABLE", errors: added.map((key) => ({ path: `/body/${key}` })) });
          expect(app.notes.all()).toHaveLength(count);
          unchanged(app, before);
        }
        // The legitimate request, replayed without the addition, still works.
        for (const route of routes) expect((await call(app.url, route.method, route.path, { token: alice, json: route.legit })).status).toBe(route.ok);
        expect(app.notes.get(own.id)![attackKey as keyof StoredNote]).toEqual(before[attackKey as keyof StoredNote]);
      });
    });
  });

  describe("API5:2023 Broken Function Level Authorization", () => {
    it("scenario #1: a user cannot reach the admin-only create function with any method, even with an admin invite body", async () => {
      const text = scenario("API5:2023", 1);
      const invite = quotedObjects(text).find((object) => object.role === "admin");
      expect(invite).toEqual({ email: "attacker@somehost.com", role: "admin" });
      const target = endpoints(text).find((endpoint) => endpoint.path.endsWith("/new"));
      expect(target).toEqual({ method: "POST", path: "/api/invites/new" });
      // The examples keep their administrative functions under /admin.
      const adminPaths = [target!.path.replace(/^\/api/, "/admin"), "/admin/notes"];
      await withApp(example, async (app) => {
        const [alice, admin] = await Promise.all([app.token("alice"), app.token("admin")]);
        const victim = note(app, "bob", "bob's note");
        const before = { ...victim };
        for (const path of [...adminPaths, `/admin/notes/${victim.id}`]) {
          for (const method of METHODS) {
            const reply = await call(app.url, method, path, { token: alice, ...(method === "GET" || method === "HEAD" ? {} : { json: invite }) });
            expect(reply.status).toBe(403);
          }
        }
        // The "user's role" cannot be written through the user's own function either.
        expect((await call(app.url, "POST", "/notes", { token: alice, json: { title: "t", body: "b", ...invite } })).status).toBe(400);
        unchanged(app, before);
        // The admin still can: the guard refuses a role, not the function.
        expect((await call(app.url, "GET", "/admin/notes", { token: admin })).status).toBe(200);
      });
    });

    it("scenario #2: guessing GET /api/admin/v1/users/all (and the real list of everyone's data) exposes nothing", async () => {
      const guessed = endpoints(scenario("API5:2023", 2)).find((endpoint) => endpoint.path.includes("/admin/"));
      expect(guessed).toEqual({ method: "GET", path: "/api/admin/v1/users/all" });
      const paths = [guessed!.path.replace(/^\/api/, ""), "/admin/notes"];
      await withApp(example, async (app) => {
        const [alice, bob] = await Promise.all([app.token("alice"), app.token("bob")]);
        for (const path of paths) {
          for (const method of METHODS) {
            expect((await call(app.url, method, path)).status).toBe(401);
            for (const token of [alice, bob]) {
              const reply = await call(app.url, method, path, { token });
              expect(reply.status).toBe(403);
              for (const row of app.notes.all()) expect(reply.text).not.toContain(row.id);
            }
          }
        }
      });
    });

    it("the questions of 'is the API vulnerable': changing GET to DELETE, or guessing a URL, gains a user nothing", async () => {
      const questions = risk("API5:2023").isTheApiVulnerable;
      expect(questions).toContain("by simply changing the HTTP method (e.g. from `GET` to `DELETE`)");
      const guessed = /e\.g\. `(\/api\/[^`]+)`/.exec(questions)?.[1];
      expect(guessed).toBe("/api/v1/users/export_all");
      const [, from, to] = /from `(\w+)` to `(\w+)`/.exec(questions)!;
      await withApp(example, async (app) => {
        const alice = await app.token("alice");
        const victim = note(app, "bob", "bob's note");
        const before = { ...victim };
        // Another user's note: not found either way. The admin function: forbidden either way.
        for (const [path, status] of [[`/notes/${victim.id}`, 404], [`/admin/notes/${victim.id}`, 403]] as const) {
          expect((await call(app.url, from!, path, { token: alice })).status).toBe(status);
          expect((await call(app.url, to!, path, { token: alice })).status).toBe(status);
        }
        unchanged(app, before);
        // Guessed, under the admin area or beside it: refused or absent, never served.
        expect((await call(app.url, "GET", guessed!.replace(/^\/api/, "/admin"), { token: alice })).status).toBe(403);
        expect((await call(app.url, "GET", guessed!.replace(/^\/api/, ""), { token: alice })).status).toBe(404);
        expect((await call(app.url, "GET", guessed!, { token: alice })).status).toBe(404);
      });
    });
  });
});
