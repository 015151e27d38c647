/**
 * Each guardrail check, called directly with a passing and a failing input.
 * Failing cases assert the message: it must name the property, the value
 * given and what is accepted.
 */
import { describe, expect, it } from "vitest";
import { OktaType, REQUIRED_SCOPE } from "../../components/facts";
import {
  appHasNoImplicitOrPasswordGrant,
  appHasNoImplicitResponseType,
  appHasRedirectUri,
  appRedirectUrisAreSafe,
  appUsesAuthorizationCode,
  type Check,
  type CheckContext,
  claimValueIsValid,
  defaultContext,
  defaultServerIsAdoptedSafely,
  enumValuesAreApiValues,
  groupAssignmentsAreExplicit,
  isLoopbackUri,
  isPrivateUseScheme,
  nameIsExplicit,
  platformClaimIsAccessTokenClaim,
  policyClientListIsValid,
  policyDescriptionIsValid,
  policyIsCreatedActive,
  policyNamesExplicitClients,
  type Props,
  publicClientRotatesRefreshTokens,
  publicClientUsesPkce,
  realEnumValue,
  redirectUriProblem,
  requiredScopeIsNotDefault,
  ruleHasNoImplicitOrPasswordGrant,
  ruleListsExplicitScopes,
  ruleTokenLifetimesAreValid,
  scopeIsNotBothDefaultAndOptional,
  serverHasOneAudience,
  userSchemaAttributeIsComplete,
  webAppIsConfidential,
} from "../../policy/rules";

function run(check: Check, type: string, props: Props, logicalName = "res") {
  return check(type, props, defaultContext(logicalName));
}

/** A native app as the program configures the CLI's: public client, PKCE, loopback redirect, refresh-token rotation. */
const nativeApp = {
  type: "native",
  label: "Stacklok CLI",
  tokenEndpointAuthMethod: "none",
  pkceRequired: true,
  grantTypes: ["authorization_code", "refresh_token"],
  responseTypes: ["code"],
  redirectUris: ["http://localhost:8666/callback"],
  refreshTokenRotation: "ROTATE",
  refreshTokenLeeway: 30,
};

/** The Cloud UI's web app. */
const webApp = {
  type: "web",
  label: "Stacklok Cloud UI",
  tokenEndpointAuthMethod: "client_secret_basic",
  grantTypes: ["authorization_code", "refresh_token"],
  responseTypes: ["code"],
  redirectUris: ["https://cloud.example.com/api/auth/oauth2/callback/oidc"],
  postLogoutRedirectUris: ["https://cloud.example.com/signin"],
};

const rule = {
  name: "stacklok-access",
  priority: 1,
  grantTypeWhitelists: ["authorization_code"],
  scopeWhitelists: ["openid", "profile", "email", "offline_access", REQUIRED_SCOPE],
  groupWhitelists: ["EVERYONE"],
};

describe("publicClientUsesPkce", () => {
  it("passes a native app with none + PKCE, and ignores web apps and other types", () => {
    expect(run(publicClientUsesPkce, OktaType.oauthApp, nativeApp)).toEqual([]);
    expect(run(publicClientUsesPkce, OktaType.oauthApp, webApp)).toEqual([]);
    expect(run(publicClientUsesPkce, OktaType.serverScope, { type: "native" })).toEqual([]);
  });

  it("fails a native app left on the provider's client_secret_basic default", () => {
    const [violation, ...rest] = run(publicClientUsesPkce, OktaType.oauthApp, {
      ...nativeApp,
      tokenEndpointAuthMethod: "client_secret_basic",
    });
    expect(rest).toEqual([]);
    expect(violation?.property).toBe("tokenEndpointAuthMethod");
    expect(violation?.message).toContain('tokenEndpointAuthMethod is "client_secret_basic" on a native app');
    expect(violation?.message).toContain('accepted: "none"');
    expect(violation?.message).toContain("defaults every app type");
  });

  it("fails a browser app with no auth method and PKCE unset (both reported)", () => {
    const violations = run(publicClientUsesPkce, OktaType.oauthApp, { type: "browser", redirectUris: [] });
    expect(violations.map((v) => v.property)).toEqual(["tokenEndpointAuthMethod", "pkceRequired"]);
    expect(violations[0]?.message).toContain("tokenEndpointAuthMethod is unset on a browser app");
    expect(violations[1]?.message).toContain("pkceRequired is unset on a browser app; accepted: true");
    expect(violations[1]?.message).toContain("false on later updates");
  });

  it("fails pkceRequired: false on a native app", () => {
    const violations = run(publicClientUsesPkce, OktaType.oauthApp, { ...nativeApp, pkceRequired: false });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain("pkceRequired is false on a native app; accepted: true");
  });
});

