/**
 * Runs the example: the identity provider on 127.0.0.1:4000 and the API on 127.0.0.1:3000, then
 * prints tokens and an API key to try with curl.
 */
import { ApiKeyTable } from "./api-keys.js";
import { createApp } from "./app.js";
import { startIdentityProvider } from "./identity-provider.js";

const audience = "orders-api";
const idp = await startIdentityProvider({ audience, port: Number(process.env.IDP_PORT ?? 4000) });
const apiKeys = new ApiKeyTable();
const reportsKey = apiKeys.issue("reporting-service", ["reports:read"]);
const app = createApp({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience, apiKeys });
const port = Number(process.env.PORT ?? 3000);

app.listen(port, "127.0.0.1", async () => {
  const user = await idp.issue({ sub: "alice", scope: "orders:read" });
  const admin = await idp.issue({ sub: "root", roles: ["admin"], acr: "urn:example:pwd", amr: ["pwd"] });
  const stepped = await idp.issue({ sub: "root", roles: ["admin"], acr: "urn:example:mfa", amr: ["pwd", "otp"] });
  const api = `http://127.0.0.1:${port}`;
  console.log(`API on ${api}, identity provider on ${idp.issuer}\n`);
  console.log(`curl -i ${api}/orders -H "Authorization: Bearer ${user}"`);
  console.log(`curl -i ${api}/reports -H "x-api-key: ${reportsKey}"`);
  console.log(`curl -i -X POST ${api}/admin/users/42/disable -H "Authorization: Bearer ${admin}"    # 401: step up`);
  console.log(`curl -i -X POST ${api}/admin/users/42/disable -H "Authorization: Bearer ${stepped}"`);
  console.log(`curl -i -X POST ${api}/logout -H "Authorization: Bearer ${user}"    # then /orders again: revoked`);
});
