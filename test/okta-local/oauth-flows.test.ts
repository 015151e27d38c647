/**
 * Okta's decisions and errors at the HTTP level, as a browser and a client
 * see them: redirects with `error`/`error_description`, error pages, the
 * token endpoint's JSON errors, userinfo, logout, revocation.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CLI_REDIRECT_URI, CLI_SIGNED_OUT_URI, CONFIG_SCOPE, UI_REDIRECT_URI, USERS, signInThroughBrowser, startOAuthTestOrg, type OAuthTestOrg, type TestApp,
} from "./oauth-org";

let org: OAuthTestOrg;

beforeAll(async () => {
  org = await startOAuthTestOrg();
});

afterAll(async () => {
  await org?.close();
});

const NO_MATCH = "Policy evaluation failed for this request, please check the policy configurations.";

interface AuthorizeOptions {
  issuer?: string;
  app?: TestApp;
  scope?: string;
  redirectUri?: string;
  pkce?: boolean;
  state?: string;
}

function authorizeRequest(options: AuthorizeOptions = {}) {
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL(`${options.issuer ?? org.em.issuer}/v1/authorize`);
  const params: Record<string, string> = {
    client_id: (options.app ?? org.apps.cli).clientId,
    response_type: "code",
    scope: options.scope ?? `openid ${CONFIG_SCOPE}`,
    redirect_uri: options.redirectUri ?? CLI_REDIRECT_URI,
    state: options.state ?? "state-123",
    nonce: "nonce-456",
  };
  if (options.pkce !== false) {
    params.code_challenge = createHash("sha256").update(verifier).digest("base64url");
    params.code_challenge_method = "S256";
  }
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return { url, verifier };
}

function redirectError(location: URL | undefined) {
  return { state: location?.searchParams.get("state"), error: location?.searchParams.get("error"), error_description: location?.searchParams.get("error_description") };
}

async function token(form: Record<string, string>, options: { issuer?: string; basic?: [string, string] } = {}) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (options.basic !== undefined) headers.authorization = `Basic ${Buffer.from(`${options.basic[0]}:${options.basic[1]}`).toString("base64")}`;
  const response = await fetch(`${options.issuer ?? org.em.issuer}/v1/token`, { method: "POST", headers, body: new URLSearchParams(form).toString() });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/** Signs Alice in and returns the code and the request it belongs to. */
async function codeFor(options: AuthorizeOptions = {}) {
  const request = authorizeRequest(options);
  const browser = await signInThroughBrowser(request.url, USERS.alice.login, USERS.alice.password);
  const code = browser.location?.searchParams.get("code");
  if (code === null || code === undefined) throw new Error(`no code: ${browser.status} ${browser.location?.toString() ?? browser.body}`);
  return { code, verifier: request.verifier };
}

