/**
 * Reading what each component expects from the stack outputs and the flags.
 */
import { describe, expect, it } from "vitest";
import { COMPONENT_TITLE, DEFAULT_AUDIENCES, PLATFORM_CLAIM_NAMES, REQUIRED_SCOPE } from "../../components/facts";
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
        { name: "stacklok-cli", issuerUrl: issuer, audience: "enterprise-manager" },
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
    });
    expect(byComponent(list, "cloud-ui").trusts).toEqual([{ issuer, audience: "cloud-ui", jwks: { kind: "uri", uri: jwksUri } }]);
    expect(byComponent(list, "registry-server")).toEqual({
      component: "registry-server",
      trusts: [
        { issuer, audience: "enterprise-manager", provider: "stacklok-cli", jwks: { kind: "uri", uri: jwksUri } },
        { issuer, audience: "cloud-ui", provider: "cloud-ui", jwks: { kind: "uri", uri: jwksUri } },
      ],
      authorizationClaims: ["groups", "roles"],
    });
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

  it("tolerates a redacted client secret", () => {
    const redacted = outputs();
    (redacted.cloudUi as Record<string, unknown>).clientSecret = "[secret]";
    expect(byComponent(buildExpectations({ outputs: redacted }), "cloud-ui").unavailable).toBeUndefined();
  });

  it("marks a redacted section unavailable and says to use --show-secrets", () => {
    const list = buildExpectations({ outputs: outputs({ cloudUi: "[secret]" }) });
    expect(byComponent(list, "cloud-ui").unavailable).toMatch(/cloudUi is or holds "\[secret\]".*--show-secrets/);
    expect(byComponent(list, "enterprise-manager").unavailable).toBeUndefined();
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