describe("publicClientRotatesRefreshTokens", () => {
  const withoutRotation = { ...nativeApp, refreshTokenRotation: undefined, refreshTokenLeeway: undefined };
  const browserApp = {
    type: "browser",
    tokenEndpointAuthMethod: "none",
    pkceRequired: true,
    grantTypes: ["authorization_code", "refresh_token"],
    redirectUris: ["https://spa.example.com/callback"],
  };

  it("passes public clients that rotate, and those that get no refresh token", () => {
    expect(run(publicClientRotatesRefreshTokens, OktaType.oauthApp, nativeApp)).toEqual([]);
    expect(run(publicClientRotatesRefreshTokens, OktaType.oauthApp, { ...browserApp, refreshTokenRotation: "ROTATE" })).toEqual([]);
    // Without the refresh_token grant, Okta issues no refresh token to rotate.
    expect(run(publicClientRotatesRefreshTokens, OktaType.oauthApp, { ...withoutRotation, grantTypes: ["authorization_code"] })).toEqual([]);
    // A native app's provider default is authorization_code only.
    expect(run(publicClientRotatesRefreshTokens, OktaType.oauthApp, { ...withoutRotation, grantTypes: undefined })).toEqual([]);
  });

  it("ignores confidential clients, public apps with a secret (okta-public-client-pkce's finding) and other types", () => {
    expect(run(publicClientRotatesRefreshTokens, OktaType.oauthApp, { ...webApp, refreshTokenRotation: "STATIC" })).toEqual([]);
    expect(run(publicClientRotatesRefreshTokens, OktaType.oauthApp, { ...withoutRotation, tokenEndpointAuthMethod: "client_secret_basic" })).toEqual([]);
    expect(run(publicClientRotatesRefreshTokens, OktaType.oauthApp, { ...withoutRotation, type: "service" })).toEqual([]);
    expect(run(publicClientRotatesRefreshTokens, OktaType.serverPolicyRule, withoutRotation)).toEqual([]);
  });

  it("fails a native app with the refresh_token grant that leaves rotation to the provider's STATIC", () => {
    const violations = run(publicClientRotatesRefreshTokens, OktaType.oauthApp, withoutRotation);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.property).toBe("refreshTokenRotation");
    const message = violations[0]?.message ?? "";
    expect(message).toContain(
      'refreshTokenRotation is unset on a native app that is a public client (tokenEndpointAuthMethod "none") ' +
        'and gets refresh tokens (grantTypes includes "refresh_token"); accepted: "ROTATE".',
    );
    expect(message).toContain('The provider sends "STATIC" when it is unset');
    expect(message).toContain("RFC 9700 section 4.14.2");
  });

  it("fails an explicit STATIC, and a misspelt rotate", () => {
    for (const value of ["STATIC", "rotate"]) {
      const violations = run(publicClientRotatesRefreshTokens, OktaType.oauthApp, { ...nativeApp, refreshTokenRotation: value });
      expect(violations.map((v) => v.message), value).toEqual([expect.stringContaining(`refreshTokenRotation is "${value}" on a native app`)]);
    }
  });

  it("fails a browser app with grantTypes unset, whose provider default includes refresh_token", () => {
    // An empty list is unset to the provider.
    expect(run(publicClientRotatesRefreshTokens, OktaType.oauthApp, { ...browserApp, grantTypes: [] })).toHaveLength(1);
    const violations = run(publicClientRotatesRefreshTokens, OktaType.oauthApp, { ...browserApp, grantTypes: undefined });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain(
      `gets refresh tokens (grantTypes is unset, and the provider's default for a browser app includes "refresh_token")`,
    );
  });
});

describe("webAppIsConfidential", () => {
  it("passes a web app with a secret method or the default", () => {
    expect(run(webAppIsConfidential, OktaType.oauthApp, webApp)).toEqual([]);
    expect(run(webAppIsConfidential, OktaType.oauthApp, { ...webApp, tokenEndpointAuthMethod: undefined })).toEqual([]);
    expect(run(webAppIsConfidential, OktaType.oauthApp, nativeApp)).toEqual([]);
  });

  it('fails a web app with "none"', () => {
    const violations = run(webAppIsConfidential, OktaType.oauthApp, { ...webApp, tokenEndpointAuthMethod: "none" });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.property).toBe("tokenEndpointAuthMethod");
    expect(violations[0]?.message).toContain('tokenEndpointAuthMethod is "none" on a web app');
    expect(violations[0]?.message).toContain('"client_secret_basic" (the default) or "client_secret_post"');
  });
});

describe("appHasNoImplicitOrPasswordGrant", () => {
  it("passes explicit safe grants, and unset grants where the provider default is authorization_code", () => {
    expect(run(appHasNoImplicitOrPasswordGrant, OktaType.oauthApp, nativeApp)).toEqual([]);
    expect(run(appHasNoImplicitOrPasswordGrant, OktaType.oauthApp, { type: "web" })).toEqual([]);
    expect(run(appHasNoImplicitOrPasswordGrant, OktaType.oauthApp, { type: "native", grantTypes: [] })).toEqual([]);
  });

  it("fails implicit and password in grantTypes, one violation each", () => {
    const violations = run(appHasNoImplicitOrPasswordGrant, OktaType.oauthApp, {
      ...nativeApp,
      grantTypes: ["authorization_code", "implicit", "password"],
    });
    expect(violations.map((v) => v.message.split(";")[0])).toEqual([
      'grantTypes contains "implicit"',
      'grantTypes contains "password"',
    ]);
    expect(violations[0]?.message).toContain('accepted: any grant except "implicit", "password"');
  });

  it("fails a browser app with grantTypes unset: the provider default includes implicit", () => {
    // The provider treats an empty list as unset and sends its default.
    expect(run(appHasNoImplicitOrPasswordGrant, OktaType.oauthApp, { type: "browser", grantTypes: [] })).toHaveLength(1);
    const violations = run(appHasNoImplicitOrPasswordGrant, OktaType.oauthApp, { type: "browser" });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain("grantTypes is unset on a browser app");
    expect(violations[0]?.message).toContain('which includes "implicit"');
    expect(violations[0]?.message).toContain('e.g. ["authorization_code"]');
  });
});

