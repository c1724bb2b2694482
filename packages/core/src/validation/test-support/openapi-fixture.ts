/**
 * Test support shared by every adapter: an OpenAPI 3.1 document (and its 3.0 twin) with path,
 * query, header and body parameters, the routes an app registers for it, what each route answers,
 * and the request cases with their expected outcomes. An adapter test registers `OPENAPI_ROUTES`
 * with `secure({ public: true })`, answers with `answerFor`, and runs `OPENAPI_CASES`.
 */

/** A uuid the `getOrder` route answers with a well-formed order. */
export const GOOD_ORDER_ID = "0b5a0c5e-4d1f-4a55-9a43-2f1c9c7d1e10";
/** A uuid the `getOrder` route answers with an order holding an undeclared field. */
export const LEAKY_ORDER_ID = "6f1f2a30-77c1-4e8e-8f6e-0a0b7a3c9d21";
/** A uuid the `getOrder` route answers with an order holding a writeOnly field. */
export const WRITE_ONLY_ORDER_ID = "9c3e1d0a-5b2f-4f7a-8d6e-1a2b3c4d5e6f";
/** A valid tenant header value. */
export const TENANT = "2d0e7b9a-1c3f-4e5d-8a6b-7c8d9e0f1a2b";

/** The document (OpenAPI 3.1). */
export const ORDERS_OPENAPI_31 = Object.freeze({
  openapi: "3.1.0",
  info: { title: "Orders", version: "1.0.0" },
  servers: [{ url: "https://api.example.com/api" }],
  paths: {
    "/orders": {
      get: {
        operationId: "listOrders",
        parameters: [
          { name: "page", in: "query", schema: { type: "integer", minimum: 1, maximum: 100 } },
          { name: "status", in: "query", schema: { type: "string", enum: ["open", "shipped"] } },
          { name: "tag", in: "query", schema: { type: "array", maxItems: 5, items: { type: "string", maxLength: 20 } } },
          { name: "ids", in: "query", explode: false, schema: { type: "array", items: { type: "integer", minimum: 1 } } },
          { name: "price", in: "query", style: "deepObject", schema: { type: "object", properties: { min: { type: "number", minimum: 0 }, max: { type: "number" } } } },
          { name: "X-Tenant", in: "header", required: true, schema: { type: "string", format: "uuid" } },
        ],
        responses: { "200": { description: "The matching orders." } },
      },
      post: {
        operationId: "createOrder",
        requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/NewOrder" } } } },
        responses: { "201": { description: "Created." } },
      },
    },
    "/orders/{orderId}": {
      parameters: [{ $ref: "#/components/parameters/OrderId" }],
      get: {
        operationId: "getOrder",
        responses: {
          "200": { description: "The order.", content: { "application/json": { schema: { $ref: "#/components/schemas/Order" } } } },
          "404": { description: "No such order.", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } },
        },
      },
      put: {
        operationId: "replaceOrder",
        requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Order" } } } },
        responses: { "200": { description: "Replaced." } },
      },
      patch: {
        operationId: "updateOrder",
        requestBody: { required: true, content: { "application/merge-patch+json": { schema: { $ref: "#/components/schemas/OrderPatch" } } } },
        responses: { "200": { description: "Updated." } },
      },
    },
    "/orders/{orderId}/lines/{line}": {
      get: {
        operationId: "getOrderLine",
        parameters: [
          { $ref: "#/components/parameters/OrderId" },
          { name: "line", in: "path", required: true, schema: { type: "integer", minimum: 1 } },
        ],
        responses: { "200": { description: "The line." } },
      },
    },
  },
  components: {
    parameters: {
      OrderId: { name: "orderId", in: "path", required: true, schema: { type: "string", format: "uuid" } },
    },
    schemas: {
      NewOrder: {
        type: "object",
        required: ["item", "quantity"],
        properties: {
          item: { type: "string", minLength: 1, maxLength: 50 },
          quantity: { type: "integer", minimum: 1, maximum: 100 },
          note: { type: ["string", "null"] },
          contact: { type: "string", format: "email" },
        },
      },
      Order: {
        allOf: [
          { $ref: "#/components/schemas/NewOrder" },
          {
            type: "object",
            required: ["id", "status"],
            properties: {
              id: { type: "string", format: "uuid", readOnly: true },
              status: { type: "string", enum: ["open", "shipped"] },
              paymentToken: { type: "string", writeOnly: true },
            },
          },
        ],
      },
      Problem: {
        type: "object",
        required: ["title", "status"],
        properties: {
          type: { type: "string" }, title: { type: "string" }, status: { type: "integer" }, detail: { type: "string" },
          code: { type: "string" }, requestId: { type: "string" },
        },
      },
      OrderPatch: {
        type: "object",
        minProperties: 1,
        properties: { status: { type: "string", enum: ["open", "shipped"] }, note: { type: ["string", "null"] } },
      },
    },
  },
});

