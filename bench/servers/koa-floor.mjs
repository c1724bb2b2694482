/**
 * Bare Koa 3 (servers/koa-bare.mjs) behind Bulwark with nothing to check: its global layer
 * (request id, security headers, transport limits, deny by default) and a public route policy in
 * front of the bare routes, which still validate, check ownership and filter by hand. No
 * authenticator, no rate limit. What Bulwark costs before any check of a policy runs.
 */
import { bulwark } from "@bulwark/koa";
import { bareApp } from "./koa-bare.mjs";

const { secure } = bulwark();

export default { name: "koa-floor", handler: bareApp(secure(), secure({ public: true })).callback() };
