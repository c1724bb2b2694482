/**
 * Bare Express 5 (servers/express-bare.mjs) behind Bulwark with nothing to check: its global
 * layer (request id, security headers, transport limits, deny by default) and a public route
 * policy in front of the bare routes, which still validate, check ownership and filter by hand.
 * No authenticator, no rate limit. What Bulwark costs before any check of a policy runs.
 */
import { bulwark } from "@bulwark/express";
import { bareApp } from "./express-bare.mjs";

const { secure, errors } = bulwark();
const app = bareApp(secure(), secure({ public: true }));
app.use(errors());

export default { name: "express-floor", handler: app };
