/**
 * The objects the authorization snippets load: a stand-in for the app's database, in memory. Ids
 * come from request parameters, which may be absent, so every lookup accepts `undefined`.
 */

/** An order. */
export interface Order {
  id: string;
  customerId: string;
  total: number;
}

/** A support ticket of a tenant. */
export interface Ticket {
  id: string;
  tenantId: string;
  status: "open" | "closed";
}

/** A document with one owner and several editors. */
export interface Document {
  id: string;
  ownerId: string;
  editorIds: string[];
  title: string;
}

/** A project of a tenant. */
export interface Project {
  id: string;
  tenantId: string;
  name: string;
}

/** A note, found by id or by slug. */
export interface Note {
  id: string;
  slug: string;
  ownerId: string;
  text: string;
}

/** A user row as the database holds it, secrets included. */
export interface UserRow {
  id: string;
  name: string;
  email: string;
  passwordHash?: string;
  role?: string;
  isAdmin?: boolean;
  isInternal?: boolean;
  address?: { city?: string; zip?: string; street?: string };
  orders?: { id: string; total: number; items: { sku: string; price: number }[] }[];
  [column: string]: unknown;
}

/** Rows by id. */
export class Table<T extends { id: string }> {
  readonly #rows = new Map<string, T>();

  constructor(rows: readonly T[]) {
    for (const row of rows) this.#rows.set(row.id, row);
  }

  /** The row with this id, if any. */
  get(id: string | undefined): T | undefined {
    return id === undefined ? undefined : this.#rows.get(id);
  }

  /** Every row, in insertion order. */
  all(): T[] {
    return [...this.#rows.values()];
  }

  /** Stores a row (new, or replacing the one with its id). */
  put(row: T): T {
    this.#rows.set(row.id, row);
    return row;
  }

  /** Removes a row. */
  delete(id: string): boolean {
    return this.#rows.delete(id);
  }
}

/** Orders: vic owns o1, eve owns o2 and o3. */
export const orders = new Table<Order>([
  { id: "o1", customerId: "vic", total: 10 },
  { id: "o2", customerId: "eve", total: 20 },
  { id: "o3", customerId: "eve", total: 30 },
]);

/** Tickets of the tenants `acme` and `globex`. */
export const tickets = new Table<Ticket>([
  { id: "t1", tenantId: "acme", status: "open" },
  { id: "t2", tenantId: "acme", status: "closed" },
  { id: "t3", tenantId: "globex", status: "open" },
]);

/** Documents: eve owns d1, which vic may edit. */
export const documents = new Table<Document>([{ id: "d1", ownerId: "eve", editorIds: ["vic"], title: "Plan" }]);

/** Projects of the tenants `acme` and `globex`. */
export const projects = new Table<Project>([
  { id: "p1", tenantId: "acme", name: "Rocket" },
  { id: "p2", tenantId: "globex", name: "Sled" },
]);

const noteRows = new Table<Note>([
  { id: "n1", slug: "first", ownerId: "eve", text: "hello" },
  { id: "n2", slug: "second", ownerId: "vic", text: "hi" },
]);

/** Notes, with the queries the snippets use. */
export const notes = {
  get: (id: string | undefined): Note | undefined => noteRows.get(id),
  findBySlug: async (slug: unknown): Promise<Note | undefined> => noteRows.all().find((note) => note.slug === slug),
  recent: async (): Promise<Note[]> => noteRows.all(),
  update: async (id: string, changes: Partial<Pick<Note, "text">>): Promise<Note> => {
    const note = noteRows.get(id);
    if (note === undefined) throw new Error(`no note ${id}`);
    return noteRows.put({ ...note, text: changes.text ?? note.text });
  },
};

const userRows = new Table<UserRow>([
  {
    id: "vic", name: "Vic", email: "vic@example.com", passwordHash: "$2b$12$vic", role: "viewer", isInternal: false,
    address: { city: "Oslo", zip: "0150", street: "Karl Johans gate 1" },
    orders: [{ id: "o1", total: 10, items: [{ sku: "A-1", price: 10 }] }],
  },
  { id: "sue", name: "Sue", email: "sue@example.com", passwordHash: "$2b$12$sue", role: "support", isInternal: true },
  { id: "ada", name: "Ada", email: "ada@example.com", passwordHash: "$2b$12$ada", role: "admin", isInternal: true },
  { id: "dan", name: "Dan", email: "dan@example.com", passwordHash: "$2b$12$dan", role: "viewer", address: { city: "Bergen", zip: "5003" } },
]);
let nextUser = 1;

/** The users table: rows with every column, the ones no client may see included. */
export const db = {
  users: {
    findRow: (id: string | undefined): UserRow | undefined => userRows.get(id),
    /** Merges the changes into the row (a real app would check them against its schema). */
    update: (id: string, changes: Partial<UserRow>): UserRow | undefined => {
      const row = userRows.get(id);
      return row === undefined ? undefined : userRows.put({ ...row, ...changes, id });
    },
    /** Stores a new user from the body it is given, as a careless handler would. */
    create: (fields: Partial<UserRow>): UserRow => userRows.put({ name: "", email: "", ...fields, id: `u${nextUser++}` }),
  },
};
