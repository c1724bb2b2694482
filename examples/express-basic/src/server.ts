/**
 * Starts the notes API on 127.0.0.1 (port from PORT, default 3000; 0 picks a free one) and prints
 * how to call it.
 */
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import { tokenFor } from "./dev-identity.js";

const server = createApp().listen(Number(process.env.PORT ?? 3000), "127.0.0.1", async () => {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const alice = await tokenFor("alice");
  const admin = await tokenFor("admin");
  console.log(`Notes API (Express + Bulwark) on ${base}\n`);
  console.log(`  curl ${base}/health`);
  console.log(`  curl -H "Authorization: Bearer ${alice}" ${base}/notes`);
  console.log(`  curl -H "Authorization: Bearer ${alice}" -H "content-type: application/json" -d '{"title":"hi","body":"there"}' ${base}/notes`);
  console.log(`  curl -H "Authorization: Bearer ${admin}" ${base}/admin/notes`);
  console.log(`  curl -i -H "Authorization: Bearer ${alice}" ${base}/admin/notes    # 403: alice is not an admin\n`);
  console.log("Tokens above are for alice (a user) and admin; they expire in an hour. Ctrl+C stops the server.");
});

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.close(() => process.exit(0)));
