// The snippets of docs/errors.md and docs/transport.md (the test beside it runs them).
import express from "express";
import { bulwark, SecurityError, type SecurityEvent } from "@bulwark/express";

/** Events the snippets' listener received, for the test. */
export const received: SecurityEvent[] = [];
const log = { info: (event: SecurityEvent) => void received.push(event), error: (_message: string, _error: unknown) => undefined };

export function errorsApp() {
const { secure, errors } = bulwark({
  onEvent: (event) => log.info(event),
  onError: (error, { requestId }) => log.error(`request ${requestId} failed`, error),
});

const app = express();
app.use(secure());
app.post("/transfers", secure({ public: true }), (req, res) => {
  if (req.body?.amount > 10_000) {
    throw new SecurityError("AUTHZ_FORBIDDEN", { detail: "Transfers above 10,000 need a second approval." });
  }
  res.status(201).json({ accepted: true });
});
app.use(errors());
return app;
}

export function limitsApp() {
const { secure, errors } = bulwark({
  limits: {
    bodyBytes: 512 * 1024,
    jsonDepth: 16,
    arrayLength: 500,
    contentTypes: ["application/json"],
  },
  headers: { strictTransportSecurity: { maxAge: 63_072_000, includeSubDomains: true, preload: true } },
  trustProxy: 1,
  requireHttps: true,
});

const app = express();
app.use(secure());
app.post("/avatars", secure({ public: true, limits: { bodyBytes: 16 * 1024 } }), (_req, res) => {
  res.status(204).end();
});
app.use(errors());
return app;
}

export function misconfigured() {
  return bulwark({ trustProxy: "yes", limits: { bodySize: 1024 } } as never);
}