describe("authorize: Okta's policy evaluation, delivered by redirect", () => {
  it("redirects with code and state for an engineer", async () => {
    const browser = await signInThroughBrowser(authorizeRequest().url, USERS.alice.login, USERS.alice.password);
    expect(browser.status).toBe(302);
    expect(`${browser.location?.origin ?? ""}${browser.location?.pathname ?? ""}`).toBe(CLI_REDIRECT_URI);
    expect(browser.location?.searchParams.get("state")).toBe("state-123");
    expect(browser.location?.searchParams.get("code")).toMatch(/^[\w-]{20,}$/);
  });

  it("refuses a user not assigned to the app", async () => {
    const browser = await signInThroughBrowser(authorizeRequest().url, USERS.carol.login, USERS.carol.password);
    expect(browser.status).toBe(302);
    expect(redirectError(browser.location)).toEqual({ state: "state-123", error: "access_denied", error_description: "User is not assigned to the client application." });
  });

  it("refuses an assigned user outside the rule's groups", async () => {
    const browser = await signInThroughBrowser(authorizeRequest().url, USERS.bob.login, USERS.bob.password);
    expect(redirectError(browser.location)).toEqual({ state: "state-123", error: "access_denied", error_description: NO_MATCH });
  });

  it("refuses a client no policy includes", async () => {
    const browser = await signInThroughBrowser(authorizeRequest({ app: org.apps.unlisted }).url, USERS.alice.login, USERS.alice.password);
    expect(redirectError(browser.location).error_description).toBe(NO_MATCH);
  });

  it("refuses a scope the server does not have, before anyone signs in", async () => {
    const response = await fetch(authorizeRequest({ scope: "openid nope:read" }).url, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(redirectError(new URL(response.headers.get("location") ?? ""))).toEqual({
      state: "state-123",
      error: "invalid_scope",
      error_description: "One or more scopes are not configured for the authorization server resource.",
    });
  });

  it("refuses a scope the server has but the rule does not allow", async () => {
    await org.api("POST", `/api/v1/authorizationServers/${org.em.id}/scopes`, { name: "other:read", consent: "IMPLICIT", metadataPublish: "NO_CLIENTS" });
    const browser = await signInThroughBrowser(authorizeRequest({ scope: `openid ${CONFIG_SCOPE} other:read` }).url, USERS.alice.login, USERS.alice.password);
    expect(redirectError(browser.location).error_description).toBe(NO_MATCH);
  });

  it("refuses a grant type the rule does not allow", async () => {
    const server = await org.api("POST", "/api/v1/authorizationServers", { name: "grants", description: "grants", audiences: ["grants"], issuerMode: "ORG_URL" });
    const serverId = String(server.id);
    const policy = await org.api("POST", `/api/v1/authorizationServers/${serverId}/policies`, {
      type: "OAUTH_AUTHORIZATION_POLICY", status: "ACTIVE", name: "p", description: "p", priority: 1, conditions: { clients: { include: ["ALL_CLIENTS"] } },
    });
    await org.api("POST", `/api/v1/authorizationServers/${serverId}/policies/${String(policy.id)}/rules`, {
      type: "RESOURCE_ACCESS", status: "ACTIVE", name: "r", priority: 1,
      conditions: { people: { groups: { include: [org.groups.everyone] } }, grantTypes: { include: ["client_credentials"] }, scopes: { include: ["*"] } },
      actions: { token: { accessTokenLifetimeMinutes: 60 } },
    });
    const request = authorizeRequest({ issuer: `${org.url}/oauth2/${serverId}`, scope: "openid" });
    const browser = await signInThroughBrowser(request.url, USERS.alice.login, USERS.alice.password);
    expect(redirectError(browser.location).error_description).toBe(NO_MATCH);
  });

  it("requires PKCE of a client that authenticates with `none`", async () => {
    const response = await fetch(authorizeRequest({ pkce: false }).url, { redirect: "manual" });
    expect(redirectError(new URL(response.headers.get("location") ?? ""))).toEqual({
      state: "state-123",
      error: "invalid_request",
      error_description: "PKCE code challenge is required by the application.",
    });
  });

  it("shows an error page, not a redirect, for a redirect URI that is not registered exactly", async () => {
    for (const redirectUri of [`${CLI_REDIRECT_URI}/`, "http://127.0.0.1:8666/callback", "https://evil.example.com/callback"]) {
      const response = await fetch(authorizeRequest({ redirectUri }).url, { redirect: "manual" });
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      const page = await response.text();
      expect(page).toContain("The &#39;redirect_uri&#39; parameter must be a Login redirect URI in the client app settings");
    }
  });

  it("shows the sign-in form again for a wrong password, without redirecting", async () => {
    const browser = await signInThroughBrowser(authorizeRequest().url, USERS.alice.login, "wrong");
    expect(browser.status).toBe(401);
    expect(browser.location).toBeUndefined();
    expect(browser.body).toContain('name="password"');
  });

  it("answers 404 for a server that does not exist", async () => {
    const response = await fetch(`${org.url}/oauth2/ausDoesNotExist0001/.well-known/openid-configuration`);
    expect(response.status).toBe(404);
  });
});

describe("token endpoint", () => {
  it("uses a code once", async () => {
    const { code, verifier } = await codeFor();
    const form = { grant_type: "authorization_code", client_id: org.apps.cli.clientId, code, code_verifier: verifier, redirect_uri: CLI_REDIRECT_URI };
    expect((await token(form)).status).toBe(200);
    expect(await token(form)).toEqual({ status: 400, body: { error: "invalid_grant", error_description: "The authorization code is invalid or has expired." } });
  });

  it("honours a code once even when two exchanges race", async () => {
    const { code, verifier } = await codeFor();
    const form = { grant_type: "authorization_code", client_id: org.apps.cli.clientId, code, code_verifier: verifier, redirect_uri: CLI_REDIRECT_URI };
    const results = await Promise.all([token(form), token(form), token(form)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400]);
  });

  it("requires the authorize request's redirect_uri", async () => {
    const { code, verifier } = await codeFor();
    const result = await token({ grant_type: "authorization_code", client_id: org.apps.cli.clientId, code, code_verifier: verifier, redirect_uri: "http://localhost:8666/other" });
    expect(result.body).toEqual({ error: "invalid_grant", error_description: "The 'redirect_uri' does not match the redirection URI used in the authorization request." });
  });

  it("verifies the PKCE verifier", async () => {
    const { code } = await codeFor();
    const result = await token({ grant_type: "authorization_code", client_id: org.apps.cli.clientId, code, code_verifier: randomBytes(32).toString("base64url"), redirect_uri: CLI_REDIRECT_URI });
    expect(result.body).toEqual({ error: "invalid_grant", error_description: "PKCE verification failed." });
  });

  it("refuses a request with no client credentials, and one with two", async () => {
    expect(await token({ grant_type: "authorization_code", code: "x" })).toEqual({ status: 401, body: { error: "invalid_client", error_description: "No client credentials found." } });
    const web = org.apps.webBasic;
    const both = await token({ grant_type: "authorization_code", code: "x", client_id: web.clientId, client_secret: web.clientSecret ?? "" }, { basic: [web.clientId, web.clientSecret ?? ""] });
    expect(both.body.error).toBe("invalid_request");
  });

  it("refuses a secret from a public client", async () => {
    const result = await token({ grant_type: "authorization_code", code: "x", client_id: org.apps.cli.clientId, client_secret: "anything" });
    expect(result).toEqual({ status: 401, body: { error: "invalid_client", error_description: "Client authentication failed. Either the client or the client credentials are invalid." } });
  });

  it("answers a code from another client as invalid", async () => {
    const { code, verifier } = await codeFor({ app: org.apps.cliStatic });
    const result = await token({ grant_type: "authorization_code", client_id: org.apps.cli.clientId, code, code_verifier: verifier, redirect_uri: CLI_REDIRECT_URI });
    expect(result.body.error).toBe("invalid_grant");
  });

  it("revokes a refresh token", async () => {
    const { code, verifier } = await codeFor({ app: org.apps.cliStatic, scope: `openid offline_access ${CONFIG_SCOPE}` });
    const issued = await token({ grant_type: "authorization_code", client_id: org.apps.cliStatic.clientId, code, code_verifier: verifier, redirect_uri: CLI_REDIRECT_URI });
    const refresh = issued.body.refresh_token ?? "";
    const revoked = await fetch(`${org.em.issuer}/v1/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: org.apps.cliStatic.clientId, token: refresh, token_type_hint: "refresh_token" }).toString(),
    });
    expect(revoked.status).toBe(200);
    const result = await token({ grant_type: "refresh_token", client_id: org.apps.cliStatic.clientId, refresh_token: refresh });
    expect(result.body).toEqual({ error: "invalid_grant", error_description: "The refresh token is invalid or expired." });
  });

  it("answers 501 in the OAuth error shape for what it does not emulate", async () => {
    const response = await fetch(`${org.em.issuer}/v1/device/authorize`, { method: "POST" });
    expect(response.status).toBe(501);
    expect(((await response.json()) as { error: string }).error).toBe("server_error");
  });
});

describe("userinfo and logout", () => {
  async function tokensFor(scope: string) {
    const { code, verifier } = await codeFor({ app: org.apps.cli, scope });
    return (await token({ grant_type: "authorization_code", client_id: org.apps.cli.clientId, code, code_verifier: verifier, redirect_uri: CLI_REDIRECT_URI })).body;
  }

  it("answers 401 for a bad token and 403 without a profile, email, address or phone scope", async () => {
    const bad = await fetch(`${org.em.issuer}/v1/userinfo`, { headers: { authorization: "Bearer nope" } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toContain('error="invalid_token"');
    const tokens = await tokensFor(`openid ${CONFIG_SCOPE}`);
    const narrow = await fetch(`${org.em.issuer}/v1/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token ?? ""}` } });
    expect(narrow.status).toBe(403);
    expect(narrow.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    // A token from another server is not this server's.
    const otherServer = await fetch(`${org.ui.issuer}/v1/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token ?? ""}` } });
    expect(otherServer.status).toBe(401);
  });

  it("logs out to a registered post-logout URI only", async () => {
    const tokens = await tokensFor(`openid ${CONFIG_SCOPE}`);
    const good = new URL(`${org.em.issuer}/v1/logout`);
    good.searchParams.set("id_token_hint", tokens.id_token ?? "");
    good.searchParams.set("post_logout_redirect_uri", CLI_SIGNED_OUT_URI);
    good.searchParams.set("state", "bye");
    const response = await fetch(good, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${CLI_SIGNED_OUT_URI}?state=bye`);

    good.searchParams.set("post_logout_redirect_uri", UI_REDIRECT_URI);
    const refused = await fetch(good, { redirect: "manual" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("must be a Logout redirect URI in the client app settings");

    const noHint = await fetch(`${org.em.issuer}/v1/logout?post_logout_redirect_uri=${encodeURIComponent(CLI_SIGNED_OUT_URI)}`, { redirect: "manual" });
    expect(noHint.status).toBe(400);
  });
});

describe("introspection", () => {
  it("describes the client's own tokens and reads another client's as inactive", async () => {
    const app = org.apps.cliStatic;
    const { code, verifier } = await codeFor({ app, scope: `openid offline_access ${CONFIG_SCOPE}` });
    const issued = (await token({ grant_type: "authorization_code", client_id: app.clientId, code, code_verifier: verifier, redirect_uri: CLI_REDIRECT_URI })).body;
    const introspect = async (clientId: string, value: string) => {
      const response = await fetch(`${org.em.issuer}/v1/introspect`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ client_id: clientId, token: value }).toString(),
      });
      return (await response.json()) as Record<string, unknown>;
    };
    expect(await introspect(app.clientId, issued.access_token ?? "")).toMatchObject({
      active: true, token_type: "Bearer", client_id: app.clientId, aud: "enterprise-manager", scope: `openid offline_access ${CONFIG_SCOPE}`,
    });
    expect(await introspect(app.clientId, issued.refresh_token ?? "")).toMatchObject({ active: true, token_type: "refresh_token" });
    expect(await introspect(org.apps.cli.clientId, issued.access_token ?? "")).toEqual({ active: false });
  });
});

