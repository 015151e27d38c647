/**
 * Okta's access-policy evaluation and authorize-request checks, as pure
 * functions over a hand-built org.
 */
import { describe, expect, it } from "vitest";
import { ErrorPageError, RedirectError, validateAuthorizeRequest, type AuthorizeParams } from "../../tools/okta-local/oauth/authorize";
import { OAuthError } from "../../tools/okta-local/oauth/errors";
import { resolveServer, type ResolvedServer } from "../../tools/okta-local/oauth/org";
import { assertScopesExist, evaluateAccessPolicies, requestedScopes, type AccessRequest } from "../../tools/okta-local/oauth/policy";
import type { OrgState } from "../../tools/okta-local/store";
import {
  ALICE, BOB, CAROL, ENGINEERS, EVERYONE, NATIVE_APP, POLICY, RULE, SALES, SERVER_ID, WEB_APP, buildOrg, policy, rule,
} from "./oauth-state-fixture";

const NO_MATCH = "Policy evaluation failed for this request, please check the policy configurations.";

function serverOf(state: OrgState): ResolvedServer {
  const server = resolveServer(state, SERVER_ID);
  if (server === undefined) throw new Error("fixture server missing");
  return server;
}

function evaluate(state: OrgState, overrides: Partial<AccessRequest> = {}) {
  return evaluateAccessPolicies(state, serverOf(state), {
    clientId: NATIVE_APP,
    userId: ALICE,
    grantType: "authorization_code",
    scopes: ["openid", "toolhive:config:read"],
    ...overrides,
  });
}

function oauthErrorOf(run: () => unknown): OAuthError {
  try {
    run();
  } catch (error) {
    if (error instanceof OAuthError) return error;
    if (error instanceof RedirectError || error instanceof ErrorPageError) return error.oauth;
    throw error;
  }
  throw new Error("expected an OAuth error, got none");
}

