/**
 * Who calls the examples in these tests: the three example users and an anonymous client, with
 * the notes each one owns and the ones that belong to someone else.
 */
import type { ExampleUser, RunningExample, StoredNote } from "./example-apps.js";

/** A caller: one of the example users, or nobody. */
export type Who = "anonymous" | ExampleUser;

/** Every caller, in table order. */
export const CALLERS: readonly Who[] = ["anonymous", "alice", "bob", "admin"];

/** The example users' tenants (as the examples' dev-identity.ts issues them). */
export const TENANT: Readonly<Record<ExampleUser, string>> = { alice: "acme", bob: "globex", admin: "acme" };

/** Whose note is "someone else's" for each caller (the anonymous caller owns nothing; its "own" is alice's). */
const OWNER: Readonly<Record<Who, { own: ExampleUser; other: ExampleUser }>> = {
  anonymous: { own: "alice", other: "bob" },
  alice: { own: "alice", other: "bob" },
  bob: { own: "bob", other: "alice" },
  admin: { own: "admin", other: "bob" },
};

/** A fresh note of the caller and a fresh note of another user (in another tenant, except for the anonymous caller). */
export function notesFor(app: RunningExample, who: Who): { own: StoredNote; other: StoredNote } {
  const make = (user: ExampleUser, title: string) =>
    app.notes.create({ ownerId: user, tenantId: TENANT[user], title, body: `${title}: private to ${user}` });
  const { own, other } = OWNER[who];
  return { own: make(own, `${own}-note-${Math.random().toString(36).slice(2, 10)}`), other: make(other, `${other}-note-${Math.random().toString(36).slice(2, 10)}`) };
}

/** A token for `who` from the example's identity provider (none for the anonymous caller). */
export async function tokenOf(app: RunningExample, who: Who): Promise<string | undefined> {
  return who === "anonymous" ? undefined : app.token(who);
}
