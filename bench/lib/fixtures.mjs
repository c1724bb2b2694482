/**
 * The application every bench server serves, whatever its framework or security stack: the same
 * items, owners, schemas, response allowlist and hand-written checks. Keeping them in one module
 * means the three kinds of server differ only in how they secure the routes.
 */
import { Buffer } from "node:buffer";

/** Issuer of the bench tokens. */
export const ISSUER = "https://id.bench.example/";
/** Audience of the bench tokens. */
export const AUDIENCE = "items-api";
/** Key id of the signing key in the JWK set. */
export const KEY_ID = "bench-es256";

/** Users u0..u99; the hot token pool holds one token per user. */
export const USERS = 100;
/** Items item-0..item-9999; item-n belongs to user-(n mod USERS). */
export const ITEMS = 10_000;

/** Points of every limit: high enough never to refuse during a run (the bench measures their cost). */
export const LIMIT_POINTS = 1_000_000_000;
/** Window of every limit, in seconds. */
export const LIMIT_WINDOW_SECONDS = 60;

/** The user id of user number `n`. */
export function userId(n) {
  return `user-${n % USERS}`;
}

/** The store of items: plain objects, some fields of which must never be sent. */
export const items = new Map();
for (let n = 0; n < ITEMS; n++) {
  items.set(`item-${n}`, {
    id: `item-${n}`,
    owner: userId(n),
    title: `Item ${n}`,
    price: (n % 500) + 0.99,
    tags: ["bench", n % 2 === 0 ? "even" : "odd"],
    // Internal fields: the response allowlist must drop them.
    internalCost: (n % 500) / 2,
    supplierEmail: `supplier-${n}@example.com`,
  });
}

/** Fields a client may see of an item. */
export const ITEM_FIELDS = Object.freeze(["id", "owner", "title", "price", "tags"]);

/** JSON Schema of `GET /items/:id`'s path parameters. */
export const PARAMS_SCHEMA = Object.freeze({
  type: "object",
  properties: { id: { type: "string", maxLength: 16, pattern: "^item-[0-9]{1,6}$" } },
  required: ["id"],
  additionalProperties: false,
});

/** JSON Schema of `POST /items`'s body. */
export const BODY_SCHEMA = Object.freeze({
  type: "object",
  properties: {
    title: { type: "string", minLength: 1, maxLength: 200 },
    price: { type: "number", minimum: 0, maximum: 1_000_000 },
    tags: { type: "array", maxItems: 10, items: { type: "string", maxLength: 32 } },
  },
  required: ["title", "price"],
  additionalProperties: false,
});

/** JSON Schema of an item as sent (Fastify's serializer drops every other field). */
export const ITEM_RESPONSE_SCHEMA = Object.freeze({
  type: "object",
  properties: {
    id: { type: "string" },
    owner: { type: "string" },
    title: { type: "string" },
    price: { type: "number" },
    tags: { type: "array", items: { type: "string" } },
  },
});

/** What `POST /items` answers: the item as it would be stored (it is not, so memory stays flat). */
export function createdItem(body, owner) {
  const item = { id: "item-new", owner, title: body.title, price: body.price };
  if (body.tags !== undefined) item.tags = body.tags;
  return item;
}

// ---- Hand-written checks of the bare servers (what an app does with no security layer) ----

const ID_PATTERN = /^item-[0-9]{1,6}$/;

/** Hand validation of the `id` parameter. */
export function validId(id) {
  return typeof id === "string" && id.length <= 16 && ID_PATTERN.test(id);
}

/** Hand validation of a `POST /items` body; `undefined` when valid, else a message. */
export function bodyProblem(body) {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return "body must be an object";
  for (const key of Object.keys(body)) {
    if (key !== "title" && key !== "price" && key !== "tags") return `unknown property ${key}`;
  }
  const { title, price, tags } = body;
  if (typeof title !== "string" || title.length < 1 || title.length > 200) return "title must be a string of 1 to 200 characters";
  if (typeof price !== "number" || !Number.isFinite(price) || price < 0 || price > 1_000_000) return "price must be a number from 0 to 1000000";
  if (tags !== undefined) {
    if (!Array.isArray(tags) || tags.length > 10) return "tags must be a list of at most 10";
    for (const tag of tags) if (typeof tag !== "string" || tag.length > 32) return "each tag must be a string of at most 32 characters";
  }
  return undefined;
}

/** Hand response allowlist. */
export function pickItem(item) {
  return { id: item.id, owner: item.owner, title: item.title, price: item.price, tags: item.tags };
}

/**
 * The bare servers' idea of who is calling: the `sub` of the bearer token's payload, read WITHOUT
 * checking the signature (the bare servers are the no-security baseline). `undefined` when absent.
 */
export function unverifiedSubject(authorization) {
  if (typeof authorization !== "string" || !authorization.startsWith("Bearer ")) return undefined;
  const token = authorization.slice(7);
  const first = token.indexOf(".");
  const second = token.indexOf(".", first + 1);
  if (first < 1 || second < 0) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(token.slice(first + 1, second), "base64url").toString("utf8"));
    return typeof payload.sub === "string" ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}
