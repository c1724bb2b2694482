// Decorators, from docs/authorization.md (authorization.test.ts runs it).
import express, { type Request, type Response } from "express";
import { bulwark } from "@bulwark/express";
import { authenticate } from "./authorization.js";
import { orders, type Order } from "./authorization-data.js";

/** The app of the section: a controller method carrying its policy. */
export function decoratorsApp() {
  const { secure, errors } = bulwark({ authenticate, rbac: { roles: { admin: { can: ["*"] } } } });

  class OrdersController {
    @secure.route({ can: "orders:delete", owns: { load: (req) => orders.get(req.params.id), owner: (o) => o.customerId,
                                                    bypassRoles: ["admin"] } })
    remove(req: Request, res: Response) {
      orders.delete((req.bulwark.resource as Order).id);
      res.status(204).end();
    }
  }

  const controller = new OrdersController();
  const app = express();
  app.use(secure());
  app.delete("/orders/:id", controller.remove.bind(controller));
  app.use(errors());
  return app;
}
