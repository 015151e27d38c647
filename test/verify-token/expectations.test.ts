/**
 * Reading what each component expects from the stack outputs and the flags.
 */
import { describe, expect, it } from "vitest";
import { PLATFORM_CLAIM_NAMES, REQUIRED_SCOPE } from "../../components/facts";
import { COMPONENT_TITLE, DEFAULT_AUDIENCES } from "../../components/platform";
import {
  COMPONENTS,
  REGISTRY_AUTHORIZATION_CLAIMS,
  UsageError,
  buildExpectations,
  componentTitle,
  type ComponentExpectation,
  type ComponentId,
} from "../../tools/verify-token";

const issuer = "https://acme.okta.com/oauth2/default";
const jwksUri = `${issuer}/v1/keys`;

function outputs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    mode: "single",
    enterpriseManager: { issuer, audience: "enterprise-manager", requiredScope: REQUIRED_SCOPE, jwksUri, clientId: "0oa1" },
    cloudUi: { issuer, audience: "cloud-ui", jwksUri, clientId: "0oa2", clientSecret: "s3cr3t-cloud-ui" },
    registryServer: {
      providers: [
        { name: "cli-desktop", issuerUrl: issuer, audience: "enterprise-manager" },
        { name: "cloud-ui", issuerUrl: issuer, audience: "cloud-ui" },
      ],
    },
    chartValues: { "toolhive-cloud-ui": { oidc: { clientSecret: "s3cr3t-cloud-ui" } } },
    chartValuesYaml: "clientSecret: s3cr3t-cloud-ui",
    ...overrides,
  };
}

function byComponent(list: ComponentExpectation[], id: ComponentId): ComponentExpectation {
  const found = list.find((e) => e.component === id);
  if (found === undefined) throw new Error(`no ${id}`);
  return found;
}

describe("from the stack outputs", () => {
  it("reads each component's issuer, audience, scope and key set", () => {
    const list = buildExpectations({ outputs: outputs() });

    expect(byComponent(list, "enterprise-manager")).toEqual({
      component: "enterprise-manager",
      trusts: [{ issuer, audience: "enterprise-manager", jwks: { kind: "uri", uri: jwksUri } }],
      requiredScope: REQUIRED_SCOPE,
      authorizationClaims: [],
      otherAudiences: [{ component: "cloud-ui", issuer, audience: "cloud-ui" }],
    });
    expect(byComponent(list, "cloud-ui").trusts).toEqual([{ issuer, audience: "cloud-ui", jwks: { kind: "uri", uri: jwksUri } }]);
    expect(byComponent(list, "registry-server")).toEqual({
      component: "registry-server",
      trusts: [
        { issuer, audience: "enterprise-manager", provider: "cli-desktop", jwks: { kind: "uri", uri: jwksUri } },
        { issuer, audience: "cloud-ui", provider: "cloud-ui", jwks: { kind: "uri", uri: jwksUri } },
      ],
      authorizationClaims: ["groups", "roles"],
      otherAudiences: [
        { component: "enterprise-manager", issuer, audience: "enterprise-manager" },
        { component: "cloud-ui", issuer, audience: "cloud-ui" },
      ],
    });
  });

  it("knows the other components' audiences when checking one component only", () => {
    const [em] = buildExpectations({ outputs: outputs() }, ["enterprise-manager"]);
    expect(em?.otherAudiences).toEqual([{ component: "cloud-ui", issuer, audience: "cloud-ui" }]);
    const [cloudUi] = buildExpectations({ outputs: outputs() }, ["cloud-ui"]);
    expect(cloudUi?.otherAudiences).toEqual([{ component: "enterprise-manager", issuer, audience: "enterprise-manager" }]);
  });

  it("keeps no client secret", () => {
    expect(JSON.stringify(buildExpectations({ outputs: outputs() }))).not.toContain("s3cr3t");
  });

  it("finds a registry provider's keys by discovery when no output names its issuer's key set", () => {
    const other = "https://acme.okta.com/oauth2/aus9";
    const list = buildExpectations({
      outputs: outputs({ registryServer: { providers: [{ name: "other", issuerUrl: other, audience: "x" }] } }),
    });
    expect(byComponent(list, "registry-server").trusts[0]?.jwks).toEqual({ kind: "discovery", issuer: other });
  });

  it("marks a redacted section other than cloudUi unavailable, without asking for --show-secrets", () => {
    const list = buildExpectations({ outputs: outputs({ enterpriseManager: "[secret]" }) });
    const problem = byComponent(list, "enterprise-manager").unavailable;
    expect(problem).toContain('enterpriseManager is or holds "[secret]" in the outputs');
    expect(problem).not.toContain("--show-secrets");
    expect(byComponent(list, "cloud-ui").unavailable).toBeUndefined();
  });

  it("names the key path and the bad value of an invalid output", () => {
    const bad = outputs();
    (bad.enterpriseManager as Record<string, unknown>).issuer = "acme.okta.com/oauth2/default";
    (bad.enterpriseManager as Record<string, unknown>).audience = "";
    const problem = byComponent(buildExpectations({ outputs: bad }), "enterprise-manager").unavailable;

    expect(problem).toContain('enterpriseManager.issuer: expected an http(s) URL (got "acme.okta.com/oauth2/default")');
    expect(problem).toContain('enterpriseManager.audience: expected a non-empty string (got "")');
  });

  it("marks a missing section and an empty provider list unavailable", () => {
    const list = buildExpectations({ outputs: outputs({ enterpriseManager: undefined, registryServer: { providers: [] } }) });
    expect(byComponent(list, "enterprise-manager").unavailable).toBe("the outputs have no enterpriseManager");
    expect(byComponent(list, "registry-server").unavailable).toContain("registryServer.providers: expected at least one provider");
  });

  it("refuses outputs that are not an object", () => {
    expect(() => buildExpectations({ outputs: ["enterpriseManager"] })).toThrow(UsageError);
  });
});

