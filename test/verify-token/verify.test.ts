/**
 * The cases, each against a real issuer on 127.0.0.1 with real RSA
 * keys: the verdict per component and the reason codes behind it.
 */
import { UnsecuredJWT, SignJWT, compactVerify, exportSPKI, errors } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { REQUIRED_SCOPE } from "../../components/facts";
import { DEFAULT_AUDIENCES } from "../../components/platform";
import {
  ALLOWED_ALGORITHMS,
  JwksCache,
  buildExpectations,
  verifyAccessToken,
  type ComponentId,
  type VerificationReport,
} from "../../tools/verify-token";
import {
  accessTokenClaims,
  closedPort,
  createSigningKey,
  nowSeconds,
  printedStackOutputs,
  sign,
  stackOutputs,
  startFakeIssuer,
  type FakeIssuer,
  type SigningKey,
} from "./fake-issuer";

let fake: FakeIssuer;
let key1: SigningKey;
let key2: SigningKey;
let outsider: SigningKey;
let keys: JwksCache;

beforeAll(async () => {
  [key1, key2, outsider] = await Promise.all([createSigningKey("k1"), createSigningKey("k2"), createSigningKey("k1")]);
  fake = await startFakeIssuer([key1]);
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.publish([key1]);
  keys = new JwksCache();
});

async function verify(token: string, components?: ComponentId[], outputs = stackOutputs(fake)): Promise<VerificationReport> {
  return verifyAccessToken(token, buildExpectations({ outputs }, components), keys);
}

function component(report: VerificationReport, id: ComponentId) {
  const found = report.components.find((c) => c.component === id);
  if (found === undefined) throw new Error(`no ${id} in the report`);
  return found;
}

/** The codes of the findings that decide the verdict. */
function errorCodes(report: VerificationReport, id: ComponentId): string[] {
  return component(report, id)
    .findings.filter((f) => f.severity === "error")
    .map((f) => f.code);
}

function codes(report: VerificationReport, id: ComponentId): string[] {
  return component(report, id).findings.map((f) => f.code);
}

describe("a valid Enterprise Manager token", () => {
  it("is accepted by the Enterprise Manager and the registry, and rejected by the Cloud UI for its audience", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer)));

    expect(component(report, "enterprise-manager")).toMatchObject({ verdict: "accepted", findings: [] });
    expect(component(report, "registry-server")).toMatchObject({ verdict: "accepted", provider: "cli-desktop", findings: [] });
    expect(component(report, "cloud-ui").verdict).toBe("rejected");
    expect(errorCodes(report, "cloud-ui")).toEqual(["audience_mismatch"]);
    expect(report.accepted).toBe(false);
  });

  it("reports the claims that matter, and the header", async () => {
    const claims = accessTokenClaims(fake.issuer);
    const report = await verify(await sign(key1, claims), ["enterprise-manager"]);

    expect(report.accepted).toBe(true);
    expect(report.token.format).toBe("jwt");
    expect(report.token.header).toMatchObject({ alg: "RS256", kid: "k1" });
    expect(report.token.claims).toEqual({
      iss: fake.issuer,
      aud: DEFAULT_AUDIENCES.enterpriseManager,
      scp: claims.scp,
      cid: claims.cid,
      uid: claims.uid,
      iat: claims.iat,
      exp: claims.exp,
      groups: claims.groups,
      roles: claims.roles,
    });
  });

  it("is accepted when aud is a one-element array", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { aud: [DEFAULT_AUDIENCES.enterpriseManager] })));
    expect(component(report, "enterprise-manager")).toMatchObject({ verdict: "accepted", findings: [] });
    expect(component(report, "registry-server").verdict).toBe("accepted");
  });
});

