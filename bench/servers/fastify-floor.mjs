/**
 * Bare Fastify 5 (servers/fastify-bare.mjs) behind the Bulwark plugin with nothing to check: its
 * global hooks (request id, security headers, transport limits, deny by default) and a public
 * route policy on the bare routes, which still validate, check ownership and filter by hand. No
 * authenticator, no rate limit. What Bulwark costs before any check of a policy runs.
 */
import { bulwark } from "@bulwark/fastify";
import { bareApp } from "./fastify-bare.mjs";

export default { name: "fastify-floor", fastify: await bareApp({ plugin: [bulwark, {}], config: { secure: { public: true } } }) };
