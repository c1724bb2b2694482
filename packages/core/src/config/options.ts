/**
 * The options of `bulwark(config)`: the public shape users write.
 */
import type { HelmetOptions } from "helmet";
import type { Authenticator } from "../auth/authenticator.js";
import type { BolaOptions, OwnershipOptions, RbacOptions } from "../authz/authz-options.js";
import type { MaskRules } from "../output/mask.js";
import type { OpenApiOption } from "../validation/openapi/openapi-options.js";
import type { ValidationOptions } from "../validation/validation-options.js";
import type { SecurityEventListener } from "../events/security-event.js";
import type { BruteForceOptions, RateLimitingOptions, RateLimitOption, ThrottleOptions } from "../ratelimit/rate-limit-options.js";
import type { ProxyHeader, TrustProxy } from "../request/client-ip.js";
import type { SecurityStore } from "../store/store.js";
import type { TransportLimits } from "../transport/limits.js";

/** What an unexpected-error hook learns about the request it happened in. */
export interface ErrorInfo {
  /** The request id the client was given. */
  readonly requestId: string;
  /** HTTP method. */
  readonly method: string;
  /** Route template or path. */
  readonly route: string;
}

/** Options of `bulwark(config)`. Every option has a safe default. */
export interface BulwarkOptions {
  /** Authenticators, tried in order. With any configured, routes require authentication by default. */
  authenticate?: readonly Authenticator[];
  /** Limit per client IP, applied before authentication. */
  rateLimit?: RateLimitOption;
  /** Where shared state lives; a bounded memory store when absent. */
  store?: SecurityStore;
  /** How far to believe the proxy header (see `proxyHeader`). Default `false`. */
  trustProxy?: TrustProxy;
  /** Which header the trusted proxies write: `x-forwarded-for` (the default) or `forwarded` (RFC 7239). */
  proxyHeader?: ProxyHeader;
  /** Receives every security event. */
  onEvent?: SecurityEventListener;
  /** Receives each unexpected (500) error with its full detail, for logs. Default: `console.error`. */
  onError?: (error: unknown, info: ErrorInfo) => void;
  /** Development only: put internal error detail in problem responses. Default `false`. */
  expose?: boolean;
  /** Transport limits. */
  limits?: TransportLimits;
  /** helmet options merged over Bulwark's API defaults, or `false` to send no security headers. */
  headers?: HelmetOptions | false;
  /** Request id handling. */
  requestId?: {
    /** Keep a well-formed incoming `x-request-id`. Default `true`. */
    trustIncoming?: boolean;
  };
  /** Refuse requests that did not arrive over HTTPS (as told by `trustProxy`). Default `false`. */
  requireHttps?: boolean;
  /** Base URI of problem `type`s (the code is appended); `about:blank` when absent. */
  problemTypeBase?: string;
  /** Names of startup warnings to silence. */
  silence?: readonly string[];
  // Authentication
  // Authorization
  /** The role model that `can` and `authorize(action)` check: roles, what they grant, what they inherit. */
  rbac?: RbacOptions;
  /** How `context.authorize(action, object)` decides ownership; also the defaults of every `owns`. */
  ownership?: OwnershipOptions;
  /** Enumeration (BOLA) detection and blocking; `false` turns it off. On by default. */
  bola?: BolaOptions | boolean;
  // Validation and output
  /** How strict input validation is (unknown properties, string cap, error status...). */
  validation?: ValidationOptions;
  /** An OpenAPI 3.0/3.1 document (object or JSON/YAML file path) every request is validated against. */
  openapi?: OpenApiOption;
  /** Masks for sensitive fields in every JSON response of a guarded route (e-mail, phone, card...). */
  mask?: MaskRules;
  // Rate-limiting
  /** How rate limits run: header fields, store timeout and failure mode, memory bound, IPv6 grouping. */
  rateLimiting?: RateLimitingOptions;
  /** Lockout after repeated failed logins and authentications; on by default, `false` turns it off. */
  bruteForce?: BruteForceOptions | false;
  /** Adaptive throttling and load shedding under process pressure; off by default. */
  throttle?: ThrottleOptions | false;
}
