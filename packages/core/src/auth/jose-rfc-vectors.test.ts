/**
 * Known-answer tests with the published RFC vectors of `jose-rfc-vectors.json`: the JWTs of RFC 7515
 * Appendix A verify through Bulwark's verifier (and expire when they should), deterministic
 * signatures are reproduced exactly, the negative vectors are refused, and thumbprints match.
 */
import { createHash, createPrivateKey, sign as nodeSign } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import {
  CompactSign, EmbeddedJWK, calculateJwkThumbprint, compactVerify, flattenedVerify, importJWK, jwtVerify, type JWK,
} from "jose";
import { resolveJwtOptions, type JwtOptions } from "./jwt-options.js";
import { createJwtVerifier } from "./jwt-verifier.js";
import { loadCorpus } from "./testing/corpora.js";

type Vectors = Record<string, Record<string, unknown>>;
const vectors = loadCorpus<Vectors>("jose-rfc-vectors.json");
const v = (name: string) => vectors[name] as Record<string, unknown> & { jwk: JWK; jws: string };
const EXP = 1300819380;

function verifier(options: Partial<JwtOptions>) {
  const { resolved, problems } = resolveJwtOptions({ issuer: "joe", audience: false, clockTolerance: 0, claims: { subject: "iss" }, ...options });
  const built = createJwtVerifier(resolved, problems);
  expect(problems).toEqual([]);
  return built;
}

function publicOf(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = jwk;
  return rest;
}

describe("RFC 7515 Appendix A through Bulwark's verifier", () => {
  const cases: [string, Partial<JwtOptions>][] = [
    ["RFC7515-A.1-HS256", { algorithms: ["HS256"], secret: Buffer.from(v("RFC7515-A.1-HS256").jwk.k!, "base64url") }],
    ["RFC7515-A.2-RS256", { algorithms: ["RS256"], publicKey: v("RFC7515-A.2-RS256").spkiPem as string }],
    ["RFC7515-A.3-ES256", { algorithms: ["ES256"], publicKey: publicOf(v("RFC7515-A.3-ES256").jwk) }],
  ];

  it.each(cases)("%s verifies before exp and is expired at exp", async (name, options) => {
    const check = verifier(options);
    const verified = await check.verify(v(name).jws, (EXP - 1) * 1000);
    expect(verified.principal.id).toBe("joe");
    expect(verified.principal.claims["http://example.com/is_root"]).toBe(true);
    expect(verified.notAfterMs).toBe(EXP * 1000);
    await expect(check.verify(v(name).jws, EXP * 1000)).rejects.toMatchObject({ code: "AUTH_TOKEN_EXPIRED" });
  });

  it("A.1: the signature bytes are the published ones", () => {
    const vector = v("RFC7515-A.1-HS256");
    expect([...Buffer.from(vector.jws.split(".")[2]!, "base64url")]).toEqual(vector.signatureBytes);
    const [header, payload] = vector.jws.split(".");
    expect(Buffer.from(header!, "base64url").toString()).toBe(vector.protectedHeaderText);
    expect(Buffer.from(payload!, "base64url").toString()).toBe(vector.payloadText);
  });

  it("A.2: RSASSA-PKCS1-v1_5 is deterministic, so signing again gives the published token", async () => {
    const vector = v("RFC7515-A.2-RS256");
    const [, payload] = vector.jws.split(".");
    const again = await new CompactSign(Buffer.from(payload!, "base64url")).setProtectedHeader({ alg: "RS256" }).sign(await importJWK(vector.jwk, "RS256"));
    expect(again).toBe(vector.jws);
  });

  it("A.3: the published high-S signature and its low-S twin both verify (revocation keys on jti, never on token text)", async () => {
    const vector = v("RFC7515-A.3-ES256");
    const [header, payload] = vector.jws.split(".");
    const check = verifier({ algorithms: ["ES256"], publicKey: publicOf(vector.jwk) });
    await expect(check.verify(`${header}.${payload}.${vector.lowSTwin as string}`, (EXP - 1) * 1000)).resolves.toMatchObject({ principal: { id: "joe" } });
  });

  it("Appendix E (alg none with an unknown crit) is refused", async () => {
    const check = verifier({ algorithms: ["HS256"], secret: Buffer.from(v("RFC7515-A.1-HS256").jwk.k!, "base64url") });
    await expect(check.verify(vectors["RFC7515-AppendixE-crit-negative"]!.jws as string, (EXP - 1) * 1000)).rejects.toMatchObject({ status: 401 });
  });
});

