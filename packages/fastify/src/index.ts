/**
 * @bulwark/fastify: Bulwark for Fastify 5, as a plugin. `fastify.register(bulwark, config)` secures
 * every request; a route gets its policy from `{ config: { secure: policy } }`,
 * `onRequest: fastify.secure(policy)` or the `@route(policy)` method decorator.
 *
 * @packageDocumentation
 */
import { bulwark } from "./bulwark.js";

export { bulwark, type BulwarkFastify, type BulwarkFastifyOptions, type SecureFastify, type SecureHook } from "./bulwark.js";
export { frameworkErrors } from "./framework-errors.js";
export { route, type FastifyHandlerMethod, type RouteDecorator } from "./route-decorator.js";
export default bulwark;
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
