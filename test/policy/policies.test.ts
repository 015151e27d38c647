/**
 * The wiring: every registered policy, driven through its validateResource
 * functions with the args object @pulumi/policy builds (type, props, urn,
 * name, getConfig, ...), passing and failing. Every policy must have a case
 * here, so a policy added without a wiring test fails this file. How unknown
 * (preview-time) inputs are handled is tested against the real analyzer
 * server in analyzer.test.ts.
 */
import type { ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { OktaType, REQUIRED_SCOPE } from "../../components/facts";
import { POLICY_PACK_NAME, policies, stackPolicies } from "../../policy/policies";
import type { RecordedResource } from "../support/program";
import { stackValidationArgs, validationArgs, validationsOf } from "../support/policyPack";

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
  deleteBeforeReplace?: boolean,
): Promise<string[]> {
  const messages: string[] = [];
  const reportViolation: ReportViolation = (message) => messages.push(message);
  for (const validation of validationsOf(policyNamed(policyName))) {
    await validation(validationArgs(type, props, name, config, undefined, deleteBeforeReplace), reportViolation);
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
  /** The resource option, for the policies that read it. */
  deleteBeforeReplace?: boolean;
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
  "okta-app-authorization-code": {
    type: OktaType.oauthApp,
    pass: webApp,
    fail: { ...webApp, grantTypes: ["refresh_token"] },
    expect: 'grantTypes is ["refresh_token"] on a web app; accepted: a list that includes "authorization_code"',
  },
  "okta-app-redirect-uri-required": {
    type: OktaType.oauthApp,
    pass: webApp,
    fail: { ...webApp, redirectUris: [] },
    expect: "redirectUris is []",
  },
  "okta-app-group-assignments": {
    type: OktaType.appGroupAssignments,
    pass: { appId: "0oa1", groups: [{ id: "00g1", profile: "{}" }] },
    fail: { appId: "0oa1", groups: [{ id: "00g1", profile: "" }] },
    expect: 'groups[0] (group "00g1") profile is not a JSON object',
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
  "okta-access-policy-active-on-create": {
    type: OktaType.serverPolicy,
    pass: accessPolicy,
    fail: { ...accessPolicy, status: "INACTIVE" },
    expect: 'status is "INACTIVE"; accepted: "ACTIVE"',
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
  "okta-server-one-audience": {
    type: OktaType.authServer,
    pass: { name: "stacklok-dev", audiences: ["enterprise-manager"] },
    fail: { name: "stacklok-dev", audiences: ["enterprise-manager", "cloud-ui"] },
    expect: 'audiences is ["enterprise-manager","cloud-ui"]; accepted: exactly one audience',
  },
  "okta-user-schema-attribute": {
    type: OktaType.userSchemaProperty,
    deleteBeforeReplace: true,
    pass: { index: "roles", title: "Roles", type: "array", arrayType: "string" },
    fail: { index: "roles", title: "Roles", type: "array" },
    expect: "arrayType is unset on an array attribute",
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
        expect(await report(policyName, c.type, c.pass, c.name, {}, c.deleteBeforeReplace)).toEqual([]);
      });

      it("reports the violation for a non-compliant resource", async () => {
        const messages = await report(policyName, c.type, c.fail, c.name, {}, c.deleteBeforeReplace);
        expect(messages.length).toBeGreaterThan(0);
        expect(messages.join("\n")).toContain(c.expect);
      });

      it("ignores resource types it is not about", async () => {
        const otherType = c.type === OktaType.userSchemaProperty ? OktaType.group : OktaType.userSchemaProperty;
        expect(await report(policyName, otherType, c.fail, c.name)).toEqual([]);
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

describe("okta-user-schema-attribute and the deleteBeforeReplace option", () => {
  const attribute = { index: "roles", title: "Roles", type: "array", arrayType: "string" };

  it("reads the option from the args @pulumi/policy passes", async () => {
    expect(await report("okta-user-schema-attribute", OktaType.userSchemaProperty, attribute, "roles", {}, true)).toEqual([]);
    for (const option of [false, undefined]) {
      expect(await report("okta-user-schema-attribute", OktaType.userSchemaProperty, attribute, "roles", {}, option)).toEqual([
        expect.stringContaining("set deleteBeforeReplace"),
      ]);
    }
  });
});

/** A resource as the mock engine records it, for the stack policies. */
function recorded(type: string, name: string, inputs: Record<string, unknown>): RecordedResource {
  return {
    urn: `urn:pulumi:dev::stacklok-identity::${type}::${name}`,
    type,
    name,
    custom: true,
    id: `${name}-id`,
    inputs,
    outputs: {},
    options: { dependsOn: [] },
  };
}

function stackPolicyNamed(name: string): StackValidationPolicy {
  const policy = stackPolicies.find((p) => p.name === name);
  if (policy === undefined) throw new Error(`no stack policy ${name}`);
  return policy;
}

/** Runs one stack policy the way the analyzer server does and returns what it reported, with the URN. */
async function reportStack(policyName: string, resources: RecordedResource[]): Promise<{ message: string; urn?: string }[]> {
  const found: { message: string; urn?: string }[] = [];
  const reportViolation: ReportViolation = (message, urn) => found.push({ message, ...(urn === undefined ? {} : { urn }) });
  await stackPolicyNamed(policyName).validateStack(stackValidationArgs(resources), reportViolation);
  return found;
}

const app = (name: string, appId: string) =>
  recorded(OktaType.appGroupAssignments, name, { appId, groups: [{ id: "00g1", profile: "{}" }] });
const authServer = (name: string, audiences: string[]) =>
  recorded(OktaType.authServer, name, { name: `stacklok-dev-${name}`, audiences, issuerMode: "ORG_URL", status: "ACTIVE" });
const serverPolicy = (name: string, priority: number) =>
  recorded(OktaType.serverPolicy, name, { authServerId: "aus1", priority, ...accessPolicy });

const stackCases: Record<string, { pass: RecordedResource[]; fail: RecordedResource[]; expect: string }> = {
  "okta-one-group-assignments-per-app": {
    pass: [app("cli", "0oa1"), app("web", "0oa2")],
    fail: [app("cli", "0oa1"), app("cli-again", "0oa1")],
    expect: 'appId is "0oa1" on 2 AppGroupAssignments resources (cli, cli-again)',
  },
  "okta-contiguous-priorities": {
    pass: [serverPolicy("cli", 1), serverPolicy("web", 2)],
    fail: [serverPolicy("cli", 1), serverPolicy("web", 3)],
    expect: 'the access policies under authServerId "aus1" (cli, web) have priorities 1, 3',
  },
  "okta-audience-unique-across-servers": {
    pass: [authServer("mcp-github", ["https://mcp.example.com/github"]), authServer("mcp-fetch", ["https://mcp.example.com/fetch"])],
    fail: [authServer("mcp-github", ["https://mcp.example.com/github"]), authServer("mcp-copy", ["https://MCP.example.com/github"])],
    expect: 'audiences holds "https://mcp.example.com/github", which 2 authorization servers in this stack issue (mcp-github, mcp-copy)',
  },
};

describe("the registered stack policies", () => {
  it("each have a wiring case, are mandatory, and share no name with a resource policy", () => {
    expect(stackPolicies.map((p) => p.name).sort()).toEqual(Object.keys(stackCases).sort());
    for (const policy of stackPolicies) expect(policy.enforcementLevel, policy.name).toBe("mandatory");
    const resourceNames = new Set(policies.map((p) => p.name));
    expect(stackPolicies.filter((p) => resourceNames.has(p.name))).toEqual([]);
  });

  for (const [policyName, c] of Object.entries(stackCases)) {
    describe(policyName, () => {
      it("reports nothing for a compliant stack", async () => {
        expect(await reportStack(policyName, c.pass)).toEqual([]);
      });

      it("reports the violation on the resource at fault", async () => {
        const found = await reportStack(policyName, c.fail);
        expect(found.length).toBeGreaterThan(0);
        expect(found.map((f) => f.message).join("\n")).toContain(c.expect);
        expect(found[0]?.urn).toBe(c.fail[0]?.urn);
      });

      it("ignores resources that are not Okta's", async () => {
        const foreign = c.fail.map((r) => ({ ...r, type: r.type.replace(/^okta:/, "other:") }));
        expect(await reportStack(policyName, foreign)).toEqual([]);
      });
    });
  }
});