describe("RFC 8037 (Ed25519)", () => {
  const vector = v("RFC8037-A-Ed25519");

  it("the signature is reproduced exactly and verifies; the thumbprint matches", async () => {
    const again = await new CompactSign(Buffer.from(vector.payloadText as string)).setProtectedHeader({ alg: "EdDSA" }).sign(await importJWK(vector.jwk, "EdDSA"));
    expect(again).toBe(vector.jws);
    const { payload } = await compactVerify(vector.jws, await importJWK(publicOf(vector.jwk), "EdDSA"));
    expect(Buffer.from(payload).toString()).toBe(vector.payloadText);
    expect(await calculateJwkThumbprint(publicOf(vector.jwk))).toBe(vector.thumbprint);
  });

  it("its payload is not a claims set, so Bulwark refuses it as a token", async () => {
    const check = verifier({ algorithms: ["EdDSA"], publicKey: publicOf(vector.jwk) });
    await expect(check.verify(vector.jws, Date.now())).rejects.toMatchObject({ code: "AUTH_TOKEN_INVALID" });
  });
});

describe("RFC 7797 (unencoded payload)", () => {
  it("4.1 (b64 true) and 4.2 (b64 false, detached) verify with jose; Bulwark accepts no unencoded or detached token", async () => {
    const key = Buffer.from(v("RFC7797-4.1-b64-true").jwk.k!, "base64url");
    const encoded = await compactVerify(v("RFC7797-4.1-b64-true").jws, key);
    expect(Buffer.from(encoded.payload).toString()).toBe("$.02");
    const detached = vectors["RFC7797-4.2-b64-false"]!;
    const flat = await flattenedVerify(detached.flattened as { protected: string; payload: string; signature: string }, key);
    expect(Buffer.from(flat.payload).toString()).toBe("$.02");
    const check = verifier({ algorithms: ["HS256"], secret: key });
    await expect(check.verify(detached.jwsDetached as string, Date.now())).rejects.toMatchObject({ code: "AUTH_TOKEN_INVALID" });
  });
});

describe("thumbprints and keys", () => {
  it("RFC 7638 §3.1 thumbprint", async () => {
    const vector = vectors["RFC7638-3.1-thumbprint"]!;
    expect(await calculateJwkThumbprint(vector.jwk as JWK)).toBe(vector.thumbprint);
  });

  it("RFC 6979 A.2.5 and RFC 8032 TEST 2 (the corpus's attacker keys) are the published keys", () => {
    const ec = vectors["RFC6979-A.2.5-P256-key"]!;
    const hex = ec.hex as Record<string, string>;
    const jwk = ec.jwk as JWK;
    expect(Buffer.from(jwk.x!, "base64url").toString("hex").toUpperCase()).toBe(hex.Ux);
    expect(Buffer.from(jwk.y!, "base64url").toString("hex").toUpperCase()).toBe(hex.Uy);
    expect(Buffer.from(jwk.d!, "base64url").toString("hex").toUpperCase()).toBe(hex.x);
    const ed = vectors["RFC8032-7.1-TEST2-Ed25519-key"]!;
    const privateKey = createPrivateKey({
      key: { kty: "OKP", crv: "Ed25519", d: Buffer.from(ed.secretHex as string, "hex").toString("base64url"), x: Buffer.from(ed.publicHex as string, "hex").toString("base64url") },
      format: "jwk",
    });
    expect(nodeSign(null, Buffer.from(ed.message as string, "hex"), privateKey).toString("hex")).toBe(ed.signatureHex);
  });
});

describe("RFC 9449 (DPoP) proofs", () => {
  const dpop = vectors["RFC9449-DPoP"]!;
  const resource = dpop.resourceRequest as Record<string, string | number>;
  const token = dpop.tokenRequest as Record<string, string | number>;

  it("verify with their embedded key at their own time, with the published jkt and ath", async () => {
    expect(await calculateJwkThumbprint(dpop.jwk as JWK)).toBe(dpop.jkt);
    expect(createHash("sha256").update(resource.accessToken as string).digest("base64url")).toBe(resource.ath);
    for (const proof of [token, resource]) {
      const { payload } = await jwtVerify(proof.proof as string, EmbeddedJWK, { typ: "dpop+jwt", algorithms: ["ES256"], currentDate: new Date((proof.iat as number) * 1000) });
      expect(payload).toMatchObject({ htm: proof.method, htu: proof.url, jti: proof.jti });
    }
  });

  it("are never accepted as bearer tokens: their embedded jwk header is not a key source", async () => {
    const other = verifier({ issuer: false, algorithms: ["ES256"], publicKey: publicOf(vectors["RFC6979-A.2.5-P256-key"]!.jwk as JWK), requireExp: false, claims: { subject: "jti" } });
    await expect(other.verify(resource.proof as string, (resource.iat as number) * 1000)).rejects.toMatchObject({ code: "AUTH_TOKEN_INVALID" });
  });
});