describe("access policy evaluation", () => {
  it("grants an assigned engineer the rule's lifetimes", () => {
    expect(evaluate(buildOrg())).toEqual({ policyId: POLICY, ruleId: RULE, lifetimes: { accessTokenMinutes: 30, refreshTokenWindowMinutes: 10080 } });
  });

  it("refuses a user not assigned to the app, before any policy", () => {
    const error = oauthErrorOf(() => evaluate(buildOrg(), { userId: CAROL }));
    expect(error.toJSON()).toEqual({ error: "access_denied", error_description: "User is not assigned to the client application." });
  });

  it("counts an assignment to Everyone", () => {
    const state = buildOrg();
    state.appGroupAssignments[NATIVE_APP] = { [EVERYONE]: {} };
    state.policyRules[POLICY] = { [RULE]: rule({ groups: ["EVERYONE"] }) };
    expect(evaluate(state, { userId: CAROL }).ruleId).toBe(RULE);
  });

  it("refuses an assigned user outside the rule's groups", () => {
    const error = oauthErrorOf(() => evaluate(buildOrg(), { userId: BOB }));
    expect(error.error).toBe("access_denied");
    expect(error.description).toBe(NO_MATCH);
  });

  it("refuses a scope the rule does not allow, and `*` allows any", () => {
    const state = buildOrg();
    expect(oauthErrorOf(() => evaluate(state, { scopes: ["openid", "other:read"] })).description).toBe(NO_MATCH);
    state.policyRules[POLICY] = { [RULE]: rule({ groups: [ENGINEERS], scopes: ["*"] }) };
    expect(evaluate(state, { scopes: ["openid", "other:read"] }).ruleId).toBe(RULE);
  });

  it("needs no rule entry for the OIDC scopes", () => {
    expect(evaluate(buildOrg(), { scopes: ["openid", "profile", "email", "offline_access"] }).ruleId).toBe(RULE);
  });

  it("refuses a grant type the rule does not list", () => {
    const state = buildOrg();
    state.policyRules[POLICY] = { [RULE]: rule({ groups: [ENGINEERS], grantTypes: ["implicit"] }) };
    expect(oauthErrorOf(() => evaluate(state)).description).toBe(NO_MATCH);
  });

  it("refuses a client no policy includes", () => {
    const error = oauthErrorOf(() => evaluate(buildOrg(), { clientId: WEB_APP }));
    expect(error.description).toBe(NO_MATCH);
    expect(error.status).toBe(401);
  });

  it("falls through to the next policy when no rule of the first matches", () => {
    const state = buildOrg();
    state.policies[SERVER_ID] = { ...state.policies[SERVER_ID], p2: policy(2, ["ALL_CLIENTS"]) };
    state.policyRules.p2 = { r2: rule({ groups: [SALES] }) };
    expect(evaluate(state, { userId: BOB })).toMatchObject({ policyId: "p2", ruleId: "r2" });
  });

  it("tries policies and rules by priority, not by insertion order", () => {
    const state = buildOrg();
    state.policies[SERVER_ID] = { late: policy(5, ["ALL_CLIENTS"]), ...state.policies[SERVER_ID] };
    state.policyRules.late = { rLate: rule({ groups: [ENGINEERS] }) };
    state.policyRules[POLICY] = { second: rule({ priority: 2, groups: [ENGINEERS] }), first: rule({ priority: 1, groups: [ENGINEERS] }) };
    expect(evaluate(state)).toMatchObject({ policyId: POLICY, ruleId: "first" });
  });

  it("skips inactive policies, inactive rules and policies without rules", () => {
    const state = buildOrg();
    state.policies[SERVER_ID] = {
      inactive: policy(1, ["ALL_CLIENTS"], "INACTIVE"),
      empty: policy(2, ["ALL_CLIENTS"]),
      withInactiveRule: policy(3, ["ALL_CLIENTS"]),
      live: policy(4, [NATIVE_APP]),
    };
    state.policyRules = {
      inactive: { r: rule({ groups: [ENGINEERS] }) },
      withInactiveRule: { r: rule({ groups: [ENGINEERS], status: "INACTIVE" }) },
      live: { r: rule({ groups: [ENGINEERS] }) },
    };
    expect(evaluate(state).policyId).toBe("live");
  });

  it("lets a group exclusion win, unless the rule includes Everyone", () => {
    const state = buildOrg();
    state.policyRules[POLICY] = { [RULE]: rule({ groups: [ENGINEERS], users: [ALICE], excludeGroups: [ENGINEERS] }) };
    expect(oauthErrorOf(() => evaluate(state)).description).toBe(NO_MATCH);
    state.policyRules[POLICY] = { [RULE]: rule({ groups: [EVERYONE], excludeGroups: [ENGINEERS] }) };
    expect(evaluate(state).ruleId).toBe(RULE);
  });

  it("matches a user listed by id", () => {
    const state = buildOrg();
    state.policyRules[POLICY] = { [RULE]: rule({ users: [BOB] }) };
    expect(evaluate(state, { userId: BOB }).ruleId).toBe(RULE);
    expect(oauthErrorOf(() => evaluate(state)).description).toBe(NO_MATCH);
  });
});

describe("scopes on the server", () => {
  it("refuses a scope the server does not define", () => {
    const state = buildOrg();
    const error = oauthErrorOf(() => assertScopesExist(state, serverOf(state), ["openid", "nope:read"]));
    expect(error.toJSON()).toEqual({ error: "invalid_scope", error_description: "One or more scopes are not configured for the authorization server resource." });
  });

  it("without a scope parameter uses the default scopes, or refuses when there are none", () => {
    const state = buildOrg();
    expect(oauthErrorOf(() => requestedScopes(state, serverOf(state), undefined)).description).toBe(
      "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
    );
    const scopes = state.scopes[SERVER_ID] ?? {};
    const configRead = Object.values(scopes).find((s) => s.name === "toolhive:config:read");
    if (configRead !== undefined) configRead.default = true;
    expect(requestedScopes(state, serverOf(state), "")).toEqual(["toolhive:config:read"]);
  });
});

