/**
 * okta-local held to clients nobody here wrote: openid-client (a certified
 * OpenID relying party), @okta/jwt-verifier (Okta's own verifier) and the
 * project's verify-token, against an org created through the management API.
 */
import OktaJwtVerifier from "@okta/jwt-verifier";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPONENTS, JwksCache, buildExpectations, verifyAccessToken } from "../../tools/verify-token";
import { CLI_REDIRECT_URI, CONFIG_SCOPE, UI_REDIRECT_URI, USERS, signInThroughBrowser, startOAuthTestOrg, type OAuthTestOrg, type TestApp } from "./oauth-org";

let org: OAuthTestOrg;

beforeAll(async () => {
  org = await startOAuthTestOrg();
});

afterAll(async () => {
  await org?.close();
});

type Auth = "none" | "basic" | "post";

async function discover(issuer: string, app: TestApp, auth: Auth): Promise<client.Configuration> {
  const secret = app.clientSecret ?? "";
  const clientAuth = auth === "none" ? client.None() : auth === "basic" ? client.ClientSecretBasic(secret) : client.ClientSecretPost(secret);
  return client.discovery(new URL(issuer), app.clientId, undefined, clientAuth, { execute: [client.allowInsecureRequests] });
}

/** Authorization code + PKCE + state + nonce, signing in through okta-local's form. */
async function codeFlow(config: client.Configuration, options: { scope: string; redirectUri: string; user?: { login: string; password: string } }) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: options.redirectUri,
    scope: options.scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  const user = options.user ?? USERS.alice;
  const browser = await signInThroughBrowser(url, user.login, user.password);
  expect(browser.status).toBe(302);
  if (browser.location === undefined) throw new Error("no redirect");
  return client.authorizationCodeGrant(config, browser.location, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
}

