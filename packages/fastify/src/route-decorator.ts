/**
 * `@route(policy)`: a TC39 standard method decorator for controller methods used as Fastify
 * handlers. The decorated method runs only once `policy` allows the request.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { RoutePolicy } from "@bulwark/core";
import { slotOf } from "./request-slot.js";

/** A Fastify handler written as a controller method. */
export type FastifyHandlerMethod = (request: FastifyRequest, reply: FastifyReply) => unknown;

/** A method decorator as `route(policy)` returns it. */
export type RouteDecorator = <M extends FastifyHandlerMethod>(method: M, context: ClassMethodDecoratorContext) => M;

/** Marks a decorated handler with its policy, so the plugin compiles it at route registration. */
export const HANDLER_POLICY: unique symbol = Symbol("bulwark.fastify.handlerPolicy");

type Marked = { [HANDLER_POLICY]?: RoutePolicy };

/** The policy a handler was decorated with, if any. */
export function handlerPolicy(handler: unknown): RoutePolicy | undefined {
  return typeof handler === "function" ? (handler as Marked)[HANDLER_POLICY] : undefined;
}

/**
 * Decorates a controller method with a route policy: `@route({ roles: ["admin"] })`. The guard
 * runs first (with the engine of the Bulwark plugin the request went through); a refusal never
 * reaches the method. Instance methods are bound to their instance, so
 * `fastify.get("/admin", controller.method)` works, and the plugin then compiles the policy when
 * the route is registered (a bad policy fails at startup; under `strict: true` the route counts
 * as guarded). Because the guard is asynchronous, a method that sends later must `return reply`.
 */
export function route(policy: RoutePolicy): RouteDecorator {
  return function decorate<M extends FastifyHandlerMethod>(method: M, context: ClassMethodDecoratorContext): M {
    if (context.kind !== "method") throw new TypeError("@route(policy) decorates controller methods only.");
    const guarded = async function guardedHandler(this: unknown, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
      const { runtime } = slotOf(request);
      await runtime.runGuard(request, runtime.guardFor(policy));
      return method.call(this, request, reply);
    };
    (guarded as Marked)[HANDLER_POLICY] = policy;
    if (!context.static && !context.private) {
      const name = context.name;
      context.addInitializer(function bindToInstance(this: unknown) {
        const self = this as Record<string | symbol, unknown>;
        if (self[name] !== guarded) return; // a subclass overrode the method: leave it alone
        const bound = guarded.bind(this);
        (bound as Marked)[HANDLER_POLICY] = policy;
        Object.defineProperty(self, name, { value: bound, writable: true, configurable: true });
      });
    }
    return guarded as unknown as M;
  };
}