describe("several audiences in one token", () => {
  // RFC 7519 section 4.1.3: aud may be a string or an array; a component accepts an array holding its
  // audience. An Okta server has exactly one audience, so such a token comes from another issuer or tool.
  const both = [DEFAULT_AUDIENCES.enterpriseManager, DEFAULT_AUDIENCES.cloudUi];

  it("is accepted by every component whose audience it holds, each warning that the others accept it too", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { aud: both })));

    expect(report.components.map((c) => [c.component, c.verdict])).toEqual([
      ["enterprise-manager", "accepted"],
      ["cloud-ui", "accepted"],
      ["registry-server", "accepted"],
    ]);
    expect(report.accepted).toBe(true);
    for (const id of ["enterprise-manager", "cloud-ui", "registry-server"] as const) {
      expect(component(report, id).findings, id).toMatchObject([{ code: "audience_multiple", severity: "warning", claim: "aud" }]);
    }
    const em = component(report, "enterprise-manager").findings[0];
    expect(em?.message).toBe(
      'aud holds 2 values, ["enterprise-manager","cloud-ui"]: the Enterprise Manager accepts it for "enterprise-manager", ' +
        'and so would the Cloud UI (audience "cloud-ui"). A token minted for one component is then accepted by the ' +
        "others: per-component isolation is lost",
    );
    expect(em?.fix).toContain("stacklok-identity:mode per-component");
    expect(component(report, "cloud-ui").findings[0]?.message).toContain('and so would the Enterprise Manager (audience "enterprise-manager")');
    expect(component(report, "registry-server").findings[0]?.message).toContain('and so would the Cloud UI (audience "cloud-ui")');
  });

  it("names the other component when only one is checked", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { aud: both })), ["enterprise-manager"]);
    expect(component(report, "enterprise-manager").findings[0]?.message).toContain("and so would the Cloud UI");
  });

  it("warns about an audience no component of the stack owns, without naming one", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { aud: ["payroll-api", "enterprise-manager"] })), ["enterprise-manager"]);
    const em = component(report, "enterprise-manager");

    expect(em.verdict).toBe("accepted");
    expect(codes(report, "enterprise-manager")).toEqual(["audience_multiple"]);
    expect(em.findings[0]?.message).toContain('and so would any other API that accepts "payroll-api" from this issuer');
  });

  it("does not name a component whose issuer differs (per-component mode)", async () => {
    const cloudUiIssuer = `${fake.origin}/oauth2/aus2cloudui`;
    const outputs = stackOutputs(fake, {
      cloudUi: { issuer: cloudUiIssuer, audience: DEFAULT_AUDIENCES.cloudUi, clientId: "0oa2cloudui" },
    });
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { aud: both })), ["enterprise-manager"], outputs);
    expect(component(report, "enterprise-manager").findings[0]?.message).toContain('any other API that accepts "cloud-ui" from this issuer');
  });

  it("says nothing for a one-element array or a repeated audience", async () => {
    for (const aud of [[DEFAULT_AUDIENCES.enterpriseManager], [DEFAULT_AUDIENCES.enterpriseManager, DEFAULT_AUDIENCES.enterpriseManager]]) {
      const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { aud })), ["enterprise-manager"]);
      expect(component(report, "enterprise-manager"), JSON.stringify(aud)).toMatchObject({ verdict: "accepted", findings: [] });
    }
  });

  it("is not a reason on its own when the component rejects the token", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { aud: ["payroll-api", "hr-api"] })), ["enterprise-manager"]);
    expect(codes(report, "enterprise-manager")).toEqual(["audience_mismatch"]);
  });
});

