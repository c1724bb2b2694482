/**
 * @bulwark/koa: Bulwark for Koa 3 (and 2) with @koa/router. `bulwark(config)` returns `secure()`:
 * the global layer (mount it first), or a route guard when given a policy; `secure.route(policy)`
 * is the same guard as a controller method decorator.
 *
 * @packageDocumentation
 */
export { bulwark, type BulwarkKoa, type KoaHandlerMethod, type SecureKoa } from "./bulwark.js";
export {
  ConfigError,
  SecurityError,
  isSecurityError,
  memoryStore,
  redisStore,
  type BulwarkOptions,
  type FieldError,
  type MemoryStore,
  type MemoryStoreOptions,
  type Principal,
  type ProblemBody,
  type RedisStore,
  type RedisStoreOptions,
  type RoutePolicy,
  type SecurityContext,
  type SecurityErrorCode,
  type SecurityEvent,
  type SecurityEventType,
  type SecurityStore,
  type TransportLimits,
} from "@bulwark/core";
