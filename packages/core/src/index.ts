/**
 * @bulwark/core: everything in Bulwark that does not depend on a web framework. Apps import from
 * an adapter package (`@bulwark/express`, `@bulwark/koa`, `@bulwark/fastify`), which re-exports the
 * builders listed here; adapter authors use the engine.
 *
 * @packageDocumentation
 */

// Errors
export { CODES, isSecurityErrorCode, type CodeInfo, type SecurityErrorCode } from "./errors/codes.js";
export {
  ConfigError,
  SecurityError,
  isSecurityError,
  type FieldError,
  type SecurityErrorOptions,
} from "./errors/security-error.js";
export {
  PROBLEM_CONTENT_TYPE,
  formatProblem,
  toSecurityError,
  type ProblemBody,
  type ProblemOptions,
  type ProblemResponse,
} from "./errors/problem.js";

// Configuration and policies
export type { BulwarkOptions, ErrorInfo } from "./config/options.js";
export type { RoutePolicy, AuthRequirement } from "./policy/route-policy.js";
export type {
  AllowContext,
  AllowRule,
  OwnsPolicy,
  ResponsePolicy,
  StepUpPolicy,
  WritablePolicy,
} from "./authz/authz-policy.js";
export type { JsonSchemaObject, SchemaLike, StandardSchemaLike } from "./validation/schema.js";
export type { RateLimitKeyFunction, RateLimitKeyPart, RateLimitOption, RateLimitRule } from "./ratelimit/rate-limit-options.js";
export { DEFAULT_LIMITS, type TransportLimits } from "./transport/limits.js";
export type { TrustProxy } from "./request/client-ip.js";

// Request, context, principal
export type { HeaderMap, QueryMap, SecurityRequest } from "./request/security-request.js";
export type { SecurityContext } from "./context/security-context.js";
export type { Principal, PrincipalKind } from "./context/principal.js";
export type { Authenticator, AuthenticatorServices } from "./auth/authenticator.js";

// Events
export type { SecurityEvent, SecurityEventListener, SecurityEventType } from "./events/security-event.js";

// Stores
export type { SecurityStore } from "./store/store.js";
export { memoryStore, type MemoryStore, type MemoryStoreOptions } from "./store/memory-store.js";
export { redisStore, type RedisClientLike, type RedisStore, type RedisStoreOptions } from "./store/redis-store.js";

// Authentication (issue 3)

// Authorization (issue 4)

// Validation and output (issue 5)

// Rate limiting (issue 6)

// For adapters
export { createEngine, type BodyAccess, type Engine, type RouteGuard } from "./pipeline/engine.js";
export { FEATURES } from "./pipeline/features.js";
export type { Feature, FeatureEnvironment, FeatureRuntime, PolicyPart, Step } from "./pipeline/feature.js";
export type { RequestState } from "./pipeline/request-state.js";
export type { ResponseSink } from "./pipeline/response-sink.js";
export { readBody, type BodyStream } from "./transport/read-body.js";
export { parseBody } from "./transport/parse-body.js";
export type { BodyFormat } from "./transport/content-type.js";
export { PAYLOAD_HEADERS, guardNodeResponse, writeNodeProblem } from "./adapter/node-response-guard.js";