describe("audience", () => {
  it("rejects a wrong audience, naming both values, with no near-miss hint", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { aud: "payroll-api" })), ["enterprise-manager"]);
    const em = component(report, "enterprise-manager");

    expect(em.verdict).toBe("rejected");
    expect(codes(report, "enterprise-manager")).toEqual(["audience_mismatch"]);
    expect(em.findings[0]?.message).toContain('"payroll-api"');
    expect(em.findings[0]?.message).toContain('"enterprise-manager"');
    expect(em.findings[0]?.fix).toContain("stacklok-identity:audiences.enterpriseManager");
  });

  it("rejects an api:// prefixed audience and says the prefix is the only difference", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { aud: "api://enterprise-manager" })), ["enterprise-manager"]);

    expect(component(report, "enterprise-manager").verdict).toBe("rejected");
    expect(codes(report, "enterprise-manager")).toEqual(["audience_mismatch", "audience_prefix_hint"]);
    const hint = component(report, "enterprise-manager").findings[1];
    expect(hint?.severity).toBe("hint");
    expect(hint?.message).toContain('the prefix "api://"');
  });

  it("hints at whitespace when the configured audience has a stray space", async () => {
    const outputs = stackOutputs(fake);
    (outputs.enterpriseManager as Record<string, unknown>).audience = "enterprise-manager ";
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer)), ["enterprise-manager"], outputs);

    expect(codes(report, "enterprise-manager")).toEqual(["audience_mismatch", "audience_prefix_hint"]);
    expect(component(report, "enterprise-manager").findings[1]?.message).toContain("whitespace");
  });

  it("rejects an audience array that does not hold the expected audience", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { aud: ["cloud-ui"] })), ["enterprise-manager"]);
    expect(errorCodes(report, "enterprise-manager")).toEqual(["audience_mismatch"]);
  });

  it("points out an ID token sent instead of the access token", async () => {
    const idToken = accessTokenClaims(fake.issuer, {
      aud: "0oa1clinative",
      scp: undefined,
      cid: undefined,
      nonce: "n-0S6_WzA2Mj",
      amr: ["pwd"],
    });
    const report = await verify(await sign(key1, idToken), ["enterprise-manager"]);
    expect(codes(report, "enterprise-manager")).toEqual(["audience_mismatch", "looks_like_id_token", "scope_missing"]);
  });
});

describe("scope", () => {
  it("rejects a token whose scp lacks toolhive:config:read at the Enterprise Manager only", async () => {
    const token = await sign(key1, accessTokenClaims(fake.issuer, { scp: ["openid", "profile"] }));
    const report = await verify(token);

    expect(errorCodes(report, "enterprise-manager")).toEqual(["scope_missing"]);
    expect(component(report, "enterprise-manager").findings[0]?.message).toContain(REQUIRED_SCOPE);
    expect(component(report, "registry-server").verdict).toBe("accepted");
  });

  it("rejects a token with no scp at all", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { scp: undefined })), ["enterprise-manager"]);
    expect(errorCodes(report, "enterprise-manager")).toEqual(["scope_missing"]);
    expect(component(report, "enterprise-manager").findings[0]?.message).toContain("no scp claim");
  });

  it("does not ask the Cloud UI for the scope", async () => {
    const token = await sign(key1, accessTokenClaims(fake.issuer, { aud: DEFAULT_AUDIENCES.cloudUi, scp: ["openid"] }));
    const report = await verify(token, ["cloud-ui"]);
    expect(component(report, "cloud-ui")).toMatchObject({ verdict: "accepted", findings: [] });
  });
});

describe("lifetime", () => {
  it("rejects an expired token", async () => {
    const now = nowSeconds();
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { iat: now - 7200, exp: now - 600 })), ["enterprise-manager"]);
    expect(errorCodes(report, "enterprise-manager")).toEqual(["expired"]);
    expect(component(report, "enterprise-manager").findings[0]?.message).toMatch(/expired at .*10 min ago/);
  });

  it("rejects a token that is not valid yet", async () => {
    const now = nowSeconds();
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { nbf: now + 600 })), ["enterprise-manager"]);
    expect(errorCodes(report, "enterprise-manager")).toEqual(["not_yet_valid"]);
  });

  it("allows the clock skew on both ends, and no more", async () => {
    const now = nowSeconds();
    const justExpired = await sign(key1, accessTokenClaims(fake.issuer, { exp: now - 20 }));
    const almostValid = await sign(key1, accessTokenClaims(fake.issuer, { nbf: now + 20 }));
    const expectations = buildExpectations({ outputs: stackOutputs(fake) }, ["enterprise-manager"]);

    for (const token of [justExpired, almostValid]) {
      expect((await verifyAccessToken(token, expectations, keys, { now, clockSkewSeconds: 60 })).accepted).toBe(true);
      expect((await verifyAccessToken(token, expectations, keys, { now, clockSkewSeconds: 5 })).accepted).toBe(false);
    }
  });

  it("rejects a token without exp", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { exp: undefined })), ["enterprise-manager"]);
    expect(component(report, "enterprise-manager").findings).toMatchObject([{ code: "claim_missing", claim: "exp" }]);
  });
});