describe("appHasNoImplicitResponseType", () => {
  it("passes code, unset, and a service app's token", () => {
    expect(run(appHasNoImplicitResponseType, OktaType.oauthApp, webApp)).toEqual([]);
    expect(run(appHasNoImplicitResponseType, OktaType.oauthApp, { type: "native" })).toEqual([]);
    expect(run(appHasNoImplicitResponseType, OktaType.oauthApp, { type: "service", responseTypes: ["token"] })).toEqual(
      [],
    );
  });

  it("fails token and id_token on a web app", () => {
    const violations = run(appHasNoImplicitResponseType, OktaType.oauthApp, {
      ...webApp,
      responseTypes: ["code", "token", "id_token"],
    });
    expect(violations.map((v) => v.message.split(";")[0])).toEqual([
      'responseTypes contains "token"',
      'responseTypes contains "id_token"',
    ]);
    expect(violations[0]?.message).toContain('accepted: ["code"]');
  });

  it("fails id_token on native and browser apps too (only service apps are exempt)", () => {
    for (const appType of ["native", "browser"]) {
      const violations = run(appHasNoImplicitResponseType, OktaType.oauthApp, {
        type: appType,
        responseTypes: ["id_token"],
      });
      expect(violations, appType).toHaveLength(1);
      expect(violations[0]?.message).toContain('responseTypes contains "id_token"');
    }
  });
});

describe("ruleHasNoImplicitOrPasswordGrant", () => {
  it("passes authorization_code only", () => {
    expect(run(ruleHasNoImplicitOrPasswordGrant, OktaType.serverPolicyRule, rule)).toEqual([]);
  });

  it("fails a rule allowing password", () => {
    const violations = run(ruleHasNoImplicitOrPasswordGrant, OktaType.serverPolicyRule, {
      ...rule,
      grantTypeWhitelists: ["authorization_code", "password"],
    });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.property).toBe("grantTypeWhitelists");
    expect(violations[0]?.message).toContain('grantTypeWhitelists contains "password"');
  });
});

describe("loopback and scheme detection", () => {
  it.each([
    ["http://localhost:8666/callback", true],
    ["http://LOCALHOST:8666/callback", true],
    ["http://127.0.0.1:8666/callback", true],
    ["http://[::1]:8666/callback", true],
    ["http://localhost.evil.com/callback", false],
    ["http://127.0.0.1.nip.io/callback", false],
    ["http://localhost@evil.com/callback", false],
    ["http://evil.com/localhost", false],
    ["https://localhost:8443/callback", true],
    ["ftp://localhost/callback", false],
    ["not a uri", false],
  ])("isLoopbackUri(%s) is %s", (uri, loopback) => {
    expect(isLoopbackUri(uri)).toBe(loopback);
  });

  it.each([
    ["com.stacklok.desktop", true],
    ["io.example.cli+v2", true],
    ["myapp", false],
    ["http", false],
    ["com.", false],
  ])("isPrivateUseScheme(%s) is %s", (scheme, privateUse) => {
    expect(isPrivateUseScheme(scheme)).toBe(privateUse);
  });
});

describe("redirectUriProblem", () => {
  it.each([
    ["http://localhost:8666/callback", "native"],
    ["http://127.0.0.1:8666/callback", "native"],
    ["http://[::1]:8666/callback", "native"],
    ["https://cli.example.com/callback", "native"],
    ["com.stacklok.desktop:/callback", "native"],
    ["https://cloud.example.com/api/auth/oauth2/callback/oidc", "web"],
  ])("accepts %s on a %s app", (uri, appType) => {
    expect(redirectUriProblem(uri, appType)).toBeUndefined();
  });

  it.each([
    ["http://localhost.evil.com/callback", "native", 'uses http on host "localhost.evil.com"'],
    ["http://127.0.0.1.nip.io/callback", "native", 'uses http on host "127.0.0.1.nip.io"'],
    ["myapp://callback", "native", 'uses the scheme "myapp:"'],
    ["http://localhost:3000/callback", "web", 'uses "http:" on a web app; accepted: https only'],
    ["http://cloud.example.com/callback", "web", "accepted: https only"],
    ["https://*.example.com/callback", "web", 'contains "*"'],
    ["https://cloud.example.com/callback#done", "web", "contains a fragment"],
    ["https://cloud.example.com/callback#", "web", "contains a fragment"],
    ["/api/auth/oauth2/callback/oidc", "web", "is not an absolute URI"],
  ])("rejects %s on a %s app", (uri, appType, reason) => {
    expect(redirectUriProblem(uri, appType)).toContain(reason);
  });
});

describe("appRedirectUrisAreSafe", () => {
  it("passes the native and web apps the program creates", () => {
    expect(run(appRedirectUrisAreSafe, OktaType.oauthApp, nativeApp)).toEqual([]);
    expect(run(appRedirectUrisAreSafe, OktaType.oauthApp, webApp)).toEqual([]);
  });

  it("fails an http post-logout URI on a web app, naming the property and the value", () => {
    const violations = run(appRedirectUrisAreSafe, OktaType.oauthApp, {
      ...webApp,
      postLogoutRedirectUris: ["http://cloud.example.com/signin"],
    });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.property).toBe("postLogoutRedirectUris");
    expect(violations[0]?.message).toContain('postLogoutRedirectUris entry "http://cloud.example.com/signin"');
    expect(violations[0]?.message).toContain("accepted: https only");
  });

  it("fails wildcardRedirect SUBDOMAIN and a wildcard URI", () => {
    const violations = run(appRedirectUrisAreSafe, OktaType.oauthApp, {
      ...webApp,
      wildcardRedirect: "SUBDOMAIN",
      redirectUris: ["https://*.cloud.example.com/api/auth/oauth2/callback/oidc"],
    });
    expect(violations.map((v) => v.property)).toEqual(["wildcardRedirect", "redirectUris"]);
    expect(violations[0]?.message).toContain('wildcardRedirect is "SUBDOMAIN"; accepted: "DISABLED"');
    expect(violations[1]?.message).toContain('contains "*"');
  });
});