describe("from outputs printed without --show-secrets (cloudUi is \"[secret]\")", () => {
  const printed = (overrides: Record<string, unknown> = {}) =>
    outputs({ cloudUi: "[secret]", chartValues: "[secret]", chartValuesYaml: "[secret]", ...overrides });

  it("takes the Cloud UI's issuer and audience from the registry's cloud-ui provider, and the key set the Enterprise Manager's issuer publishes", () => {
    const cloudUi = byComponent(buildExpectations({ outputs: printed() }), "cloud-ui");

    expect(cloudUi.unavailable).toBeUndefined();
    expect(cloudUi.trusts).toEqual([{ issuer, audience: "cloud-ui", jwks: { kind: "uri", uri: jwksUri } }]);
    expect(cloudUi.expectedFrom).toContain('registryServer.providers "cloud-ui" (the cloudUi output is secret');
  });

  it("finds the keys of a Cloud UI issuer no output names by discovery (per-component mode)", () => {
    const cloudUiIssuer = "https://acme.okta.com/oauth2/aus2cloudui";
    const providers = [
      { name: "cli-desktop", issuerUrl: issuer, audience: "enterprise-manager" },
      { name: "cloud-ui", issuerUrl: cloudUiIssuer, audience: "stacklok-ui" },
    ];
    const cloudUi = byComponent(buildExpectations({ outputs: printed({ registryServer: { providers } }) }), "cloud-ui");
    expect(cloudUi.trusts).toEqual([{ issuer: cloudUiIssuer, audience: "stacklok-ui", jwks: { kind: "discovery", issuer: cloudUiIssuer } }]);
  });

  it("leaves the other components as they are", () => {
    const full = buildExpectations({ outputs: outputs() });
    const list = buildExpectations({ outputs: printed() });
    for (const id of ["enterprise-manager", "registry-server"] as const) expect(byComponent(list, id)).toEqual(byComponent(full, id));
  });

  it("does not check the Cloud UI when no provider carries its pair, and says to pass --issuer and --audience", () => {
    const providers = [{ name: "cli-desktop", issuerUrl: issuer, audience: "enterprise-manager" }];
    const cloudUi = byComponent(buildExpectations({ outputs: printed({ registryServer: { providers } }) }), "cloud-ui");

    expect(cloudUi.trusts).toEqual([]);
    expect(cloudUi.unavailable).toMatch(/cloudUi is or holds "\[secret\]".*no provider named "cloud-ui": pass --issuer and --audience$/);
    expect(cloudUi.unavailable).not.toContain("--show-secrets");
  });

  it("says why the registry's providers could not stand in when they are invalid too", () => {
    const cloudUi = byComponent(buildExpectations({ outputs: printed({ registryServer: { providers: [] } }) }), "cloud-ui");
    expect(cloudUi.unavailable).toContain("(registryServer.providers: expected at least one provider");
  });

  it("takes the cloud-ui provider's audience under --issuer, and says nothing of the provider when both flags replace it", () => {
    const other = "https://acme.okta.com/oauth2/aus7";
    const byIssuer = byComponent(buildExpectations({ outputs: printed(), issuer: other }), "cloud-ui");
    expect(byIssuer.trusts).toMatchObject([{ issuer: other, audience: "cloud-ui" }]);
    expect(byIssuer.expectedFrom).toBeDefined();

    const byBoth = byComponent(buildExpectations({ outputs: printed(), issuer: other, audience: "x" }), "cloud-ui");
    expect(byBoth.trusts).toMatchObject([{ issuer: other, audience: "x" }]);
    expect(byBoth.expectedFrom).toBeUndefined();
  });

  it("reads a Cloud UI section made with --show-secrets directly, as before", () => {
    expect(byComponent(buildExpectations({ outputs: outputs() }), "cloud-ui").expectedFrom).toBeUndefined();
  });
});