describe("issuer", () => {
  it("rejects another authorization server's issuer, naming both servers", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(`${fake.origin}/oauth2/aus1other`)), ["enterprise-manager"]);
    const em = component(report, "enterprise-manager");

    expect(errorCodes(report, "enterprise-manager")).toEqual(["issuer_mismatch"]);
    expect(em.findings[0]?.message).toContain('"aus1other" instead of "default"');
  });

  it("rejects a token from the org authorization server and says so", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(fake.origin, { aud: fake.origin })), ["enterprise-manager"]);
    expect(errorCodes(report, "enterprise-manager")).toEqual(["issuer_mismatch", "org_server_issuer", "audience_mismatch"]);
  });

  it("flags a stack configured with the org server's issuer even when the token matches it", async () => {
    const outputs = stackOutputs(fake);
    (outputs.enterpriseManager as Record<string, unknown>).issuer = fake.origin;
    const report = await verify(await sign(key1, accessTokenClaims(fake.origin)), ["enterprise-manager"], outputs);
    expect(errorCodes(report, "enterprise-manager")).toEqual(["org_server_issuer"]);
  });

  it("names a trailing slash as the only difference", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(`${fake.issuer}/`)), ["enterprise-manager"]);
    expect(component(report, "enterprise-manager").findings[0]?.message).toContain("trailing slash");
  });
});

describe("not a JWT", () => {
  it("explains an opaque token to every component, without fetching any key", async () => {
    const before = fake.requests.jwks;
    const report = await verify("00Otq2pPYxQ4G2bMvnK7dCzRxHEAbCdEfGhIjKlMn0pQr");

    expect(report.token.format).toBe("opaque");
    for (const id of ["enterprise-manager", "cloud-ui", "registry-server"] as const) {
      expect(component(report, id).verdict).toBe("rejected");
      expect(codes(report, id)).toEqual(["opaque_token"]);
    }
    expect(component(report, "enterprise-manager").findings[0]?.fix).toContain("/oauth2/<id>");
    expect(fake.requests.jwks).toBe(before);
  });

  it("rejects an encrypted token (JWE) as not a JWT", async () => {
    const report = await verify("eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..aGVsbG8.d29ybGQ.dGFn", ["enterprise-manager"]);
    expect(report.token.format).toBe("encrypted");
    expect(codes(report, "enterprise-manager")).toEqual(["not_jwt"]);
  });
});

describe("algorithm and signature", () => {
  it("rejects alg none even when every claim is right", async () => {
    const unsigned = new UnsecuredJWT(accessTokenClaims(fake.issuer)).encode();
    const report = await verify(unsigned, ["enterprise-manager"]);

    expect(errorCodes(report, "enterprise-manager")).toEqual(["alg_not_allowed"]);
    expect(component(report, "enterprise-manager").findings[0]?.message).toContain('"none"');
  });

  it("rejects an HS256 token keyed with the issuer's public key (algorithm confusion)", async () => {
    const publicKeyBytes = new TextEncoder().encode(await exportSPKI(key1.publicKey));
    const forged = await new SignJWT(accessTokenClaims(fake.issuer))
      .setProtectedHeader({ alg: "HS256", kid: key1.kid })
      .sign(publicKeyBytes);
    const report = await verify(forged, ["enterprise-manager"]);

    expect(errorCodes(report, "enterprise-manager")).toEqual(["alg_not_allowed"]);
    expect(component(report, "enterprise-manager").findings[0]?.message).toContain("HS256");
    // The key lookup refuses it on its own too, not only the header check.
    await expect(compactVerify(forged, keys.keySetFor({ kind: "uri", uri: fake.jwksUri }).getKey, { algorithms: [...ALLOWED_ALGORITHMS] })).rejects.toBeInstanceOf(
      errors.JOSEAlgNotAllowed,
    );
  });

  it("rejects a token whose payload was swapped after signing", async () => {
    const genuine = await sign(key1, accessTokenClaims(fake.issuer, { scp: ["openid"] }));
    const wanted = await sign(key1, accessTokenClaims(fake.issuer, { scp: ["openid", REQUIRED_SCOPE], roles: ["owner"] }));
    const [header, , signature] = genuine.split(".");
    const [, payload] = wanted.split(".");
    const tampered = [header, payload, signature].join(".");
    const report = await verify(tampered);

    for (const id of ["enterprise-manager", "cloud-ui", "registry-server"] as const) {
      expect(component(report, id).verdict).toBe("rejected");
      expect(errorCodes(report, id)).toContain("bad_signature");
    }
    expect(errorCodes(report, "enterprise-manager")).toEqual(["bad_signature"]);
  });

  it("rejects a token signed by another issuer's key that reuses the kid", async () => {
    const report = await verify(await sign(outsider, accessTokenClaims(fake.issuer)), ["enterprise-manager"]);
    expect(errorCodes(report, "enterprise-manager")).toEqual(["bad_signature"]);
  });
});

