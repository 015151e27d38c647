import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { ChartValues, StackOutputs } from "../components/contract";
import { OktaType } from "../components/facts";
import { baseConfig, findResource, resolve, runProgram, type RunResult } from "./support/program";

const urls = {
  cloudUiUrl: "https://stacklok.example.com",
  enterpriseManagerUrl: "https://manager.example.com",
  registryUrl: "https://registry.example.com",
};

/** Every registry role to the created admin group, matched on the groups claim. */
const DEFAULT_REGISTRY_ROLES = {
  superAdmin: [{ groups: "stacklok-dev-admins" }],
  manageSources: [{ groups: "stacklok-dev-admins" }],
  manageRegistries: [{ groups: "stacklok-dev-admins" }],
  manageEntries: [{ groups: "stacklok-dev-admins" }],
};

let single: RunResult;
let perComponent: RunResult;

beforeAll(async () => {
  const extraConfig = { "okta:orgName": "acme", "okta:baseUrl": "oktapreview.com" };
  single = await runProgram({ config: { ...baseConfig, ...urls }, extraConfig });
  perComponent = await runProgram({ config: { ...baseConfig, ...urls, mode: "per-component" }, extraConfig });
});

function stackOutputs(run: RunResult): StackOutputs {
  expect(run.error).toBeUndefined();
  if (!run.stackOutputs) throw new Error("the stack registered no outputs");
  return run.stackOutputs as unknown as StackOutputs;
}

/** The issuer and client ID the mock org gave the server and the app that really issue each token. */
function issued(run: RunResult, serverType: string, serverName: string, appName: string) {
  return {
    issuer: findResource(run, serverType, serverName).outputs["issuer"] as string,
    clientId: findResource(run, OktaType.oauthApp, appName).outputs["clientId"] as string,
    clientSecret: findResource(run, OktaType.oauthApp, appName).outputs["clientSecret"] as string,
  };
}