describe("from flags", () => {
  it("uses Stacklok's default audiences and scope with --issuer alone, and discovery for keys", () => {
    const list = buildExpectations({ issuer });
    const discovery = { kind: "discovery", issuer };

    expect(byComponent(list, "enterprise-manager").trusts).toEqual([{ issuer, audience: DEFAULT_AUDIENCES.enterpriseManager, jwks: discovery }]);
    expect(byComponent(list, "enterprise-manager").requiredScope).toBe(REQUIRED_SCOPE);
    expect(byComponent(list, "cloud-ui").trusts).toEqual([{ issuer, audience: DEFAULT_AUDIENCES.cloudUi, jwks: discovery }]);
    expect(byComponent(list, "registry-server").trusts.map((t) => t.audience)).toEqual(["enterprise-manager", "cloud-ui"]);
  });

  it("lets --issuer, --audience and --jwks-uri replace the outputs' values, merging providers that become equal", () => {
    const other = "https://acme.okta.com/oauth2/aus7";
    const keys = { kind: "uri" as const, uri: "https://keys.example/jwks" };
    const list = buildExpectations({ outputs: outputs(), issuer: other, audience: "api://stacklok", jwks: keys });

    for (const id of ["enterprise-manager", "cloud-ui", "registry-server"] as const) {
      expect(byComponent(list, id).trusts).toMatchObject([{ issuer: other, audience: "api://stacklok", jwks: keys }]);
    }
  });

  it("does not reuse the outputs' key set for an issuer given by flag", () => {
    const other = "https://acme.okta.com/oauth2/aus7";
    const list = buildExpectations({ outputs: outputs(), issuer: other }, ["enterprise-manager"]);
    expect(list[0]?.trusts[0]?.jwks).toEqual({ kind: "discovery", issuer: other });
  });

  it("stands in for a redacted section when --issuer is given", () => {
    const list = buildExpectations({ outputs: outputs({ cloudUi: "[secret]" }), issuer }, ["cloud-ui"]);
    expect(list[0]?.unavailable).toBeUndefined();
    expect(list[0]?.trusts).toMatchObject([{ issuer, audience: "cloud-ui" }]);
  });

  it("renames the registry's authorization claims", () => {
    const list = buildExpectations({ issuer, authorizationClaims: { groups: "stacklok_groups" } }, ["registry-server"]);
    expect(list[0]?.authorizationClaims).toEqual(["stacklok_groups", "roles"]);
  });

  it("refuses to run with no expected values", () => {
    expect(() => buildExpectations({})).toThrow(/--outputs outputs.json .* or at least --issuer/);
  });
});

describe("facts shared with the program", () => {
  it("titles each component as facts.ts does", () => {
    expect(COMPONENTS.map(componentTitle)).toEqual([
      COMPONENT_TITLE.enterpriseManager,
      COMPONENT_TITLE.cloudUi,
      COMPONENT_TITLE.registryServer,
    ]);
  });

  it("checks the registry's groups and roles claims under the platform's claim names", () => {
    expect(REGISTRY_AUTHORIZATION_CLAIMS).toEqual({ groups: "groups", roles: "roles" });
    for (const name of Object.values(REGISTRY_AUTHORIZATION_CLAIMS)) expect(PLATFORM_CLAIM_NAMES).toContain(name);
  });
});