describe("ruleListsExplicitScopes", () => {
  it("passes explicit scopes", () => {
    expect(run(ruleListsExplicitScopes, OktaType.serverPolicyRule, rule)).toEqual([]);
  });

  it('fails "*"', () => {
    const violations = run(ruleListsExplicitScopes, OktaType.serverPolicyRule, { ...rule, scopeWhitelists: ["*"] });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain('scopeWhitelists contains "*"; accepted: explicit scope names');
    expect(violations[0]?.message).toContain(`"${REQUIRED_SCOPE}"`);
  });

  it("fails unset and empty scope lists", () => {
    const unset = { ...rule, scopeWhitelists: undefined };
    expect(run(ruleListsExplicitScopes, OktaType.serverPolicyRule, unset)[0]?.message).toContain(
      "scopeWhitelists is unset; accepted: the explicit scopes",
    );
    expect(
      run(ruleListsExplicitScopes, OktaType.serverPolicyRule, { ...rule, scopeWhitelists: [] })[0]?.message,
    ).toContain("scopeWhitelists is []");
  });
});

describe("ruleTokenLifetimesAreValid", () => {
  it("passes the defaults, bounds, and a consistent refresh configuration", () => {
    expect(run(ruleTokenLifetimesAreValid, OktaType.serverPolicyRule, rule)).toEqual([]);
    expect(run(ruleTokenLifetimesAreValid, OktaType.serverPolicyRule, { accessTokenLifetimeMinutes: 5 })).toEqual([]);
    expect(run(ruleTokenLifetimesAreValid, OktaType.serverPolicyRule, { accessTokenLifetimeMinutes: 1440 })).toEqual([]);
    expect(
      run(ruleTokenLifetimesAreValid, OktaType.serverPolicyRule, {
        accessTokenLifetimeMinutes: 60,
        refreshTokenLifetimeMinutes: 1440,
        refreshTokenWindowMinutes: 720,
      }),
    ).toEqual([]);
    // The bounds are inclusive: refresh lifetime, window and access lifetime may all be equal.
    expect(
      run(ruleTokenLifetimesAreValid, OktaType.serverPolicyRule, {
        accessTokenLifetimeMinutes: 60,
        refreshTokenLifetimeMinutes: 60,
        refreshTokenWindowMinutes: 60,
      }),
    ).toEqual([]);
    // A refresh lifetime above the 10080 default window needs no window.
    expect(
      run(ruleTokenLifetimesAreValid, OktaType.serverPolicyRule, { refreshTokenLifetimeMinutes: 43_200 }),
    ).toEqual([]);
  });

  it("fails an access-token lifetime outside 5..1440", () => {
    for (const minutes of [4, 1441]) {
      const violations = run(ruleTokenLifetimesAreValid, OktaType.serverPolicyRule, {
        accessTokenLifetimeMinutes: minutes,
      });
      expect(violations).toHaveLength(1);
      expect(violations[0]?.message).toContain(
        `accessTokenLifetimeMinutes is ${minutes}; accepted: 5 to 1440 minutes`,
      );
    }
  });

  it("fails a short refresh lifetime with the window left at its 10080 default", () => {
    const violations = run(ruleTokenLifetimesAreValid, OktaType.serverPolicyRule, {
      accessTokenLifetimeMinutes: 60,
      refreshTokenLifetimeMinutes: 1440,
    });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.property).toBe("refreshTokenWindowMinutes");
    expect(violations[0]?.message).toContain("refreshTokenWindowMinutes is unset (the provider sends 10080)");
    expect(violations[0]?.message).toContain("accepted: between the access-token lifetime and the refresh-token lifetime");
  });

  it("fails a refresh lifetime shorter than the access lifetime and a window below it", () => {
    const violations = run(ruleTokenLifetimesAreValid, OktaType.serverPolicyRule, {
      accessTokenLifetimeMinutes: 120,
      refreshTokenLifetimeMinutes: 60,
      refreshTokenWindowMinutes: 30,
    });
    expect(violations.map((v) => v.property)).toEqual(["refreshTokenLifetimeMinutes", "refreshTokenWindowMinutes"]);
    expect(violations[0]?.message).toContain("refreshTokenLifetimeMinutes is 60, shorter than accessTokenLifetimeMinutes (120)");
    expect(violations[1]?.message).toContain("refreshTokenWindowMinutes is 30");
  });

  it("fails a refresh window outside Okta's 10 minutes to five years, even with unlimited refresh tokens", () => {
    for (const minutes of [9, 2_628_001]) {
      const violations = run(ruleTokenLifetimesAreValid, OktaType.serverPolicyRule, { refreshTokenWindowMinutes: minutes });
      expect(violations.map((v) => v.property)).toEqual(["refreshTokenWindowMinutes"]);
      expect(violations[0]?.message).toContain(`refreshTokenWindowMinutes is ${minutes}; accepted: 10 to 2628000 minutes`);
    }
    for (const minutes of [10, 2_628_000]) {
      expect(run(ruleTokenLifetimesAreValid, OktaType.serverPolicyRule, { refreshTokenWindowMinutes: minutes })).toEqual([]);
    }
  });
});

