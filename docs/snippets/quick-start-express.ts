// Quick start for Express, as shown in the README (the test beside it runs this file).
import express from "express";
import { z } from "zod";
import { bulwark, jwt } from "@bulwark/express";
import { orders } from "./orders.js";

const { secure, errors } = bulwark({
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

const app = express();
app.use(secure());
app.get(
  "/orders/:id",
  secure({
    scopes: ["orders:read"],
    params: z.object({ id: z.string().uuid() }),
    owns: { load: (req) => orders.get(req.params.id!), owner: (order) => order.customerId },
    response: { fields: ["id", "status", "total"] },
  }),
  (req, res) => res.json(req.bulwark.resource),
);
app.get("/health", secure({ public: true }), (_req, res) => res.json({ ok: true }));
app.use(errors());

export { app };
