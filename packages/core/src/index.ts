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
export type { ProxyHeader, TrustProxy } from "./request/client-ip.js";

// Request, context, principal
export type { HeaderMap, QueryMap, SecurityRequest } from "./request/security-request.js";
export type { SecurityContext } from "./context/security-context.js";
export type { Principal, PrincipalKind } from "./context/principal.js";
export type { Authenticator, AuthenticatorServices } from "./auth/authenticator.js";

// Events
export type { SecurityEvent, SecurityEventListener, SecurityEventType } from "./events/security-event.js";

// Stores
export type { SecurityStore, StoreWriteOptions } from "./store/store.js";
export { memoryStore, type MemoryStore, type MemoryStoreOptions } from "./store/memory-store.js";
export { redisStore, type RedisClientLike, type RedisStore, type RedisStoreOptions } from "./store/redis-store.js";

// Authentication
export { jwt } from "./auth/jwt.js";
export type { JwtOptions } from "./auth/jwt-options.js";
export type { JwtAlgorithm } from "./auth/jwt-algorithms.js";
export type { JwtKeyOptions, JwtSecret } from "./auth/jwt-key-source.js";
export type { JwtClaimsOptions } from "./auth/jwt-principal.js";
export { apiKey, type ApiKeyLookupResult, type ApiKeyOptions } from "./auth/api-key.js";
export { createApiKey, type ApiKeyRecord, type CreateApiKeyOptions, type CreatedApiKey } from "./auth/create-api-key.js";
export type { RevokeToken } from "./auth/token-revocation.js";

// Authorization
export { DEFAULT_BOLA, type BolaOptions, type OwnershipOptions, type RbacOptions, type RoleDefinition } from "./authz/authz-options.js";
export type { OwnerIds, OwnerRule } from "./authz/authz-policy.js";
export type { Authorize } from "./authz/context-authorizer.js";

// Validation and output
export type { InputSpec, RequestPart, UnknownProperties } from "./validation/schema.js";
export { DEFAULT_VALIDATION, type FormatDefinition, type ValidationOptions } from "./validation/validation-options.js";
export type { OpenApiDocument, OpenApiOption, OpenApiOptions } from "./validation/openapi/openapi-options.js";
export { ResponseValidationError } from "./validation/response-validation-error.js";
export { canonicalIdentifier } from "./validation/canonical-identifier.js";
export { createMasker, maskCard, maskEmail, maskIban, maskPhone, type MaskFunction, type MaskKind, type MaskRules, type Masker } from "./output/mask.js";
export { maskEvents } from "./output/mask-events.js";
export { encodeHtml, encodeHtmlAttribute, encodeJsString, encodeJsonForHtml, encodeUrlComponent } from "./output/encoders.js";
export { safeUrl, type SafeUrlOptions } from "./output/safe-url.js";

// Rate limiting
export type {
  BruteForceKey,
  BruteForceOptions,
  FailureLimit,
  LegacyRateLimitHeaders,
  LockoutStatus,
  PressureThresholds,
  RateLimitApi,
  RateLimitBurst,
  RateLimitingOptions,
  ThrottleLevel,
  ThrottleOptions,
  ThrottlePriority,
} from "./ratelimit/rate-limit-options.js";

// For adapters
export { createEngine, type BodyAccess, type Engine, type RouteGuard } from "./pipeline/engine.js";
export { FEATURES } from "./pipeline/features.js";
export type { Feature, FeatureEnvironment, FeatureRuntime, PolicyPart, Step } from "./pipeline/feature.js";
export type { RequestState } from "./pipeline/request-state.js";
export type { BulwarkApi } from "./pipeline/bulwark-api.js";
export type { ResponseSink } from "./pipeline/response-sink.js";
export { readBody, type BodyStream } from "./transport/read-body.js";
export { parseBody } from "./transport/parse-body.js";
export type { BodyFormat } from "./transport/content-type.js";
export {
  PAYLOAD_HEADERS,
  bulwarkHeaderNames,
  guardNodeResponse,
  isEmptyPayload,
  confirmNodeStatus,
  stripHandlerHeaders,
  writeNodeProblem,
  type HeaderHolder,
} from "./adapter/node-response-guard.js";
export { fromNodeRequest } from "./adapter/node-request.js";
export { NodeResponseSink } from "./adapter/node-response-sink.js";
export { NodeRequestBody } from "./adapter/node-request-body.js";