describe("key rotation", () => {
  it("re-fetches the key set once on an unknown kid and accepts a token signed with the rotated-in key", async () => {
    const before = fake.requests.jwks;
    expect((await verify(await sign(key1, accessTokenClaims(fake.issuer)), ["enterprise-manager"])).accepted).toBe(true);
    expect(fake.requests.jwks).toBe(before + 1);

    fake.publish([key1, key2]);
    const report = await verify(await sign(key2, accessTokenClaims(fake.issuer)), ["enterprise-manager"]);

    expect(component(report, "enterprise-manager")).toMatchObject({ verdict: "accepted", findings: [] });
    expect(fake.requests.jwks).toBe(before + 2);
  });

  it("reports unknown_kid for a key the issuer does not publish, after exactly one re-fetch", async () => {
    keys = new JwksCache({ unknownKidCooldownMs: 0 });
    const stranger = await createSigningKey("k-stranger");
    await verify(await sign(key1, accessTokenClaims(fake.issuer)), ["enterprise-manager"]);
    const before = fake.requests.jwks;

    const report = await verify(await sign(stranger, accessTokenClaims(fake.issuer)), ["enterprise-manager"]);

    expect(errorCodes(report, "enterprise-manager")).toEqual(["unknown_kid"]);
    expect(component(report, "enterprise-manager").findings[0]?.message).toContain('"k-stranger"');
    expect(component(report, "enterprise-manager").findings[0]?.message).toContain('publishes kid "k1"');
    expect(fake.requests.jwks).toBe(before + 1);
  });

  it("does not re-fetch again for unknown kids within the cooldown", async () => {
    const stranger = await createSigningKey("k-stranger");
    await verify(await sign(key1, accessTokenClaims(fake.issuer)), ["enterprise-manager"]);
    await verify(await sign(stranger, accessTokenClaims(fake.issuer)), ["enterprise-manager"]);
    const afterFirstUnknown = fake.requests.jwks;

    const report = await verify(await sign(stranger, accessTokenClaims(fake.issuer, { jti: "again" })), ["enterprise-manager"]);

    expect(errorCodes(report, "enterprise-manager")).toEqual(["unknown_kid"]);
    expect(component(report, "enterprise-manager").findings[0]?.message).toContain("not fetched again");
    expect(fake.requests.jwks).toBe(afterFirstUnknown);
  });

  it("rejects a token signed with a key rotated out of the set", async () => {
    await verify(await sign(key1, accessTokenClaims(fake.issuer)), ["enterprise-manager"]);
    fake.publish([key2]);
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer)), ["enterprise-manager"]);
    // The cached set still holds k1; the issuer no longer does. The cache's
    // maxAge bounds how long that lasts (see keys.test.ts).
    expect(component(report, "enterprise-manager").verdict).toBe("accepted");
    keys = new JwksCache();
    const fresh = await verify(await sign(key1, accessTokenClaims(fake.issuer)), ["enterprise-manager"]);
    expect(errorCodes(fresh, "enterprise-manager")).toEqual(["unknown_kid"]);
  });
});