describe("openid-client", () => {
  it("discovers a custom server and the default server by their issuers", async () => {
    const config = await discover(org.em.issuer, org.apps.cli, "none");
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(org.em.issuer);
    expect(metadata.jwks_uri).toBe(`${org.em.issuer}/v1/keys`);
    expect(metadata.code_challenge_methods_supported).toEqual(["S256"]);
    expect(metadata.scopes_supported).toContain(CONFIG_SCOPE);
    const byDefault = await discover(`${org.url}/oauth2/default`, org.apps.cli, "none");
    expect(byDefault.serverMetadata().token_endpoint).toBe(`${org.url}/oauth2/default/v1/token`);
  });

  it("signs in on the default server, whose issuer is <org>/oauth2/default and audience api://default", async () => {
    const config = await discover(`${org.url}/oauth2/default`, org.apps.cli, "none");
    const tokens = await codeFlow(config, { scope: "openid", redirectUri: CLI_REDIRECT_URI });
    const access = JSON.parse(Buffer.from(tokens.access_token.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
    expect(access).toMatchObject({ iss: `${org.url}/oauth2/default`, aud: "api://default", scp: ["openid"] });
    expect(tokens.claims()?.iss).toBe(`${org.url}/oauth2/default`);
  });

  it("runs the code flow with PKCE for a public client and gets Okta's tokens", async () => {
    const config = await discover(org.em.issuer, org.apps.cli, "none");
    const tokens = await codeFlow(config, { scope: `openid profile offline_access ${CONFIG_SCOPE}`, redirectUri: CLI_REDIRECT_URI });
    expect(tokens.token_type.toLowerCase()).toBe("bearer");
    expect(tokens.expires_in).toBe(15 * 60);
    expect(tokens.scope).toBe(`openid profile offline_access ${CONFIG_SCOPE}`);
    expect(typeof tokens.refresh_token).toBe("string");

    const idClaims = tokens.claims();
    const alice = org.okta.store.state.users;
    const aliceId = Object.keys(alice).find((id) => (alice[id]?.profile as { login?: string }).login === USERS.alice.login);
    expect(idClaims).toMatchObject({ sub: aliceId, aud: org.apps.cli.clientId, iss: org.em.issuer, ver: 1, amr: ["pwd"], name: "Alice Engineer", preferred_username: USERS.alice.login });
    expect(idClaims).not.toHaveProperty("email");

    const access = JSON.parse(Buffer.from(tokens.access_token.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
    expect(access).toMatchObject({
      ver: 1,
      iss: org.em.issuer,
      aud: "enterprise-manager",
      cid: org.apps.cli.clientId,
      uid: aliceId,
      sub: USERS.alice.login,
      scp: ["openid", "profile", "offline_access", CONFIG_SCOPE],
      groups: ["stacklok-engineers"],
      roles: ["toolhive-admin", "dev"],
    });
    expect(access.jti).toMatch(/^AT\./);
    expect((access.exp as number) - (access.iat as number)).toBe(15 * 60);
  });

  for (const auth of ["basic", "post"] as const) {
    it(`runs the code flow for a confidential client with client_secret_${auth}`, async () => {
      const app = auth === "basic" ? org.apps.webBasic : org.apps.webPost;
      const config = await discover(org.em.issuer, app, auth);
      const tokens = await codeFlow(config, { scope: "openid email profile offline_access", redirectUri: UI_REDIRECT_URI });
      expect(tokens.claims()?.email).toBe(USERS.alice.login);
      expect(typeof tokens.refresh_token).toBe("string");
    });

    it(`accepts the secret sent as client_secret_${auth === "basic" ? "post" : "basic"} by an app registered for ${auth}, and checks it`, async () => {
      const app = auth === "basic" ? org.apps.webBasic : org.apps.webPost;
      const other = auth === "basic" ? "post" : "basic";
      const tokens = await codeFlow(await discover(org.em.issuer, app, other), { scope: "openid", redirectUri: UI_REDIRECT_URI });
      expect(typeof tokens.access_token).toBe("string");
      const wrong = await discover(org.em.issuer, { clientId: app.clientId, clientSecret: "not-the-secret" }, other);
      const failure = await codeFlow(wrong, { scope: "openid", redirectUri: UI_REDIRECT_URI }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(client.ResponseBodyError);
      expect((failure as client.ResponseBodyError).error).toBe("invalid_client");
      expect((failure as client.ResponseBodyError).status).toBe(401);
    });
  }

  it("refuses a wrong client secret with Okta's text", async () => {
    const config = await discover(org.em.issuer, { clientId: org.apps.webBasic.clientId, clientSecret: "not-the-secret" }, "basic");
    const failure = (await codeFlow(config, { scope: "openid", redirectUri: UI_REDIRECT_URI }).catch((e: unknown) => e)) as client.ResponseBodyError;
    expect(failure.error_description).toBe("The client secret supplied for a confidential client is invalid.");
  });

  it("rotates refresh tokens, honours the leeway, and keeps the family alive", async () => {
    const config = await discover(org.em.issuer, org.apps.cli, "none");
    const first = await codeFlow(config, { scope: `openid offline_access ${CONFIG_SCOPE}`, redirectUri: CLI_REDIRECT_URI });
    const original = first.refresh_token ?? "";
    const second = await client.refreshTokenGrant(config, original);
    expect(second.refresh_token).toBeDefined();
    expect(second.refresh_token).not.toBe(original);
    // Within the 30 s leeway the rotated-out token still works.
    const again = await client.refreshTokenGrant(config, original);
    expect(again.access_token).toBeDefined();
    const third = await client.refreshTokenGrant(config, second.refresh_token ?? "");
    expect(third.refresh_token).not.toBe(second.refresh_token);
  });

  it("detects reuse after the leeway and revokes the whole family", async () => {
    const config = await discover(org.em.issuer, org.apps.cliNoLeeway, "none");
    const first = await codeFlow(config, { scope: `openid offline_access ${CONFIG_SCOPE}`, redirectUri: CLI_REDIRECT_URI });
    const original = first.refresh_token ?? "";
    const second = await client.refreshTokenGrant(config, original);
    const reuse = (await client.refreshTokenGrant(config, original).catch((e: unknown) => e)) as client.ResponseBodyError;
    expect(reuse).toBeInstanceOf(client.ResponseBodyError);
    expect(reuse.error).toBe("invalid_grant");
    expect(reuse.error_description).toBe("The refresh token is invalid or expired.");
    // The newest token of the family is gone too.
    const successor = (await client.refreshTokenGrant(config, second.refresh_token ?? "").catch((e: unknown) => e)) as client.ResponseBodyError;
    expect(successor.error).toBe("invalid_grant");
  });

  it("returns the same refresh token for a STATIC app", async () => {
    const config = await discover(org.em.issuer, org.apps.cliStatic, "none");
    const first = await codeFlow(config, { scope: `openid offline_access ${CONFIG_SCOPE}`, redirectUri: CLI_REDIRECT_URI });
    const second = await client.refreshTokenGrant(config, first.refresh_token ?? "");
    expect(second.refresh_token).toBe(first.refresh_token);
    const third = await client.refreshTokenGrant(config, first.refresh_token ?? "");
    expect(third.refresh_token).toBe(first.refresh_token);
  });

  it("refuses a refresh that asks for a scope the user was not granted", async () => {
    const config = await discover(org.em.issuer, org.apps.cliStatic, "none");
    const first = await codeFlow(config, { scope: `openid offline_access ${CONFIG_SCOPE}`, redirectUri: CLI_REDIRECT_URI });
    const failure = (await client.refreshTokenGrant(config, first.refresh_token ?? "", { scope: "openid email" }).catch((e: unknown) => e)) as client.ResponseBodyError;
    expect(failure.error).toBe("access_denied");
    expect(failure.error_description).toBe(
      "Some of the scopes requested for the refresh request were not granted in the original authorize request. Denied scopes: [email].",
    );
  });

  it("issues no refresh token without offline_access", async () => {
    const config = await discover(org.em.issuer, org.apps.cli, "none");
    const tokens = await codeFlow(config, { scope: `openid ${CONFIG_SCOPE}`, redirectUri: CLI_REDIRECT_URI });
    expect(tokens.refresh_token).toBeUndefined();
  });

  it("reads userinfo with the access token, claims by granted scope", async () => {
    const config = await discover(org.em.issuer, org.apps.webBasic, "basic");
    const tokens = await codeFlow(config, { scope: "openid email profile", redirectUri: UI_REDIRECT_URI });
    const subject = tokens.claims()?.sub ?? "";
    const info = await client.fetchUserInfo(config, tokens.access_token, subject);
    expect(info).toMatchObject({ sub: subject, email: USERS.alice.login, email_verified: true, name: "Alice Engineer", given_name: "Alice", family_name: "Engineer" });
  });

  it("signs in on the org server, whose access tokens are opaque", async () => {
    const config = await discover(org.url, org.apps.webBasic, "basic");
    expect(config.serverMetadata().issuer).toBe(org.url);
    const tokens = await codeFlow(config, { scope: "openid email", redirectUri: UI_REDIRECT_URI });
    expect(tokens.access_token.split(".")).toHaveLength(1);
    expect(tokens.claims()?.iss).toBe(org.url);
    const info = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()?.sub ?? "");
    expect(info.email).toBe(USERS.alice.login);
  });
});

describe("@okta/jwt-verifier", () => {
  async function accessTokenFor(issuer: string): Promise<string> {
    const config = await discover(issuer, org.apps.cli, "none");
    const scope = issuer === org.em.issuer ? `openid ${CONFIG_SCOPE}` : "openid";
    return (await codeFlow(config, { scope, redirectUri: CLI_REDIRECT_URI })).access_token;
  }

  it("verifies an okta-local access token: issuer, audience, key by kid", async () => {
    const verifier = new OktaJwtVerifier({ issuer: org.em.issuer, testing: { disableHttpsCheck: true } });
    const token = await accessTokenFor(org.em.issuer);
    const jwt = await verifier.verifyAccessToken(token, "enterprise-manager");
    expect(jwt.claims.iss).toBe(org.em.issuer);
    expect(jwt.claims.scp).toContain(CONFIG_SCOPE);
    expect(jwt.header.kid).toBe(org.okta.store.state.signingKeys[org.em.id]?.kid);
  });

  it("rejects a token from another server, and the wrong audience", async () => {
    const verifier = new OktaJwtVerifier({ issuer: org.em.issuer, testing: { disableHttpsCheck: true } });
    const fromUi = await accessTokenFor(org.ui.issuer);
    await expect(verifier.verifyAccessToken(fromUi, "cloud-ui")).rejects.toThrow();
    await expect(verifier.verifyAccessToken(fromUi, "enterprise-manager")).rejects.toThrow();
    const fromEm = await accessTokenFor(org.em.issuer);
    await expect(verifier.verifyAccessToken(fromEm, "cloud-ui")).rejects.toThrow(/audience/i);
  });
});

describe("verify-token", () => {
  function outputs() {
    return {
      enterpriseManager: { issuer: org.em.issuer, audience: org.em.audience, requiredScope: CONFIG_SCOPE },
      cloudUi: { issuer: org.ui.issuer, audience: org.ui.audience },
      registryServer: {
        providers: [
          { name: "cli-desktop", issuerUrl: org.em.issuer, audience: org.em.audience },
          { name: "cloud-ui", issuerUrl: org.ui.issuer, audience: org.ui.audience },
        ],
      },
    };
  }

  it("accepts an okta-local token for the component it was minted for, and only that one", async () => {
    const config = await discover(org.em.issuer, org.apps.cli, "none");
    const tokens = await codeFlow(config, { scope: `openid offline_access ${CONFIG_SCOPE}`, redirectUri: CLI_REDIRECT_URI });
    const report = await verifyAccessToken(tokens.access_token, buildExpectations({ outputs: outputs() }, COMPONENTS), new JwksCache());
    const verdicts = Object.fromEntries(report.components.map((c) => [c.component, c.verdict]));
    expect(verdicts).toEqual({ "enterprise-manager": "accepted", "cloud-ui": "rejected", "registry-server": "accepted" });
    const em = report.components.find((c) => c.component === "enterprise-manager");
    expect(em?.findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});