/** The same document in OpenAPI 3.0 form (`nullable`, boolean `exclusiveMinimum`, no type lists). */
export const ORDERS_OPENAPI_30 = Object.freeze(JSON.parse(
  JSON.stringify(ORDERS_OPENAPI_31)
    .replace('"openapi":"3.1.0"', '"openapi":"3.0.3"')
    .replace(/"type":\["string","null"\]/g, '"type":"string","nullable":true')
    .replace('"ids","in":"query","explode":false,"schema":{"type":"array","items":{"type":"integer","minimum":1}}',
      '"ids","in":"query","explode":false,"schema":{"type":"array","items":{"type":"integer","minimum":0,"exclusiveMinimum":true}}'),
) as Record<string, unknown>);

/** A route an adapter registers: method, path in `:param` form, operation id. */
export interface OpenApiRoute {
  readonly method: "get" | "post" | "put" | "patch" | "delete";
  readonly path: string;
  readonly operationId: string;
}

/** The routes of the document, plus two the document does not declare (for `strict`). */
export const OPENAPI_ROUTES: readonly OpenApiRoute[] = Object.freeze([
  { method: "get", path: "/api/orders", operationId: "listOrders" },
  { method: "post", path: "/api/orders", operationId: "createOrder" },
  { method: "get", path: "/api/orders/:orderId", operationId: "getOrder" },
  { method: "put", path: "/api/orders/:orderId", operationId: "replaceOrder" },
  { method: "patch", path: "/api/orders/:orderId", operationId: "updateOrder" },
  { method: "delete", path: "/api/orders/:orderId", operationId: "undeclaredDelete" },
  { method: "get", path: "/api/orders/:orderId/lines/:line", operationId: "getOrderLine" },
  { method: "get", path: "/api/internal/stats", operationId: "undeclaredPath" },
]);

/** What a route handler received. */
export interface HandlerInput {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
}

/** What a route answers: the order for `getOrder`, otherwise what it received. */
export function answerFor(operationId: string, input: HandlerInput): { status: number; body: unknown } {
  if (operationId !== "getOrder") return { status: 200, body: { operationId, params: input.params, query: input.query, body: input.body } };
  const id = (input.params as { orderId?: unknown }).orderId;
  const order: Record<string, unknown> = { id, item: "book", quantity: 2, status: "open" };
  if (id === LEAKY_ORDER_ID) order.internalNote = "customer is a fraud suspect";
  if (id === WRITE_ONLY_ORDER_ID) order.paymentToken = "tok_live_4242";
  return { status: 200, body: order };
}

/** One request and what must come of it. */
export interface OpenApiCase {
  readonly name: string;
  readonly method: "get" | "post" | "put" | "patch" | "delete";
  /** Path and query string. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON body, or raw text when `contentType` is not JSON. */
  readonly body?: unknown;
  readonly contentType?: string;
  /** Expected status. */
  readonly status: number;
  /** Expected field-error paths and codes (exactly these, in any order). */
  readonly errors?: readonly (readonly [path: string, code: string])[];
  /** Expected parts of what the handler received. */
  readonly received?: Partial<HandlerInput>;
  /** Only with `openapi.strict`. */
  readonly strictOnly?: boolean;
}

const tenant = { "x-tenant": TENANT };