describe("policyClientListIsValid and policyNamesExplicitClients", () => {
  const policy = { name: "stacklok", description: "Stacklok clients", priority: 1, clientWhitelists: ["0oa1", "0oa2"] };

  it("passes explicit client IDs (no advisory either)", () => {
    expect(run(policyClientListIsValid, OktaType.serverPolicy, policy)).toEqual([]);
    expect(run(policyNamesExplicitClients, OktaType.serverPolicy, policy)).toEqual([]);
  });

  it("ALL_CLIENTS alone is valid but advised against", () => {
    const allClients = { ...policy, clientWhitelists: ["ALL_CLIENTS"] };
    expect(run(policyClientListIsValid, OktaType.serverPolicy, allClients)).toEqual([]);
    const advice = run(policyNamesExplicitClients, OktaType.serverPolicy, allClients);
    expect(advice).toHaveLength(1);
    expect(advice[0]?.message).toContain('clientWhitelists is ["ALL_CLIENTS"]; recommended: the client IDs');
  });

  it("fails ALL_CLIENTS mixed with client IDs", () => {
    const violations = run(policyClientListIsValid, OktaType.serverPolicy, {
      ...policy,
      clientWhitelists: ["ALL_CLIENTS", "0oa1"],
    });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain('clientWhitelists mixes "ALL_CLIENTS" with client IDs (["ALL_CLIENTS","0oa1"])');
    expect(violations[0]?.message).toContain('either ["ALL_CLIENTS"] alone or client IDs only');
  });

  it("fails an empty client list", () => {
    const violations = run(policyClientListIsValid, OktaType.serverPolicy, { ...policy, clientWhitelists: [] });
    expect(violations[0]?.message).toContain("clientWhitelists is []; accepted: the client IDs");
  });
});

describe("policyDescriptionIsValid", () => {
  it("passes a description of 1..255 characters", () => {
    expect(run(policyDescriptionIsValid, OktaType.serverPolicy, { name: "p", description: "x" })).toEqual([]);
    expect(run(policyDescriptionIsValid, OktaType.serverPolicy, { description: "x".repeat(255) })).toEqual([]);
    expect(run(policyDescriptionIsValid, OktaType.serverPolicy, { name: "n".repeat(100), description: "x" })).toEqual([]);
  });

  it("fails a blank, missing or too long description and a too long name", () => {
    expect(run(policyDescriptionIsValid, OktaType.serverPolicy, { description: "  " })[0]?.message).toContain(
      'description is "  "; accepted: 1 to 255 characters',
    );
    expect(run(policyDescriptionIsValid, OktaType.serverPolicy, {})[0]?.message).toContain("description is unset");
    const violations = run(policyDescriptionIsValid, OktaType.serverPolicy, {
      description: "x".repeat(256),
      name: "n".repeat(101),
    });
    expect(violations.map((v) => v.message.split(";")[0])).toEqual([
      "description is 256 characters long",
      "name is 101 characters long",
    ]);
  });
});

describe("requiredScopeIsNotDefault and scopeIsNotBothDefaultAndOptional", () => {
  it("passes the required scope as non-default, and other scopes as default", () => {
    expect(run(requiredScopeIsNotDefault, OktaType.serverScope, { name: REQUIRED_SCOPE, default: false })).toEqual([]);
    expect(run(requiredScopeIsNotDefault, OktaType.serverScope, { name: REQUIRED_SCOPE })).toEqual([]);
    expect(run(requiredScopeIsNotDefault, OktaType.serverScope, { name: "other:scope", default: true })).toEqual([]);
    expect(run(scopeIsNotBothDefaultAndOptional, OktaType.serverScope, { name: "a", default: true })).toEqual([]);
  });

  it("fails the required scope as a default scope", () => {
    const violations = run(requiredScopeIsNotDefault, OktaType.serverScope, { name: REQUIRED_SCOPE, default: true });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain(`default is true on the "${REQUIRED_SCOPE}" scope; accepted: false`);
  });

  it("fails a scope that is both default and optional", () => {
    const violations = run(scopeIsNotBothDefaultAndOptional, OktaType.serverScope, {
      name: "a",
      default: true,
      optional: true,
    });
    expect(violations[0]?.message).toContain('default and optional are both true on scope "a"');
  });
});

describe("platformClaimIsAccessTokenClaim", () => {
  it("passes RESOURCE platform claims and IDENTITY claims outside the platform set", () => {
    expect(
      run(platformClaimIsAccessTokenClaim, OktaType.serverClaim, { name: "groups", claimType: "RESOURCE" }),
    ).toEqual([]);
    expect(run(platformClaimIsAccessTokenClaim, OktaType.serverClaim, { name: "nickname", claimType: "IDENTITY" })).toEqual(
      [],
    );
  });

  it("fails an IDENTITY roles claim", () => {
    const violations = run(platformClaimIsAccessTokenClaim, OktaType.serverClaim, {
      name: "roles",
      claimType: "IDENTITY",
    });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain('claimType is "IDENTITY" on the "roles" claim; accepted: "RESOURCE"');
  });

  it("uses the configured claim names", () => {
    const context = { logicalName: "c", platformClaimNames: ["stacklok_roles"] };
    const props = { name: "stacklok_roles", claimType: "IDENTITY" };
    expect(platformClaimIsAccessTokenClaim(OktaType.serverClaim, props, context)).toHaveLength(1);
    expect(
      platformClaimIsAccessTokenClaim(OktaType.serverClaim, { name: "roles", claimType: "IDENTITY" }, context),
    ).toEqual([]);
  });
});

