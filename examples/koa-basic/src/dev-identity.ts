/**
 * A stand-in identity provider for the example: an ES256 key pair made when the app starts, its
 * public JWK set, and tokens for three users. In production the tokens come from your identity
 * provider and Bulwark reads its keys from `jwksUri`.
 */
import { generateKeyPairSync } from "node:crypto";
import { SignJWT, type JSONWebKeySet, type JWK } from "jose";

/** Who the example knows: two users in two tenants, and an admin. */
export const USERS = {
  alice: { sub: "alice", tenantId: "acme", roles: ["user"] },
  bob: { sub: "bob", tenantId: "globex", roles: ["user"] },
  admin: { sub: "admin", tenantId: "acme", roles: ["admin"] },
} as const;

/** A user name of the example. */
export type UserName = keyof typeof USERS;

/** The example's token issuer. */
export const ISSUER = "https://id.example.test/";
/** The example API's audience. */
export const AUDIENCE = "notes-api";

const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });

/** The public keys Bulwark verifies tokens with. */
export const JWKS: JSONWebKeySet = { keys: [{ ...(publicKey.export({ format: "jwk" }) as JWK), kid: "dev-1", alg: "ES256", use: "sig" }] };

/** A signed access token for an example user (valid one hour). */
export function tokenFor(user: UserName, extraClaims: Record<string, unknown> = {}): Promise<string> {
  const { sub, tenantId, roles } = USERS[user];
  return new SignJWT({ tenantId, roles: [...roles], scope: "notes:read notes:write", ...extraClaims })
    .setProtectedHeader({ alg: "ES256", kid: "dev-1", typ: "JWT" })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(privateKey);
}