/** The cases (every adapter must give the same outcome). */
export const OPENAPI_CASES: readonly OpenApiCase[] = Object.freeze([
  {
    name: "query parameters of every style are read and coerced",
    method: "get", url: "/api/orders?page=2&status=open&tag=a&tag=b&ids=1,2,3&price[min]=5&price[max]=9.5", headers: tenant, status: 200,
    received: { query: { page: 2, status: "open", tag: ["a", "b"], ids: [1, 2, 3], price: { min: 5, max: 9.5 } } },
  },
  { name: "a single value of an array parameter is a one-item list", method: "get", url: "/api/orders?tag=a", headers: tenant, status: 200, received: { query: { tag: ["a"] } } },
  { name: "a required header is required", method: "get", url: "/api/orders", status: 400, errors: [["/headers/x-tenant", "required"]] },
  { name: "a header format is checked", method: "get", url: "/api/orders", headers: { "x-tenant": "tenant-1" }, status: 400, errors: [["/headers/x-tenant", "format"]] },
  { name: "a header value is bounded before its format runs", method: "get", url: "/api/orders", headers: { "x-tenant": "a".repeat(2000) }, status: 400, errors: [["/headers/x-tenant", "maxLength"]] },
  { name: "a query bound is checked", method: "get", url: "/api/orders?page=0", headers: tenant, status: 400, errors: [["/query/page", "minimum"]] },
  { name: "a query integer must be spelt as one", method: "get", url: "/api/orders?page=0x10", headers: tenant, status: 400, errors: [["/query/page", "type"]] },
  { name: "a scalar given twice is parameter pollution", method: "get", url: "/api/orders?page=1&page=2", headers: tenant, status: 400, errors: [["/query/page", "duplicateParameter"]] },
  { name: "an undeclared query parameter is refused", method: "get", url: "/api/orders?debug=true", headers: tenant, status: 400, errors: [["/query/debug", "additionalProperties"]] },
  { name: "a NoSQL operator in a query name is refused", method: "get", url: "/api/orders?status[$ne]=x", headers: tenant, status: 400, errors: [["/query/status[$ne]", "operatorKey"]] },
  { name: "an enum is checked", method: "get", url: "/api/orders?status=closed", headers: tenant, status: 400, errors: [["/query/status", "enum"]] },
  { name: "items of a comma-separated list are checked", method: "get", url: "/api/orders?ids=1,x", headers: tenant, status: 400, errors: [["/query/ids/1", "type"]] },
  { name: "deepObject members are checked", method: "get", url: "/api/orders?price[min]=cheap", headers: tenant, status: 400, errors: [["/query/price/min", "type"]] },
  { name: "an undeclared deepObject member is refused", method: "get", url: "/api/orders?price[currency]=EUR", headers: tenant, status: 400, errors: [["/query/price/currency", "additionalProperties"]] },
  { name: "array length is checked", method: "get", url: "/api/orders?tag=a&tag=b&tag=c&tag=d&tag=e&tag=f", headers: tenant, status: 400, errors: [["/query/tag", "maxItems"]] },
  {
    name: "a body that matches is passed on", method: "post", url: "/api/orders", body: { item: "book", quantity: 2, note: null, contact: "jane@example.com" }, status: 200,
    received: { body: { item: "book", quantity: 2, note: null, contact: "jane@example.com" } },
  },
  { name: "body types are not coerced", method: "post", url: "/api/orders", body: { item: "book", quantity: "2" }, status: 400, errors: [["/body/quantity", "type"]] },
  { name: "an undeclared body property is refused (mass assignment)", method: "post", url: "/api/orders", body: { item: "book", quantity: 2, isAdmin: true }, status: 400, errors: [["/body/isAdmin", "additionalProperties"]] },
  { name: "a required body is required", method: "post", url: "/api/orders", status: 400, errors: [["/body", "required"]] },
  { name: "required body properties are required", method: "post", url: "/api/orders", body: { item: "book" }, status: 400, errors: [["/body/quantity", "required"]] },
  { name: "a body format is checked", method: "post", url: "/api/orders", body: { item: "book", quantity: 1, contact: "not-an-email" }, status: 400, errors: [["/body/contact", "format"]] },
  { name: "a body media type the operation does not declare is refused", method: "post", url: "/api/orders", body: "item=book&quantity=2", contentType: "application/x-www-form-urlencoded", status: 415 },
  { name: "a path parameter format is checked", method: "get", url: "/api/orders/not-a-uuid", status: 400, errors: [["/params/orderId", "format"]] },
  { name: "a path template matches", method: "get", url: `/api/orders/${GOOD_ORDER_ID}`, status: 200 },
  { name: "path parameters are coerced", method: "get", url: `/api/orders/${GOOD_ORDER_ID}/lines/3`, status: 200, received: { params: { orderId: GOOD_ORDER_ID, line: 3 } } },
  { name: "a path parameter bound is checked", method: "get", url: `/api/orders/${GOOD_ORDER_ID}/lines/0`, status: 400, errors: [["/params/line", "minimum"]] },
  {
    name: "a readOnly property cannot be sent", method: "put", url: `/api/orders/${GOOD_ORDER_ID}`,
    body: { id: GOOD_ORDER_ID, item: "book", quantity: 1, status: "open" }, status: 400, errors: [["/body/id", "additionalProperties"]],
  },
  { name: "an allOf body closes over all its parts", method: "put", url: `/api/orders/${GOOD_ORDER_ID}`, body: { item: "book", quantity: 1, status: "open", extra: 1 }, status: 400, errors: [["/body/extra", "additionalProperties"]] },
  { name: "an allOf body passes", method: "put", url: `/api/orders/${GOOD_ORDER_ID}`, body: { item: "book", quantity: 1, status: "shipped" }, status: 200 },
  { name: "a +json media type is matched", method: "patch", url: `/api/orders/${GOOD_ORDER_ID}`, body: { status: "shipped" }, contentType: "application/merge-patch+json", status: 200, received: { body: { status: "shipped" } } },
  { name: "the body of a +json media type is checked", method: "patch", url: `/api/orders/${GOOD_ORDER_ID}`, body: {}, contentType: "application/merge-patch+json", status: 400, errors: [["/body", "minProperties"]] },
  { name: "an undeclared method is 405 when strict", method: "delete", url: `/api/orders/${GOOD_ORDER_ID}`, status: 405, strictOnly: true },
  { name: "an undeclared path is 404 when strict", method: "get", url: "/api/internal/stats", status: 404, strictOnly: true },
]);