describe("claimValueIsValid", () => {
  it("passes Okta's groups claim and valid expressions", () => {
    expect(
      run(claimValueIsValid, OktaType.serverClaim, { valueType: "GROUPS", groupFilterType: "REGEX", value: ".*" }),
    ).toEqual([]);
    expect(run(claimValueIsValid, OktaType.serverClaim, { valueType: "EXPRESSION", value: "user.email" })).toEqual([]);
    expect(run(claimValueIsValid, OktaType.serverClaim, { value: "user.roles" })).toEqual([]);
  });

  it("fails a GROUPS claim without groupFilterType", () => {
    const violations = run(claimValueIsValid, OktaType.serverClaim, { valueType: "GROUPS", value: ".*" });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain(
      'groupFilterType is unset on a GROUPS claim; accepted: "STARTS_WITH", "EQUALS", "CONTAINS", "REGEX"',
    );
  });

  it("fails groupFilterType on an EXPRESSION claim (valueType unset means EXPRESSION)", () => {
    const violations = run(claimValueIsValid, OktaType.serverClaim, { groupFilterType: "REGEX", value: "user.email" });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain('groupFilterType is "REGEX" on an EXPRESSION claim; accepted: unset');
  });

  it("fails user.groups with the fix", () => {
    const violations = run(claimValueIsValid, OktaType.serverClaim, { valueType: "EXPRESSION", value: " user.groups " });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.property).toBe("value");
    expect(violations[0]?.message).toContain('value is "user.groups"; that is not valid Okta Expression Language');
    expect(violations[0]?.message).toContain('valueType "GROUPS" with groupFilterType "REGEX" and value ".*"');
  });
});

describe("defaultServerIsAdoptedSafely", () => {
  it('passes name "default" with AUTO rotation', () => {
    expect(
      run(defaultServerIsAdoptedSafely, OktaType.authServerDefault, { name: "default", credentialsRotationMode: "AUTO" }),
    ).toEqual([]);
  });

  it("fails the provider's MANUAL default and an autonamed server", () => {
    const violations = run(defaultServerIsAdoptedSafely, OktaType.authServerDefault, {
      name: "default-server-1a2b3c4",
      credentialsRotationMode: "MANUAL",
    });
    expect(violations.map((v) => v.property)).toEqual(["name", "credentialsRotationMode"]);
    expect(violations[0]?.message).toContain('name is "default-server-1a2b3c4"; accepted: "default"');
    expect(violations[1]?.message).toContain('credentialsRotationMode is "MANUAL"; accepted: "AUTO"');
  });

  it("fails credentialsRotationMode left unset: the provider sends MANUAL for AuthServerDefault", () => {
    const violations = run(defaultServerIsAdoptedSafely, OktaType.authServerDefault, { name: "default" });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain('credentialsRotationMode is unset; accepted: "AUTO"');
    expect(violations[0]?.message).toContain('the provider sends "MANUAL" when this is unset');
  });
});

describe("nameIsExplicit", () => {
  it("passes explicit names, including ones that merely start with the logical name", () => {
    expect(run(nameIsExplicit, OktaType.serverScope, { name: REQUIRED_SCOPE }, "toolhive-config-read")).toEqual([]);
    expect(run(nameIsExplicit, OktaType.group, { name: "stacklok-admins-dev" }, "stacklok-admins")).toEqual([]);
    expect(run(nameIsExplicit, OktaType.serverPolicy, { name: "policy-ABCDEF1" }, "policy")).toEqual([]);
    expect(run(nameIsExplicit, OktaType.oauthApp, { label: "x" }, "cli")).toEqual([]);
  });

  it("fails a Pulumi autoname on every named type", () => {
    for (const type of [
      OktaType.serverScope,
      OktaType.serverClaim,
      OktaType.serverPolicy,
      OktaType.serverPolicyRule,
      OktaType.authServer,
      OktaType.authServerDefault,
      OktaType.group,
    ]) {
      const violations = run(nameIsExplicit, type, { name: "toolhive-config-read-1a2b3c4" }, "toolhive-config-read");
      expect(violations, type).toHaveLength(1);
      expect(violations[0]?.message).toContain(
        'name is "toolhive-config-read-1a2b3c4", which Pulumi auto-generated from the logical name "toolhive-config-read"',
      );
    }
  });

  it("escapes the logical name and fails an unset name", () => {
    expect(run(nameIsExplicit, OktaType.serverClaim, { name: "groupsXclaim-1a2b3c4" }, "groups.claim")).toEqual([]);
    expect(run(nameIsExplicit, OktaType.serverClaim, {}, "groups")[0]?.message).toContain(
      "name is unset; accepted: an explicit name. It is the claim's key in the token.",
    );
  });
});

