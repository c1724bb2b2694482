/**
 * @bulwark/express: Bulwark for Express 5 (and 4). `bulwark(config)` returns `secure()` (the
 * global layer, or a route guard when given a policy) and `errors()` (the error formatter).
 *
 * @packageDocumentation
 */
export { bulwark, type BulwarkExpress, type SecureExpress } from "./bulwark.js";
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
