/**
 * The wiring: every registered policy, driven through its validateResource
 * functions with the args object @pulumi/policy builds (type, props, urn,
 * name, getConfig, ...), passing and failing. Every policy must have a case
 * here, so a policy added without a wiring test fails this file. How unknown
 * (preview-time) inputs are handled is tested against the real analyzer
 * server in analyzer.test.ts.
 */
import type { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { OktaType, REQUIRED_SCOPE } from "../../components/facts";
import { POLICY_PACK_NAME, policies } from "../../policy/policies";
import { validationArgs, validationsOf } from "../support/policyPack";

function policyNamed(name: string): ResourceValidationPolicy {
  const policy = policies.find((p) => p.name === name);
  if (policy === undefined) throw new Error(`no policy ${name}`);
  return policy;
}

/** Runs one policy the way the analyzer server does and returns the messages it reported. */
async function report(
  policyName: string,
  type: string,
  props: Record<string, unknown>,
  name = "res",
  config: object = {},
): Promise<string[]> {
  const messages: string[] = [];
  const reportViolation: ReportViolation = (message) => messages.push(message);
  for (const validation of validationsOf(policyNamed(policyName))) {
    await validation(validationArgs(type, props, name, config), reportViolation);
  }
  return messages;
}

interface Case {
  type: string;
  name?: string;
  pass: Record<string, unknown>;
  fail: Record<string, unknown>;
  /** A fragment of the message the failing input must produce. */
  expect: string;
}

const nativeApp = {
  type: "native",
  tokenEndpointAuthMethod: "none",
  pkceRequired: true,
  grantTypes: ["authorization_code", "refresh_token"],
  redirectUris: ["http://localhost:8666/callback"],
  refreshTokenRotation: "ROTATE",
};
const webApp = {
  type: "web",
  tokenEndpointAuthMethod: "client_secret_basic",
  grantTypes: ["authorization_code", "refresh_token"],
  redirectUris: ["https://cloud.example.com/api/auth/oauth2/callback/oidc"],
};
const rule = {
  name: "stacklok-access",
  grantTypeWhitelists: ["authorization_code"],
  scopeWhitelists: ["openid", "profile", "email", "offline_access", REQUIRED_SCOPE],
};
const accessPolicy = { name: "stacklok", description: "Stacklok clients", clientWhitelists: ["0oa1"] };

const cases: Record<string, Case> = {
  "okta-public-client-pkce": {
    type: OktaType.oauthApp,
    pass: nativeApp,
    fail: { ...nativeApp, tokenEndpointAuthMethod: "client_secret_basic" },
    expect: 'tokenEndpointAuthMethod is "client_secret_basic" on a native app; accepted: "none"',
  },
  "okta-public-client-refresh-rotation": {
    type: OktaType.oauthApp,
    pass: nativeApp,
    fail: { ...nativeApp, refreshTokenRotation: "STATIC" },
    expect: 'refreshTokenRotation is "STATIC" on a native app that is a public client',
  },
  "okta-web-app-confidential": {
    type: OktaType.oauthApp,
    pass: webApp,
    fail: { ...webApp, tokenEndpointAuthMethod: "none" },
    expect: 'tokenEndpointAuthMethod is "none" on a web app',
  },
  "okta-no-implicit-or-password": {
    type: OktaType.oauthApp,
    pass: webApp,
    fail: { ...webApp, responseTypes: ["token"] },
    expect: 'responseTypes contains "token"',
  },
  "okta-redirect-uris": {
    type: OktaType.oauthApp,
    pass: nativeApp,
    fail: { ...nativeApp, redirectUris: ["http://localhost.evil.com:8666/callback"] },
    expect: 'uses http on host "localhost.evil.com"',
  },
  "okta-access-rule-explicit-scopes": {
    type: OktaType.serverPolicyRule,
    pass: rule,
    fail: { ...rule, scopeWhitelists: ["*"] },
    expect: 'scopeWhitelists contains "*"',
  },
  "okta-access-rule-token-lifetimes": {
    type: OktaType.serverPolicyRule,
    pass: rule,
    fail: { ...rule, refreshTokenLifetimeMinutes: 1440 },
    expect: "refreshTokenWindowMinutes is unset (the provider sends 10080)",
  },
  "okta-access-policy-client-list": {
    type: OktaType.serverPolicy,
    pass: accessPolicy,
    fail: { ...accessPolicy, clientWhitelists: ["ALL_CLIENTS", "0oa1"] },
    expect: 'clientWhitelists mixes "ALL_CLIENTS" with client IDs',
  },
  "okta-access-policy-explicit-clients": {
    type: OktaType.serverPolicy,
    pass: accessPolicy,
    fail: { ...accessPolicy, clientWhitelists: ["ALL_CLIENTS"] },
    expect: 'clientWhitelists is ["ALL_CLIENTS"]; recommended',
  },
  "okta-access-policy-description": {
    type: OktaType.serverPolicy,
    pass: accessPolicy,
    fail: { ...accessPolicy, description: "" },
    expect: 'description is ""; accepted: 1 to 255 characters',
  },
  "okta-required-scope-not-default": {
    type: OktaType.serverScope,
    pass: { name: REQUIRED_SCOPE, default: false },
    fail: { name: REQUIRED_SCOPE, default: true },
    expect: `default is true on the "${REQUIRED_SCOPE}" scope`,
  },
  "okta-scope-default-or-optional": {
    type: OktaType.serverScope,
    pass: { name: "a", optional: true },
    fail: { name: "a", optional: true, default: true },
    expect: "default and optional are both true",
  },
  "okta-platform-claims-in-access-token": {
    type: OktaType.serverClaim,
    pass: { name: "groups", claimType: "RESOURCE", valueType: "GROUPS", groupFilterType: "REGEX", value: ".*" },
    fail: { name: "email", claimType: "IDENTITY", value: "user.email" },
    expect: 'claimType is "IDENTITY" on the "email" claim; accepted: "RESOURCE"',
  },
  "okta-claim-value": {
    type: OktaType.serverClaim,
    pass: { name: "groups", claimType: "RESOURCE", valueType: "GROUPS", groupFilterType: "REGEX", value: ".*" },
    fail: { name: "groups", claimType: "RESOURCE", value: "user.groups" },
    expect: 'value is "user.groups"; that is not valid Okta Expression Language',
  },
  "okta-default-server-adoption": {
    type: OktaType.authServerDefault,
    pass: { name: "default", credentialsRotationMode: "AUTO", audiences: ["enterprise-manager"] },
    fail: { name: "default", credentialsRotationMode: "MANUAL", audiences: ["enterprise-manager"] },
    expect: 'credentialsRotationMode is "MANUAL"; accepted: "AUTO"',
  },
  "okta-explicit-names": {
    type: OktaType.serverScope,
    name: "toolhive-config-read",
    pass: { name: REQUIRED_SCOPE },
    fail: { name: "toolhive-config-read-0c1d2e3" },
    expect: 'name is "toolhive-config-read-0c1d2e3", which Pulumi auto-generated from the logical name',
  },
  "okta-api-enum-values": {
    type: OktaType.serverPolicyRule,
    pass: rule,
    fail: { ...rule, grantTypeWhitelists: ["authorizationCode"] },
    expect: 'grantTypeWhitelists has "authorizationCode"; the Okta API value is "authorization_code"',
  },
};

describe("the registered policies", () => {
  it("are the pack's policies, each with a wiring case, unique names and no reserved name", () => {
    expect(POLICY_PACK_NAME).toBe("stacklok-okta-guardrails");
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain("all");
    expect(names.sort()).toEqual(Object.keys(cases).sort());
  });

  it("are mandatory, except the ALL_CLIENTS advice", () => {
    const levels = Object.fromEntries(policies.map((p) => [p.name, p.enforcementLevel]));
    for (const [name, level] of Object.entries(levels)) {
      expect(level, name).toBe(name === "okta-access-policy-explicit-clients" ? "advisory" : "mandatory");
    }
  });

  for (const [policyName, c] of Object.entries(cases)) {
    describe(policyName, () => {
      it("reports nothing for a compliant resource", async () => {
        expect(await report(policyName, c.type, c.pass, c.name)).toEqual([]);
      });

      it("reports the violation for a non-compliant resource", async () => {
        const messages = await report(policyName, c.type, c.fail, c.name);
        expect(messages.length).toBeGreaterThan(0);
        expect(messages.join("\n")).toContain(c.expect);
      });

      it("ignores resource types it is not about", async () => {
        expect(await report(policyName, OktaType.userSchemaProperty, c.fail, c.name)).toEqual([]);
      });
    });
  }
});

describe("okta-platform-claims-in-access-token config", () => {
  it("declares the claim names as config with the platform defaults", () => {
    const schema = policyNamed("okta-platform-claims-in-access-token").configSchema;
    expect(schema?.properties.platformClaimNames?.default).toEqual(["groups", "roles", "email"]);
  });

  it("checks the claim names given in the policy config instead of the defaults", async () => {
    const config = { platformClaimNames: ["stacklok_groups"] };
    const renamed = { name: "stacklok_groups", claimType: "IDENTITY", value: "user.email" };
    expect(await report("okta-platform-claims-in-access-token", OktaType.serverClaim, renamed, "c", config)).toEqual([
      expect.stringContaining('on the "stacklok_groups" claim'),
    ]);
    const builtin = { name: "email", claimType: "IDENTITY", value: "user.email" };
    expect(await report("okta-platform-claims-in-access-token", OktaType.serverClaim, builtin, "c", config)).toEqual([]);
  });
});