describe("enumValuesAreApiValues", () => {
  it("passes real API values and leaves unrelated values (client and group IDs) alone", () => {
    expect(run(enumValuesAreApiValues, OktaType.oauthApp, { ...nativeApp, issuerMode: "ORG_URL" })).toEqual([]);
    expect(run(enumValuesAreApiValues, OktaType.serverPolicyRule, { ...rule, groupWhitelists: ["00g1", "EVERYONE"] })).toEqual(
      [],
    );
    expect(run(enumValuesAreApiValues, OktaType.serverPolicy, { clientWhitelists: ["0oa1"] })).toEqual([]);
  });

  it("fails camelCased grant, response and auth-method values, naming the real value", () => {
    const violations = run(enumValuesAreApiValues, OktaType.oauthApp, {
      ...nativeApp,
      grantTypes: ["authorizationCode", "refreshToken"],
      responseTypes: ["code", "idToken"],
      tokenEndpointAuthMethod: "client*secret*basic",
    });
    expect(violations.map((v) => v.message.split(";")[0])).toEqual([
      'grantTypes has "authorizationCode"',
      'grantTypes has "refreshToken"',
      'responseTypes has "idToken"',
      'tokenEndpointAuthMethod has "client*secret*basic"',
    ]);
    expect(violations[0]?.message).toContain('the Okta API value is "authorization_code"');
    expect(violations[3]?.message).toContain('the Okta API value is "client_secret_basic"');
  });

  it("fails lower- or camel-cased UPPER_CASE enums on claims, rules, policies and servers", () => {
    expect(run(enumValuesAreApiValues, OktaType.serverClaim, { claimType: "resource" })[0]?.message).toContain(
      'the Okta API value is "RESOURCE"',
    );
    expect(
      run(enumValuesAreApiValues, OktaType.serverPolicyRule, { grantTypeWhitelists: ["clientCredentials"] })[0]
        ?.message,
    ).toContain('the Okta API value is "client_credentials"');
    expect(run(enumValuesAreApiValues, OktaType.serverPolicy, { clientWhitelists: ["allClients"] })[0]?.message).toContain(
      'the Okta API value is "ALL_CLIENTS"',
    );
    expect(
      run(enumValuesAreApiValues, OktaType.authServerDefault, { credentialsRotationMode: "Auto" })[0]?.message,
    ).toContain('the Okta API value is "AUTO"');
  });

  it("realEnumValue matches spellings, not substrings", () => {
    expect(realEnumValue("authorization_code", ["authorization_code"])).toBeUndefined();
    expect(realEnumValue("AUTHORIZATION-CODE", ["authorization_code"])).toBe("authorization_code");
    expect(realEnumValue("authorization", ["authorization_code"])).toBeUndefined();
  });
});

describe("appUsesAuthorizationCode", () => {
  it("passes the program's apps, a browser app without the grant, a service app and unset grants", () => {
    expect(run(appUsesAuthorizationCode, OktaType.oauthApp, nativeApp)).toEqual([]);
    expect(run(appUsesAuthorizationCode, OktaType.oauthApp, webApp)).toEqual([]);
    expect(run(appUsesAuthorizationCode, OktaType.oauthApp, { type: "browser", grantTypes: ["refresh_token"] })).toEqual([]);
    expect(run(appUsesAuthorizationCode, OktaType.oauthApp, { type: "service", grantTypes: ["client_credentials"] })).toEqual([]);
    expect(run(appUsesAuthorizationCode, OktaType.oauthApp, { type: "web" })).toEqual([]);
    expect(run(appUsesAuthorizationCode, OktaType.oauthApp, { ...webApp, responseTypes: undefined })).toEqual([]);
  });

  it("fails a web or native app whose grants lack authorization_code", () => {
    for (const app of [webApp, nativeApp]) {
      const violations = run(appUsesAuthorizationCode, OktaType.oauthApp, { ...app, grantTypes: ["refresh_token"] });
      expect(violations.map((v) => v.property)).toEqual(["grantTypes"]);
      expect(violations[0]?.message).toContain(`grantTypes is ["refresh_token"] on a ${app.type} app; accepted: a list that includes "authorization_code"`);
    }
  });

  it("fails response types without code next to the authorization_code grant", () => {
    const violations = run(appUsesAuthorizationCode, OktaType.oauthApp, { ...webApp, responseTypes: ["token"] });
    expect(violations.map((v) => v.property)).toEqual(["responseTypes"]);
    expect(violations[0]?.message).toContain('responseTypes is ["token"] while grantTypes includes "authorization_code"');
    expect(run(appUsesAuthorizationCode, OktaType.oauthApp, { ...webApp, responseTypes: [] })).toHaveLength(1);
  });

  it("ignores other resource types", () => {
    expect(run(appUsesAuthorizationCode, OktaType.serverPolicyRule, { type: "web", grantTypes: ["implicit"] })).toEqual([]);
  });
});

describe("appHasRedirectUri", () => {
  it("passes apps with a redirect URI, and grants that need none", () => {
    expect(run(appHasRedirectUri, OktaType.oauthApp, nativeApp)).toEqual([]);
    expect(run(appHasRedirectUri, OktaType.oauthApp, { type: "service", grantTypes: ["client_credentials"] })).toEqual([]);
    // A service app with grantTypes unset gets the provider's client_credentials.
    expect(run(appHasRedirectUri, OktaType.oauthApp, { type: "service" })).toEqual([]);
    expect(run(appHasRedirectUri, OktaType.oauthApp, { type: "native", grantTypes: ["password"] })).toEqual([]);
  });

  it("fails a code-flow app without redirect URIs, unset or empty", () => {
    for (const redirectUris of [undefined, []]) {
      const violations = run(appHasRedirectUri, OktaType.oauthApp, { ...webApp, redirectUris });
      expect(violations.map((v) => v.property)).toEqual(["redirectUris"]);
      expect(violations[0]?.message).toContain("on a web app; accepted: at least one redirect URI");
    }
    // Unset grants on a native app mean the provider's authorization_code, which needs a redirect URI.
    expect(run(appHasRedirectUri, OktaType.oauthApp, { type: "native" })).toHaveLength(1);
  });
});

