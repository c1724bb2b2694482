/**
 * The example's data: notes owned by users in two tenants, kept in memory. A real app would use
 * a database; the rows deliberately hold columns that must never be sent (`internalFlag`).
 */
import { randomUUID } from "node:crypto";

/** A stored note: every column, including the ones clients must not see. */
export interface Note {
  id: string;
  ownerId: string;
  tenantId: string;
  title: string;
  body: string;
  internalFlag: boolean;
  createdAt: string;
}

/** The notes store. */
export class NotesStore {
  readonly #notes = new Map<string, Note>();

  /** A store seeded with one note for each example user. */
  static seeded(): NotesStore {
    const store = new NotesStore();
    store.create({ ownerId: "alice", tenantId: "acme", title: "Alice's note", body: "Only Alice may read this." });
    store.create({ ownerId: "bob", tenantId: "globex", title: "Bob's note", body: "Only Bob may read this." });
    return store;
  }

  /** Every note (admins only). */
  all(): Note[] {
    return [...this.#notes.values()];
  }

  /** The note with this id, if any. */
  get(id: string): Note | undefined {
    return this.#notes.get(id);
  }

  /** Adds a note and returns it. */
  create(input: { ownerId: string; tenantId: string; title: string; body: string }): Note {
    const note: Note = { id: randomUUID(), internalFlag: false, createdAt: new Date().toISOString(), ...input };
    this.#notes.set(note.id, note);
    return note;
  }

  /** Changes a note's title or body. */
  update(id: string, changes: { title?: string; body?: string }): Note | undefined {
    const note = this.#notes.get(id);
    if (note === undefined) return undefined;
    if (changes.title !== undefined) note.title = changes.title;
    if (changes.body !== undefined) note.body = changes.body;
    return note;
  }

  /** Removes a note; true when it existed. */
  delete(id: string): boolean {
    return this.#notes.delete(id);
  }
}
