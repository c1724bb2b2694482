/**
 * TEST ONLY: the code shown in docs/rate-limiting.md. Each snippet of the guide is copied from
 * here verbatim (a test checks it), and the tests run these functions.
 */
import express, { type Express, type RequestHandler } from "express";
import type { Redis } from "ioredis";
import { SecurityError, bulwark, redisStore, type BulwarkOptions } from "@bulwark/express";
import type { Authenticator, RateLimitApi } from "@bulwark/core";

const handler: RequestHandler = (_req, res) => void res.json({ ok: true });

/** Global and route limits. */
export function ordersApp(apiKeys: Authenticator): Express {
  const app = express();
  // snippet: limits
  const security = bulwark({
    trustProxy: 1, // one load balancer in front of the app
    rateLimit: { points: 300, duration: 60 }, // per client IP, before authentication
    authenticate: [apiKeys],
  });
  app.use(security.secure());
  app.get("/orders/:id", security.secure({
    rateLimit: [
      { points: 10, duration: 1, by: "principal", burst: 20 }, // 10 a second, bursts of 20 more
      { points: 1_000, duration: 3_600, by: "principal" }, // and 1,000 an hour
    ],
  }), handler);
  app.post("/reports", security.secure({
    rateLimit: { points: 60, duration: 60, by: "apiKey", cost: 10 }, // a report costs 10 points
  }), handler);
  // end snippet
  app.use(security.errors());
  return app;
}

/** Users and their passwords, for the login example. */
export interface UserDirectory {
  verify(user: string, password: string): Promise<boolean>;
}

/** A login route with brute-force protection. */
export function loginApp(users: UserDirectory, config: BulwarkOptions = {}): Express {
  const app = express();
  // snippet: login
  const security = bulwark({ trustProxy: 1, ...config });
  const { checkLockout, recordFailure, recordSuccess } = security as unknown as RateLimitApi;
  app.use(security.secure());
  app.post("/login", security.secure({ public: true }), async (req, res) => {
    const { user, password } = req.body as { user: string; password: string };
    const attempt = { account: user, ip: req.bulwark.ip };
    await checkLockout(attempt); // 429 AUTH_LOCKED_OUT with Retry-After while locked
    if (!(await users.verify(user, password))) {
      await recordFailure(attempt);
      throw new SecurityError("AUTH_REQUIRED", { detail: "Wrong user name or password." });
    }
    await recordSuccess(attempt);
    res.json({ ok: true });
  });
  app.use(security.errors());
  // end snippet
  return app;
}

/** Several instances behind a load balancer, sharing Redis. */
export function sharedOptions(redis: Redis): BulwarkOptions {
  // snippet: redis
  return {
    trustProxy: ["10.0.0.0/8"], // the load balancers' addresses
    store: redisStore(redis, { prefix: "orders-api:" }),
    rateLimit: { points: 300, duration: 60 },
    rateLimiting: {
      instances: 4, // while Redis is unreachable, each instance allows 300 / 4
      storeTimeout: 100, // never wait longer than 100 ms for Redis
      onStoreError: "closed", // the default: keep limiting, per instance
    },
  };
  // end snippet
}

/** Adaptive throttling. */
export function throttledOptions(): BulwarkOptions {
  // snippet: throttle
  return {
    rateLimit: { points: 300, duration: 60 },
    throttle: {
      eventLoopDelay: { tighten: 100, shed: 300 }, // milliseconds
      heapUsed: { tighten: 0.85, shed: 0.95 }, // of the heap limit
      factor: 0.5, // under pressure, every limit is halved
      priority: { ips: ["10.20.0.0/16"] }, // internal callers are still served while shedding
    },
  };
  // end snippet
}