describe("groupAssignmentsAreExplicit", () => {
  const assignments = { appId: "0oa1", groups: [{ id: "00g1", profile: "{}" }, { id: "00g2", profile: '{"a":1}' }] };

  it("passes groups with JSON-object profiles", () => {
    expect(run(groupAssignmentsAreExplicit, OktaType.appGroupAssignments, assignments)).toEqual([]);
  });

  it("fails an empty or missing group list", () => {
    for (const groups of [[], undefined]) {
      const violations = run(groupAssignmentsAreExplicit, OktaType.appGroupAssignments, { appId: "0oa1", groups });
      expect(violations.map((v) => v.property)).toEqual(["groups"]);
      expect(violations[0]?.message).toContain("accepted: at least one group");
    }
  });

  it("fails each profile that is not a JSON object", () => {
    const groups = [
      { id: "00g1", profile: "{}" },
      { id: "00g2", profile: "" },
      { id: "00g3", profile: "[]" },
      { id: "00g4", profile: "{" },
      { id: "00g5" },
      null,
    ];
    const violations = run(groupAssignmentsAreExplicit, OktaType.appGroupAssignments, { appId: "0oa1", groups });
    expect(violations.map((v) => v.message.slice(0, 40))).toEqual([
      expect.stringContaining('groups[1] (group "00g2") profile is not'),
      expect.stringContaining('groups[2] (group "00g3") profile is not'),
      expect.stringContaining('groups[3] (group "00g4") profile is not'),
      expect.stringContaining('groups[4] (group "00g5") profile is not'),
      expect.stringContaining("groups[5] (group unset) profile is not"),
    ]);
  });

  it("ignores other resource types", () => {
    expect(run(groupAssignmentsAreExplicit, OktaType.oauthApp, { groups: [] })).toEqual([]);
  });
});

describe("policyIsCreatedActive", () => {
  it("passes an active or unset status and fails INACTIVE", () => {
    expect(run(policyIsCreatedActive, OktaType.serverPolicy, { status: "ACTIVE" })).toEqual([]);
    expect(run(policyIsCreatedActive, OktaType.serverPolicy, {})).toEqual([]);
    const violations = run(policyIsCreatedActive, OktaType.serverPolicy, { status: "INACTIVE" });
    expect(violations.map((v) => v.property)).toEqual(["status"]);
    expect(violations[0]?.message).toContain('status is "INACTIVE"; accepted: "ACTIVE"');
    expect(run(policyIsCreatedActive, OktaType.serverPolicyRule, { status: "INACTIVE" })).toEqual([]);
  });
});

describe("userSchemaAttributeIsComplete", () => {
  const attribute = { index: "roles", title: "Roles", type: "array", arrayType: "string", permissions: "READ_ONLY" };
  const replacedDeleteFirst: CheckContext = { ...defaultContext("roles-attribute"), deleteBeforeReplace: true };
  const check = (props: Props, context: CheckContext = replacedDeleteFirst) =>
    userSchemaAttributeIsComplete(OktaType.userSchemaProperty, props, context);

  it("passes the roles attribute as the program creates it, and a string attribute", () => {
    expect(check(attribute)).toEqual([]);
    expect(check({ index: "team", title: "Team", type: "string" })).toEqual([]);
  });

  it("fails an array without arrayType", () => {
    for (const arrayType of [undefined, ""]) {
      const violations = check({ ...attribute, arrayType });
      expect(violations.map((v) => v.property)).toEqual(["arrayType"]);
      expect(violations[0]?.message).toContain("on an array attribute; accepted: the item type");
    }
  });

  it("fails an empty or missing title", () => {
    for (const title of [undefined, ""]) {
      expect(check({ ...attribute, title }).map((v) => v.property)).toEqual(["title"]);
    }
  });

  it("fails unless the resource is replaced delete-first", () => {
    for (const context of [defaultContext("roles-attribute"), { ...replacedDeleteFirst, deleteBeforeReplace: false }]) {
      const violations = check(attribute, context);
      expect(violations.map((v) => v.property)).toEqual(["deleteBeforeReplace"]);
      expect(violations[0]?.message).toContain("set deleteBeforeReplace");
    }
  });

  it("ignores other resource types", () => {
    expect(userSchemaAttributeIsComplete(OktaType.group, { type: "array" }, defaultContext())).toEqual([]);
  });
});

describe("serverHasOneAudience", () => {
  it("passes one audience on a custom server and on the adopted default", () => {
    expect(run(serverHasOneAudience, OktaType.authServer, { audiences: ["enterprise-manager"] })).toEqual([]);
    expect(run(serverHasOneAudience, OktaType.authServerDefault, { audiences: ["api://default"] })).toEqual([]);
  });

  it("passes an AuthServerDefault with audiences unset: the provider sends its one default, api://default", () => {
    expect(run(serverHasOneAudience, OktaType.authServerDefault, { name: "default" })).toEqual([]);
  });

  it.each([
    ["two audiences on a custom server", OktaType.authServer, { audiences: ["enterprise-manager", "cloud-ui"] }],
    ["two audiences on the adopted default", OktaType.authServerDefault, { audiences: ["enterprise-manager", "api://default"] }],
    ["no audience on a custom server", OktaType.authServer, { audiences: [] }],
    ["audiences unset on a custom server", OktaType.authServer, {}],
  ])("fails %s, citing Okta's refusal", (_, type, props) => {
    const violations = run(serverHasOneAudience, type, props);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.property).toBe("audiences");
    expect(violations[0]?.message).toContain("accepted: exactly one audience");
    expect(violations[0]?.message).toContain("must be an array with exactly one value");
  });

  it("ignores other resource types", () => {
    expect(run(serverHasOneAudience, OktaType.serverScope, { audiences: ["a", "b"] })).toEqual([]);
  });
});
