// Deny by default, from docs/authorization.md (authorization.test.ts runs it); the other sections build on `authenticate`.
import express from "express";
import { bulwark, jwt } from "@bulwark/express";
import { JWKS } from "./identity-provider.js";
import { securityLog } from "./security-log.js";

/** How every app of this guide authenticates: access tokens from the identity provider. */
export const authenticate = [
  jwt({ issuer: "https://id.example.com/", audience: "orders-api", jwks: JWKS, algorithms: ["ES256"] }),
];

const { secure, errors } = bulwark({ authenticate, onEvent: (event) => securityLog.record(event) });

const app = express();
app.use(secure());                                            // the global layer, first

app.get("/health", secure({ public: true }), (req, res) => res.json({ ok: true }));
app.get("/me", secure({}), (req, res) => res.json({ id: req.bulwark.principal!.id }));
app.get("/forgotten", (req, res) => res.json({ secret: "never sent" }));   // answers 403

app.use(errors());

export { app };
