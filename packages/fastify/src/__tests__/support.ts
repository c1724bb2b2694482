/**
 * Shared pieces of the Fastify adapter's tests: an app factory bound to 127.0.0.1, a test
 * authenticator, the corpora location and the headers every response must carry.
 */
import Fastify, { type FastifyInstance } from "fastify";
import type { Authenticator, Principal } from "@bulwark/core";
import { SecurityError, bulwark, frameworkErrors, type BulwarkFastifyOptions } from "../index.js";

/** The shared attack corpora (outside the repository). */
export { CORPORA_DIR as CORPORA } from "../../../../test/support/corpora.js";

/** Headers Bulwark puts on every response, success or error. */
export const SECURITY_HEADERS = [
  "x-request-id",
  "content-security-policy",
  "x-content-type-options",
  "strict-transport-security",
  "x-frame-options",
  "referrer-policy",
] as const;

/**
 * Reads `x-test-user: id:role1,role2` (a stand-in for a real credential); `x-test-user: bad` is a
 * present but invalid credential.
 */
export const testAuthenticator: Authenticator = {
  method: "test",
  challenge: "Test",
  authenticate(request) {
    const header = request.headers["x-test-user"];
    if (typeof header !== "string") return undefined;
    const [id, roles] = header.split(":");
    if (!id || id === "bad") throw new SecurityError("AUTH_TOKEN_INVALID");
    const principal: Principal = {
      id,
      kind: "user",
      roles: roles ? roles.split(",") : [],
      scopes: [],
      claims: {},
      authMethod: "test",
      authTime: undefined,
      amr: [],
    };
    return principal;
  },
};

/** A Fastify app with Bulwark registered, not yet listening. */
export async function createApp(options: BulwarkFastifyOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ frameworkErrors });
  await app.register(bulwark, { onError: () => undefined, ...options });
  return app;
}

/** Starts `app` on an ephemeral port of 127.0.0.1 (supertest then uses that address). */
export async function listen(app: FastifyInstance): Promise<FastifyInstance> {
  await app.listen({ host: "127.0.0.1", port: 0 });
  return app;
}