// Single mode: one server, one audience (Okta allows no second), so the Cloud
// UI's tokens carry the Enterprise Manager's audience and every output says so.
describe.each([
  ["single", () => single, [OktaType.authServerDefault, "default"], [OktaType.authServerDefault, "default"], "enterprise-manager"],
  ["per-component", () => perComponent, [OktaType.authServer, "enterprise-manager"], [OktaType.authServer, "cloud-ui"], "cloud-ui"],
] as const)("%s mode outputs", (mode, run, [emType, emServer], [uiType, uiServer], uiAudience) => {
  it("exports exactly the contract's outputs", () => {
    expect(Object.keys(stackOutputs(run())).sort()).toEqual(
      [
        "chartValues",
        "chartValuesYaml",
        "cloudUi",
        "enterpriseManager",
        "mcpManifestsYaml",
        "mcpServers",
        "mode",
        "platformRoleBindingsYaml",
        "registryServer",
      ].sort(),
    );
    expect(stackOutputs(run()).mode).toBe(mode);
  });

  it("enterpriseManager carries the issuer, audience, scope and JWKS of the server that issues its tokens, and the CLI's client ID", () => {
    const em = issued(run(), emType, emServer, "cli-desktop");
    expect(em.issuer).toMatch(/^https:\/\/acme\.oktapreview\.com\/oauth2\//);
    expect(stackOutputs(run()).enterpriseManager).toEqual({
      issuer: em.issuer,
      audience: "enterprise-manager",
      requiredScope: "toolhive:config:read",
      jwksUri: `${em.issuer}/v1/keys`,
      clientId: em.clientId,
    });
  });

  it("cloudUi carries its server's issuer and the web app's client ID and secret", () => {
    const ui = issued(run(), uiType, uiServer, "cloud-ui");
    expect(ui.clientSecret).not.toBe("");
    expect(stackOutputs(run()).cloudUi).toEqual({
      issuer: ui.issuer,
      audience: uiAudience,
      jwksUri: `${ui.issuer}/v1/keys`,
      clientId: ui.clientId,
      clientSecret: ui.clientSecret,
    });
  });

  it("the registry trusts both clients' issuer/audience pairs", () => {
    const em = issued(run(), emType, emServer, "cli-desktop");
    const ui = issued(run(), uiType, uiServer, "cloud-ui");
    expect(stackOutputs(run()).registryServer).toEqual({
      providers: [
        { name: "cli-desktop", issuerUrl: em.issuer, audience: "enterprise-manager" },
        { name: "cloud-ui", issuerUrl: ui.issuer, audience: uiAudience },
      ],
      authz: { roles: DEFAULT_REGISTRY_ROLES },
    });
  });

  it("chartValues has the umbrella chart's shape, with clientID beside idpConfig", () => {
    const em = issued(run(), emType, emServer, "cli-desktop");
    const ui = issued(run(), uiType, uiServer, "cloud-ui");
    const expected: ChartValues = {
      "enterprise-manager": {
        idpConfig: { issuer: em.issuer, audience: "enterprise-manager", requiredScope: "toolhive:config:read", idpType: "okta" },
        clientID: em.clientId,
        resourceURL: urls.enterpriseManagerUrl,
      },
      "toolhive-cloud-ui": {
        oidc: { issuerUrl: ui.issuer, clientId: ui.clientId, clientSecret: ui.clientSecret },
        betterAuth: { url: urls.cloudUiUrl },
      },
      "toolhive-registry-server": {
        upstream: {
          config: {
            auth: {
              mode: "oauth",
              oauth: {
                resourceUrl: urls.registryUrl,
                providers: [
                  { name: "cli-desktop", issuerUrl: em.issuer, audience: "enterprise-manager" },
                  { name: "cloud-ui", issuerUrl: ui.issuer, audience: uiAudience },
                ],
              },
              authz: { roles: DEFAULT_REGISTRY_ROLES },
            },
          },
        },
      },
    };
    expect(stackOutputs(run()).chartValues).toEqual(expected);
  });

  it("chartValuesYaml is the same values as YAML, ready for helm -f", () => {
    const outputs = stackOutputs(run());
    expect(outputs.chartValuesYaml).toMatch(/^# Stacklok Enterprise identity values from Pulumi stack stacklok-identity\/dev\./);
    expect(parse(outputs.chartValuesYaml)).toEqual(outputs.chartValues);
  });

  it("the client secret is a secret in every output that holds it, and only there", () => {
    const outputs = stackOutputs(run());
    const secret = outputs.cloudUi.clientSecret;
    const holders = Object.entries(outputs)
      .filter(([, value]) => JSON.stringify(value).includes(secret))
      .map(([key]) => key)
      .sort();
    expect(holders).toEqual(["chartValues", "chartValuesYaml", "cloudUi"]);
    expect([...run().secretOutputPaths].sort()).toEqual(holders);
  });
});

describe("optional URLs", () => {
  it("leaves resourceURL and resourceUrl out when they are not configured", async () => {
    const run = await runProgram({ config: { ...baseConfig } });
    const values = stackOutputs(run).chartValues;
    expect(values["enterprise-manager"]).not.toHaveProperty("resourceURL");
    expect(values["toolhive-registry-server"].upstream.config.auth.oauth).not.toHaveProperty("resourceUrl");
  });
});

describe("the program's Outputs", () => {
  it("are secrets exactly where the client secret is", async () => {
    const outputs = single.outputs;
    if (!outputs) throw new Error("no outputs");
    expect(await pulumi.isSecret(outputs.cloudUi)).toBe(true);
    expect(await pulumi.isSecret(outputs.chartValues)).toBe(true);
    expect(await pulumi.isSecret(outputs.chartValuesYaml)).toBe(true);
    expect(await pulumi.isSecret(outputs.enterpriseManager)).toBe(false);
    expect(await pulumi.isSecret(outputs.registryServer)).toBe(false);
    expect((await resolve(outputs.cloudUi)).clientSecret).toMatch(/^placeholder-secret-/);
  });
});