describe("authorize request checks", () => {
  const good: AuthorizeParams = {
    client_id: NATIVE_APP,
    redirect_uri: "http://localhost:8666/callback",
    response_type: "code",
    scope: "openid toolhive:config:read",
    state: "s1",
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    code_challenge_method: "S256",
  };
  const validate = (state: OrgState, params: AuthorizeParams) => validateAuthorizeRequest(state, serverOf(state), params);
  const thrown = (run: () => unknown): unknown => {
    try {
      run();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it("accepts a registered client and redirect URI", () => {
    expect(validate(buildOrg(), good)).toMatchObject({ clientId: NATIVE_APP, scopes: ["openid", "toolhive:config:read"], codeChallenge: good.code_challenge });
  });

  it("shows an error page, never a redirect, for a redirect URI that differs at all", () => {
    for (const redirect_uri of ["http://localhost:8666/callback/", "http://localhost:8666/Callback", "http://127.0.0.1:8666/callback"]) {
      const error = thrown(() => validate(buildOrg(), { ...good, redirect_uri }));
      expect(error).toBeInstanceOf(ErrorPageError);
      expect((error as ErrorPageError).oauth.description).toMatch(/^The 'redirect_uri' parameter must be a Login redirect URI/);
    }
  });

  it("shows an error page for an unknown client", () => {
    expect((thrown(() => validate(buildOrg(), { ...good, client_id: "0oaUnknown" })) as ErrorPageError).oauth.description).toBe(
      "Invalid value for 'client_id' parameter.",
    );
  });

  it("honours a wildcard redirect URI only on SUBDOMAIN apps", () => {
    const state = buildOrg();
    const app = state.apps[NATIVE_APP] as { settings: { oauthClient: Record<string, unknown> } };
    app.settings.oauthClient.redirect_uris = ["https://*.example.com/callback"];
    const params = { ...good, redirect_uri: "https://tenant.example.com/callback" };
    expect(thrown(() => validate(state, params))).toBeInstanceOf(ErrorPageError);
    app.settings.oauthClient.wildcard_redirect = "SUBDOMAIN";
    expect(validate(state, params).redirectUri).toBe(params.redirect_uri);
    expect(thrown(() => validate(state, { ...params, redirect_uri: "https://a.b.example.com/callback" }))).toBeInstanceOf(ErrorPageError);
  });

  it("requires PKCE of a `none` client and refuses `plain`", () => {
    const missing = thrown(() => validate(buildOrg(), { ...good, code_challenge: undefined, code_challenge_method: undefined }));
    expect(missing).toBeInstanceOf(RedirectError);
    expect((missing as RedirectError).oauth.toJSON()).toEqual({ error: "invalid_request", error_description: "PKCE code challenge is required by the application." });
    expect((missing as RedirectError).state).toBe("s1");
    const plain = thrown(() => validate(buildOrg(), { ...good, code_challenge_method: "plain" }));
    expect((plain as RedirectError).oauth.error).toBe("invalid_request");
  });

  it("refuses a response type or grant the app is not configured for", () => {
    const state = buildOrg();
    const responseType = thrown(() => validate(state, { ...good, response_type: "token" })) as RedirectError;
    expect(responseType.oauth.description).toBe("The response type is not supported by the authorization server. Configured response types: [code].");
    const app = state.apps[NATIVE_APP] as { settings: { oauthClient: Record<string, unknown> } };
    app.settings.oauthClient.grant_types = ["refresh_token", "implicit"];
    const grant = thrown(() => validate(state, good)) as RedirectError;
    expect(grant.oauth.toJSON()).toEqual({
      error: "unauthorized_client",
      error_description: "The client is not authorized to use the provided grant type. Configured grant types: [refresh_token, implicit].",
    });
  });

  it("requires state, and delivers a scope not on the server by redirect", () => {
    expect((thrown(() => validate(buildOrg(), { ...good, state: undefined })) as RedirectError).oauth.error).toBe("invalid_request");
    const scope = thrown(() => validate(buildOrg(), { ...good, scope: "openid unknown:scope" })) as RedirectError;
    expect(scope).toBeInstanceOf(RedirectError);
    expect(scope.oauth.error).toBe("invalid_scope");
  });
});
