// The orders the quick-start snippets read: a stand-in for the app's database.

/** One order. */
export interface Order {
  id: string;
  customerId: string;
  status: string;
  total: number;
  internalNotes: string;
}

/** Orders by id. */
export const orders = new Map<string, Order>([
  ["6f1c2c3e-8a51-4c1e-9d7b-1d2e3f4a5b6c", { id: "6f1c2c3e-8a51-4c1e-9d7b-1d2e3f4a5b6c", customerId: "customer-1", status: "shipped", total: 42, internalNotes: "never sent" }],
]);
