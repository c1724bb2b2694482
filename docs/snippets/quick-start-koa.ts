// Quick start for Koa, as shown in the README (the test beside it runs this file).
import Koa from "koa";
import Router from "@koa/router";
import { z } from "zod";
import { bulwark, jwt } from "@bulwark/koa";
import { orders } from "./orders.js";

const { secure } = bulwark({
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

const app = new Koa();
const router = new Router();
app.use(secure());
router.get(
  "/orders/:id",
  secure({
    scopes: ["orders:read"],
    params: z.object({ id: z.string().uuid() }),
    owns: { load: (req) => orders.get(req.params.id!), owner: (order) => order.customerId },
    response: { fields: ["id", "status", "total"] },
  }),
  (ctx) => {
    ctx.body = ctx.state.bulwark.resource;
  },
);
router.get("/health", secure({ public: true }), (ctx) => {
  ctx.body = { ok: true };
});
app.use(router.routes());

export { app };