describe("key set availability", () => {
  it("rejects with jwks_unreachable when nothing answers at the JWKS URI", async () => {
    const port = await closedPort();
    const outputs = stackOutputs(fake);
    (outputs.enterpriseManager as Record<string, unknown>).jwksUri = `http://127.0.0.1:${port}/oauth2/default/v1/keys`;
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer)), ["enterprise-manager"], outputs);

    expect(errorCodes(report, "enterprise-manager")).toEqual(["jwks_unreachable"]);
    expect(component(report, "enterprise-manager").findings[0]?.message).toContain("ECONNREFUSED");
  });

  it("rejects with jwks_unreachable when the key set answers an HTTP error", async () => {
    fake.breakJwks({ status: 503 });
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer)), ["enterprise-manager"]);
    expect(errorCodes(report, "enterprise-manager")).toEqual(["jwks_unreachable"]);
    expect(component(report, "enterprise-manager").findings[0]?.message).toContain("HTTP 503");
  });

  it("rejects with jwks_invalid when the key set is not a JWKS", async () => {
    fake.breakJwks({ body: '{"keys": "none"}' });
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer)), ["enterprise-manager"]);
    expect(errorCodes(report, "enterprise-manager")).toEqual(["jwks_invalid"]);
  });

  it("rejects with discovery_failed when the issuer has no discovery document", async () => {
    const wrongServer = `${fake.origin}/oauth2/aus-does-not-exist`;
    const report = await verifyAccessToken(
      await sign(key1, accessTokenClaims(wrongServer)),
      buildExpectations({ issuer: wrongServer }, ["enterprise-manager"]),
      keys,
    );
    expect(errorCodes(report, "enterprise-manager")).toEqual(["discovery_failed"]);
    expect(component(report, "enterprise-manager").findings[0]?.message).toContain("HTTP 404");
  });

  it("finds the keys by OIDC discovery when only the issuer is known", async () => {
    const before = { ...fake.requests };
    const report = await verifyAccessToken(
      await sign(key1, accessTokenClaims(fake.issuer)),
      buildExpectations({ issuer: fake.issuer }, ["enterprise-manager"]),
      keys,
    );
    expect(report.accepted).toBe(true);
    expect(fake.requests.discovery).toBe(before.discovery + 1);
    expect(fake.requests.jwks).toBe(before.jwks + 1);
  });
});

describe("every reason, not the first", () => {
  it("lists a wrong audience, a missing scope and expiry together", async () => {
    const now = nowSeconds();
    const token = await sign(key1, accessTokenClaims(fake.issuer, { aud: "cloud-ui", scp: ["openid"], exp: now - 3600 }));
    const report = await verify(token, ["enterprise-manager"]);
    expect(errorCodes(report, "enterprise-manager")).toEqual(["audience_mismatch", "expired", "scope_missing"]);
  });

  it("lists claim problems next to alg none", async () => {
    const unsigned = new UnsecuredJWT(accessTokenClaims(fake.issuer, { aud: "x", scp: undefined })).encode();
    const report = await verify(unsigned, ["enterprise-manager"]);
    expect(errorCodes(report, "enterprise-manager")).toEqual(["alg_not_allowed", "audience_mismatch", "scope_missing"]);
  });
});

