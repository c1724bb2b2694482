// Quick start for Fastify, as shown in the README (the test beside it runs this file).
import Fastify from "fastify";
import { z } from "zod";
import { bulwark, jwt } from "@bulwark/fastify";
import { orders } from "./orders.js";

export async function buildApp() {
const app = Fastify();
await app.register(bulwark, {
  authenticate: [
    jwt({
      issuer: "https://id.example.com/",
      audience: "orders-api",
      jwksUri: "https://id.example.com/.well-known/jwks.json",
      algorithms: ["ES256"],
    }),
  ],
  rateLimit: { points: 300, duration: 60 },
});

app.get("/orders/:id", {
  config: {
    secure: {
      scopes: ["orders:read"],
      params: z.object({ id: z.string().uuid() }),
      owns: { load: (req) => orders.get(req.params.id!), owner: (order) => order.customerId },
      response: { fields: ["id", "status", "total"] },
    },
  },
}, async (request) => request.bulwark.resource);
app.get("/health", { config: { secure: { public: true } } }, async () => ({ ok: true }));
return app;
}
