/**
 * `roles`, `scopes` and `can` in a route policy: function-level authorization. `roles` is any of
 * (a role inheriting a listed role counts), `scopes` all of, `can` every listed permission through
 * the role model of the top-level `rbac` option. Each is resolved at startup into a set of the
 * roles that satisfy it, so a request only tests its principal's few roles for membership.
 */
import { SecurityError } from "../errors/security-error.js";
import { STAGE, type Feature } from "../pipeline/feature.js";
import { isPermission } from "./permission.js";
import { holdsAny, roleModelFor, type RoleModel } from "./role-model.js";

function stringList(value: unknown, name: string, problems: string[]): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== "string" || v === "")) {
    problems.push(`policy.${name} must be a non-empty array of names, e.g. ${name}: ["${name === "roles" ? "admin" : "orders:read"}"].`);
    return undefined;
  }
  return Object.freeze([...value]);
}

function permissionList(value: unknown, problems: string[]): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list: unknown[] = typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
  if (list.length === 0 || list.some((p) => !isPermission(p))) {
    problems.push('policy.can must be a permission or a non-empty list of them, e.g. can: "orders:delete" (no wildcards: those belong in role grants).');
    return undefined;
  }
  return Object.freeze(list as string[]);
}

/** The roles that satisfy `roles: [...]`: each listed role and every role inheriting it. */
function roleHolders(roles: readonly string[], model: RoleModel, warn: (code: string, message: string) => void): ReadonlySet<string> {
  const holders = new Set<string>();
  for (const role of roles) {
    if (!model.knows(role)) {
      warn("BULWARK_UNKNOWN_ROLE", `Bulwark: policy.roles names "${role}", which rbac.roles does not define; only principals holding exactly that role pass. Define it or fix the name.`);
    }
    for (const holder of model.holdersOf(role)) holders.add(holder);
  }
  return holders;
}

function includesAll(held: readonly string[], needed: readonly string[]): boolean {
  for (let i = 0; i < needed.length; i++) if (!held.includes(needed[i]!)) return false;
  return true;
}

/** True when the roles hold, for each needed permission, one role granting it. */
function grantedAll(roles: readonly string[], granters: readonly ReadonlySet<string>[]): boolean {
  for (let i = 0; i < granters.length; i++) if (!holdsAny(roles, granters[i]!)) return false;
  return true;
}

/** The roles, scopes and permissions feature. Adds the `rbac` option. */
export const functionLevelFeature: Feature = {
  name: "roles, scopes and permissions",
  shape: {
    rbac: { kind: "object", shape: { roles: { kind: "object", open: true } } },
  },
  setup({ config }, problems) {
    const model = roleModelFor(config, problems);
    return {
      policyKeys: ["roles", "scopes", "can"],
      compile(policy, problems) {
        const roles = stringList(policy.roles, "roles", problems);
        const scopes = stringList(policy.scopes, "scopes", problems);
        // RFC 6749 §3.3 scope tokens: they go verbatim into a quoted WWW-Authenticate parameter.
        for (const scope of scopes ?? []) {
          if (!/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope)) problems.push(`policy.scopes holds ${JSON.stringify(scope)}, which is not a valid OAuth scope token (no spaces, quotes or backslashes).`);
        }
        const can = permissionList(policy.can, problems);
        if (roles === undefined && scopes === undefined && can === undefined) return undefined;
        if (policy.public === true) problems.push("policy.public: true cannot be combined with roles, scopes or can; a public route has no principal to check.");
        if (can !== undefined && !model.configured) {
          problems.push('policy.can needs a role model: add rbac: { roles: { admin: { can: ["orders:*"] } } } to bulwark().');
        }
        const holders = roles === undefined ? undefined : roleHolders(roles, model, config.warn);
        const granters = can?.map((permission) => {
          const set = model.grantersOf(permission);
          if (set.size === 0 && model.configured) {
            config.warn("BULWARK_PERMISSION_NOT_GRANTED", `Bulwark: policy.can needs "${permission}", which no role in rbac.roles grants, so every request to this route is refused.`);
          }
          return set;
        });
        const scopeChallenge = scopes
          ? { "www-authenticate": `Bearer error="insufficient_scope", scope="${scopes.join(" ")}"` }
          : undefined;
        return {
          stage: STAGE.functionLevel,
          step(state) {
            const principal = state.context.principal;
            if (principal === undefined) throw new SecurityError("AUTH_REQUIRED");
            if (holders !== undefined && !holdsAny(principal.roles, holders)) {
              throw new SecurityError("AUTHZ_INSUFFICIENT_ROLE");
            }
            if (scopes && !includesAll(principal.scopes, scopes)) {
              throw new SecurityError("AUTHZ_INSUFFICIENT_SCOPE", principal.authMethod === "jwt" ? { headers: scopeChallenge! } : {});
            }
            if (granters !== undefined && !grantedAll(principal.roles, granters)) {
              throw new SecurityError("AUTHZ_INSUFFICIENT_PERMISSION");
            }
          },
        };
      },
    };
  },
};
