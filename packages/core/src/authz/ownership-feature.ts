/**
 * `owns` in a route policy: object-level authorization (OWASP API1, BOLA). The object the request
 * names is loaded, its owner compared with the principal (or one of its claims, such as a tenant),
 * and kept on `context.resource` for the handler. An object that is not the principal's answers
 * exactly like a missing one (404 NOT_FOUND, same body and headers), or 403 when the route says
 * `deny: 403`. Also adds the top-level `ownership` and `bola` options and sets up
 * `context.authorize()`.
 */
import { checkRule, checkShape, isPlainObject, type Rule, type Shape } from "../config/shape.js";
import { SecurityError } from "../errors/security-error.js";
import type { Principal } from "../context/principal.js";
import { STAGE, type Feature } from "../pipeline/feature.js";
import type { RequestState } from "../pipeline/request-state.js";
import { isThenable } from "../pipeline/thenable.js";
import type { OwnerIds, OwnsPolicy } from "./authz-policy.js";
import { bolaGuard, resolveBola } from "./bola-guard.js";
import { createContextAuthorizer, registerContextAuthorizer } from "./context-authorizer.js";
import { ownerCheck, type OwnerCheck } from "./owner-match.js";
import { roleModelFor, type RoleModel } from "./role-model.js";

const denyRule: Rule = {
  kind: "custom",
  check: (value, path) => (value === 404 || value === 403 ? [] : [`${path} must be 404 (the default: no existence oracle) or 403.`]),
};

const OWNER_RULE_SHAPE: Shape = {
  owner: { kind: "function" },
  as: { kind: "string", minLength: 1 },
  bypassRoles: { kind: "array", items: { kind: "string", minLength: 1 } },
  deny: denyRule,
};

const OWNS_SHAPE: Shape = { load: { kind: "function" }, ...OWNER_RULE_SHAPE };

const positiveInteger: Rule = { kind: "number", integer: true, min: 1 };

const BOLA_SHAPE: Shape = {
  threshold: positiveInteger,
  window: positiveInteger,
  block: { kind: "number", integer: true, min: 0 },
  failOpen: { kind: "boolean" },
};

/** `true`, `false`, or the settings object (checked name by name, for precise messages). */
const bolaRule: Rule = {
  kind: "custom",
  check(value, path) {
    if (typeof value === "boolean") return [];
    const found: string[] = [];
    checkRule(value, { kind: "object", shape: BOLA_SHAPE }, path, found);
    return found.length === 0 || isPlainObject(value) ? found : [`${path} must be true, false, or { threshold, window, block, failOpen }.`];
  },
};

function warnUnknownRoles(roles: readonly string[] | undefined, where: string, model: RoleModel, warn: (code: string, message: string) => void): void {
  for (const role of roles ?? []) {
    if (!model.knows(role)) warn("BULWARK_UNKNOWN_ROLE", `Bulwark: ${where} names "${role}", which rbac.roles does not define; only principals holding exactly that role bypass ownership.`);
  }
}

/** The ownership feature. */
export const ownershipFeature: Feature = {
  name: "ownership",
  shape: {
    ownership: { kind: "object", shape: OWNER_RULE_SHAPE },
    bola: bolaRule,
  },
  setup({ config, emit }, setupProblems) {
    const model = roleModelFor(config, setupProblems);
    const defaults = config.options.ownership ?? {};
    const bola = bolaGuard(resolveBola(config.options.bola), config.store, emit, config.services.now);
    let globalCheck: OwnerCheck | undefined;
    if (typeof defaults.owner === "function") {
      warnUnknownRoles(defaults.bypassRoles, "ownership.bypassRoles", model, config.warn);
      globalCheck = ownerCheck({ ...defaults, owner: defaults.owner }, model);
    }
    registerContextAuthorizer(config, createContextAuthorizer(model, globalCheck, bola, emit));

    return {
      policyKeys: ["owns"],
      compile(policy, problems) {
        const owns = policy.owns as unknown;
        if (owns === undefined) return undefined;
        if (!isPlainObject(owns)) {
          problems.push("policy.owns must be an object such as { load: (req) => orders.get(req.params.id), owner: (order) => order.customerId }.");
          return undefined;
        }
        checkShape(owns, OWNS_SHAPE, "policy.owns", problems);
        const rule = owns as unknown as OwnsPolicy<unknown>;
        const owner = rule.owner ?? defaults.owner;
        if (typeof rule.load !== "function") {
          problems.push("policy.owns.load is required: a function (request, principal) returning the object the request names, or undefined when there is none.");
        }
        if (typeof owner !== "function") {
          problems.push("policy.owns needs owner: (object) => object.ownerId, or a top-level ownership: { owner } in bulwark().");
        }
        if (policy.public === true) problems.push("policy.public: true cannot be combined with owns; ownership needs a principal.");
        if (typeof rule.load !== "function" || typeof owner !== "function") return undefined;
        const bypassRoles = rule.bypassRoles ?? defaults.bypassRoles;
        const claim = rule.as ?? defaults.as;
        warnUnknownRoles(bypassRoles, "policy.owns.bypassRoles", model, config.warn);
        const check = ownerCheck({
          owner: owner as (object: unknown) => OwnerIds,
          ...(claim !== undefined ? { as: claim } : {}),
          ...(bypassRoles !== undefined ? { bypassRoles } : {}),
        }, model);
        const forbid = (rule.deny ?? defaults.deny ?? 404) === 403;
        const { load } = rule;
        /** Refuses a request for an object the principal may not have (and counts the denial). */
        async function deny(state: RequestState, principal: Principal, missing: boolean): Promise<never> {
          if (missing) {
            await bola.recordDenial(state, principal);
            throw new SecurityError("NOT_FOUND");
          }
          // With 404 the refusal itself reads as "not found"; this event tells what it was.
          if (!forbid) emit("ownership.denied", state, "AUTHZ_NOT_OWNER", { answered: 404 });
          try {
            await bola.recordDenial(state, principal);
          } catch (blocked) {
            if (forbid) emit("ownership.denied", state, "AUTHZ_NOT_OWNER", { answered: 429 });
            throw blocked;
          }
          throw forbid ? new SecurityError("AUTHZ_NOT_OWNER") : new SecurityError("NOT_FOUND", { reported: true });
        }

        /** Checks the loaded object; `undefined` when the principal owns it (nothing to wait for). */
        function judge(state: RequestState, principal: Principal, object: unknown): Promise<never> | undefined {
          if (object === undefined || object === null) return deny(state, principal, true);
          if (!check.bypasses(principal) && !check.owns(principal, object)) return deny(state, principal, false);
          state.context.resource = object;
          return undefined;
        }

        function loadAndJudge(state: RequestState, principal: Principal): Promise<void> | undefined {
          const loaded = load(state.request, principal);
          if (isThenable(loaded)) return Promise.resolve(loaded).then((object) => judge(state, principal, object));
          return judge(state, principal, loaded);
        }

        return {
          stage: STAGE.ownership,
          // Synchronous when no block can be on record and `load` answers synchronously.
          step(state) {
            const principal = state.context.principal;
            if (principal === undefined) throw new SecurityError("AUTH_REQUIRED");
            const blocked = bola.assertNotBlocked(state, principal);
            if (blocked !== undefined) return blocked.then(() => loadAndJudge(state, principal));
            return loadAndJudge(state, principal);
          },
        };
      },
    };
  },
};
