/**
 * A framework-neutral description of a test app: routes with an optional policy and a handler
 * that takes plain inputs and returns a status and JSON body. Each adapter builder turns it into
 * a real app of its framework, so one scenario list runs against all three.
 */
import type { Server } from "node:http";
import type { BulwarkOptions, RoutePolicy, SecurityContext } from "@bulwark/core";

/** What a neutral handler receives. */
export interface HandlerInput {
  readonly params: Record<string, string>;
  readonly query: Record<string, unknown>;
  readonly body: unknown;
  readonly bulwark: SecurityContext;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** What a neutral handler returns. */
export interface HandlerOutput {
  readonly status?: number;
  readonly body?: unknown;
}

/** One route of a neutral app. */
export interface NeutralRoute {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";
  readonly path: string;
  /** The route policy; `undefined` leaves the route unguarded (deny by default applies). */
  readonly policy?: RoutePolicy;
  readonly handler: (input: HandlerInput) => HandlerOutput | Promise<HandlerOutput>;
}

/** A neutral app: Bulwark options and routes. */
export interface NeutralApp {
  readonly options: BulwarkOptions;
  readonly routes: readonly NeutralRoute[];
}

/** A running app of one framework. */
export interface RunningApp {
  /** Base URL on 127.0.0.1. */
  readonly url: string;
  /** The node server, for supertest. */
  readonly server: Server;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Builds and starts a neutral app on one framework. */
export type AdapterBuilder = (app: NeutralApp) => Promise<RunningApp>;
