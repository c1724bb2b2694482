/**
 * How a feature (authentication, authorization, validation, rate limiting...) plugs into the
 * engine: options it adds, global steps, and the route-policy keys it compiles.
 */
import type { Shape } from "../config/shape.js";
import type { ResolvedConfig } from "../config/resolve-config.js";
import type { Emit } from "../events/emitter.js";
import type { RoutePolicy } from "../policy/route-policy.js";
import type { RequestState } from "./request-state.js";

/** One step of a phase; throws a `SecurityError` to refuse the request. */
export type Step = (state: RequestState) => void | Promise<void>;

/** Where a route step runs, in order (lower first). */
export const STAGE = Object.freeze({
  limits: 10,
  authentication: 20,
  rateLimit: 30,
  functionLevel: 40,
  validation: 50,
  ownership: 60,
  attributes: 70,
});

/** What a feature contributes to one route policy. */
export interface PolicyPart {
  /** When the step runs (see {@link STAGE}). */
  readonly stage: number;
  /** The request-phase step. */
  readonly step?: Step;
  /** A response-phase transform of the JSON payload. */
  readonly respond?: (payload: unknown, state: RequestState) => unknown;
}

/** What the engine gives a feature at startup. */
export interface FeatureEnvironment {
  readonly config: ResolvedConfig;
  readonly emit: Emit;
}

/** A feature's runtime, built once at `bulwark()` time. */
export interface FeatureRuntime {
  /** Global step before authentication (IP limits, load shedding). */
  readonly beforeAuth?: Step;
  /** Global step after authentication (e.g. lockout checks). */
  readonly afterAuth?: Step;
  /** Told of every failed authentication (brute-force counting). */
  readonly onAuthFailure?: (state: RequestState) => void | Promise<void>;
  /** Told of every successful authentication. */
  readonly onAuthSuccess?: (state: RequestState) => void | Promise<void>;
  /**
   * Sets the headers that sum up the whole request (RateLimit), once, just before the head goes
   * out, so that a request meeting several steps sets them once.
   */
  readonly beforeHead?: (state: RequestState) => void;
  /** Route-policy keys this feature compiles. */
  readonly policyKeys?: readonly (keyof RoutePolicy)[];
  /** Compiles this feature's part of a policy; pushes problems instead of throwing. */
  readonly compile?: (policy: RoutePolicy, problems: string[]) => PolicyPart | readonly PolicyPart[] | undefined;
  /** Functions added to what `bulwark()` returns (e.g. `revokeToken`). */
  readonly api?: Readonly<Record<string, unknown>>;
}

/** A feature module. */
export interface Feature {
  /** Name, for messages. */
  readonly name: string;
  /** Top-level options this feature adds to `bulwark(config)`. */
  readonly shape?: Shape;
  /** Builds the runtime; pushes configuration problems into `problems`. */
  setup(environment: FeatureEnvironment, problems: string[]): FeatureRuntime;
}
