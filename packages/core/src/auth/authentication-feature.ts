/**
 * The authentication feature: adds `revokeToken(jti, until)` to what `bulwark()` returns (stored in
 * the configured store, so every instance sharing it sees the revocation) and prints the startup
 * warnings of the configured authenticators.
 */
import type { Feature } from "../pipeline/feature.js";
import { warningsOf } from "./authenticator-warnings.js";
import { tokenRevoker } from "./token-revocation.js";

/** The authentication feature. */
export const authenticationFeature: Feature = {
  name: "authentication",
  setup({ config }) {
    for (const authenticator of config.authenticators) {
      for (const warning of warningsOf(authenticator)) config.warn(warning.code, warning.message);
    }
    return {
      api: Object.freeze({ revokeToken: tokenRevoker(config.store, config.services.now) }),
    };
  },
};