describe("grants", () => {
  it("refuses a grant the app is not configured for, and answers 501 for Okta grants it does not emulate", async () => {
    const web = org.apps.webBasic;
    const notOnApp = await token({ grant_type: "client_credentials", scope: CONFIG_SCOPE }, { basic: [web.clientId, web.clientSecret ?? ""] });
    expect(notOnApp).toEqual({
      status: 400,
      body: { error: "unauthorized_client", error_description: "The client is not authorized to use the provided grant type. Configured grant types: [authorization_code, refresh_token]." },
    });
    const unknown = await token({ grant_type: "magic" }, { basic: [web.clientId, web.clientSecret ?? ""] });
    expect(unknown.body.error).toBe("unsupported_grant_type");
    const app = await org.api("POST", "/api/v1/apps?activate=true", {
      name: "oidc_client", label: "service", signOnMode: "OPENID_CONNECT",
      credentials: { oauthClient: { token_endpoint_auth_method: "client_secret_basic" } },
      settings: { oauthClient: { application_type: "service", grant_types: ["client_credentials"], response_types: ["token"] } },
    });
    const secret = String((app.credentials as { oauthClient: Record<string, unknown> }).oauthClient.client_secret);
    const service = await token({ grant_type: "client_credentials", scope: CONFIG_SCOPE }, { basic: [String(app.id), secret] });
    expect(service.status).toBe(501);
  });
});