describe("Registry Server", () => {
  it("accepts the Cloud UI's token through its cloud-ui provider", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { aud: DEFAULT_AUDIENCES.cloudUi })), ["registry-server"]);
    expect(component(report, "registry-server")).toMatchObject({ verdict: "accepted", provider: "cloud-ui" });
  });

  it("accepts a token without groups and roles but warns that role-bound access will be denied", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { groups: undefined, roles: undefined })), ["registry-server"]);
    const registry = component(report, "registry-server");

    expect(registry.verdict).toBe("accepted");
    expect(registry.findings).toMatchObject([
      { code: "claim_missing", severity: "warning", claim: "groups" },
      { code: "claim_missing", severity: "warning", claim: "roles" },
    ]);
    expect(report.accepted).toBe(true);
  });

  it("warns about empty and mistyped authorization claims", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { groups: [], roles: { admin: true } })), ["registry-server"]);
    expect(component(report, "registry-server").findings).toMatchObject([
      { code: "claim_empty", severity: "warning", claim: "groups" },
      { code: "claim_invalid", severity: "warning", claim: "roles" },
    ]);
  });

  it("rejects an audience no provider accepts, listing every audience of the token's issuer", async () => {
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { aud: "payroll-api" })), ["registry-server"]);
    const registry = component(report, "registry-server");

    expect(registry.verdict).toBe("rejected");
    expect(errorCodes(report, "registry-server")).toEqual(["audience_mismatch"]);
    expect(registry.findings[0]?.message).toContain('one of "enterprise-manager", "cloud-ui"');
  });

  it("in per-component mode, judges the token by the provider with its issuer", async () => {
    const cloudUiIssuer = `${fake.origin}/oauth2/aus2cloudui`;
    const outputs = stackOutputs(fake, {
      registryServer: {
        providers: [
          { name: "cloud-ui", issuerUrl: cloudUiIssuer, audience: "cloud-ui" },
          { name: "cli-desktop", issuerUrl: fake.issuer, audience: "enterprise-manager" },
        ],
      },
    });
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer, { scp: ["openid"], aud: "cloud-ui" })), ["registry-server"], outputs);
    const registry = component(report, "registry-server");

    expect(registry.verdict).toBe("rejected");
    expect(registry.provider).toBe("cli-desktop");
    expect(errorCodes(report, "registry-server")).toEqual(["audience_mismatch"]);
  });
});

describe("outputs printed without --show-secrets (cloudUi is \"[secret]\")", () => {
  it("checks the Cloud UI against the registry's cloud-ui provider, with the issuer's real keys", async () => {
    const outputs = printedStackOutputs(fake);
    const cloudUiToken = await sign(key1, accessTokenClaims(fake.issuer, { aud: DEFAULT_AUDIENCES.cloudUi, scp: ["openid", "email"] }));
    const report = await verify(cloudUiToken, ["cloud-ui", "registry-server"], outputs);
    const cloudUi = component(report, "cloud-ui");

    expect(cloudUi).toMatchObject({ verdict: "accepted", findings: [], expected: [{ issuer: fake.issuer, audience: DEFAULT_AUDIENCES.cloudUi }] });
    expect(cloudUi.expectedFrom).toContain('registryServer.providers "cloud-ui"');
    expect(component(report, "registry-server")).toMatchObject({ verdict: "accepted", provider: "cloud-ui" });
    expect(report.accepted).toBe(true);
  });

  it("still rejects another component's token at the Cloud UI, and a forged one", async () => {
    const outputs = printedStackOutputs(fake);
    const emToken = await verify(await sign(key1, accessTokenClaims(fake.issuer)), ["cloud-ui"], outputs);
    expect(errorCodes(emToken, "cloud-ui")).toEqual(["audience_mismatch"]);

    const forged = await verify(await sign(outsider, accessTokenClaims(fake.issuer, { aud: DEFAULT_AUDIENCES.cloudUi })), ["cloud-ui"], outputs);
    expect(errorCodes(forged, "cloud-ui")).toEqual(["bad_signature"]);
  });

  it("does not check the Cloud UI when no provider carries its pair, and says what to pass instead", async () => {
    const outputs = printedStackOutputs(fake, {
      registryServer: { providers: [{ name: "cli-desktop", issuerUrl: fake.issuer, audience: DEFAULT_AUDIENCES.enterpriseManager }] },
    });
    const report = await verify(await sign(key1, accessTokenClaims(fake.issuer)), undefined, outputs);
    const cloudUi = component(report, "cloud-ui");

    expect(cloudUi.verdict).toBe("not_checked");
    expect(cloudUi.findings).toMatchObject([{ code: "expectation_missing" }]);
    expect(cloudUi.findings[0]?.message).toContain("pass --issuer and --audience");
    expect(cloudUi.findings[0]?.fix).toContain("pulumi stack output --json > outputs.json");
    expect(cloudUi.findings[0]?.fix).not.toContain("--show-secrets >");
    expect(component(report, "enterprise-manager").verdict).toBe("accepted");
    expect(report.accepted).toBe(false);
  });
});
