import { beforeAll, describe, expect, it } from "vitest";
import { OktaType } from "../components/facts";
import { markerIn } from "../components/naming";
import { baseConfig, findResource, oktaResources, resourcesOfType, runProgram, type RunResult } from "./support/program";

const T = OktaType;

function inventory(result: RunResult): string[] {
  return result.resources
    .filter((r) => r.type !== "pulumi:pulumi:Stack")
    .map((r) => `${r.type}::${r.name}`)
    .sort();
}

/** Resources present in every mode: the access and admin groups, the roles attribute, the two apps and their assignments, the destroy guard. */
const SHARED = [
  "okta:app/oAuth:OAuth::cli-desktop",
  "okta:app/oAuth:OAuth::cloud-ui",
  "okta:group/group:Group::access-group",
  "okta:group/group:Group::admin-group",
  "okta:index/appGroupAssignments:AppGroupAssignments::cli-desktop-groups",
  "okta:index/appGroupAssignments:AppGroupAssignments::cloud-ui-groups",
  "okta:index/userSchemaProperty:UserSchemaProperty::roles-attribute",
  "stacklok:identity:DestroyGuard::destroy-guard",
  "stacklok:identity:OAuthApp::cli-desktop",
  "stacklok:identity:OAuthApp::cloud-ui",
  "stacklok:identity:PlatformIdentity::stacklok",
];

function serverChildren(key: string, withScope: boolean): string[] {
  return [
    `okta:auth/serverClaim:ServerClaim::${key}-claim-email`,
    `okta:auth/serverClaim:ServerClaim::${key}-claim-groups`,
    `okta:auth/serverClaim:ServerClaim::${key}-claim-roles`,
    `okta:auth/serverPolicy:ServerPolicy::${key}-access-policy`,
    `okta:auth/serverPolicyRule:ServerPolicyRule::${key}-access-rule`,
    ...(withScope ? [`okta:auth/serverScope:ServerScope::${key}-scope`] : []),
    `stacklok:identity:AuthorizationServer::${key}`,
  ];
}

/** Registry roles for stacks that create no admin group (the default would have no group to name). */
const ADMINS_BY_ROLE = {
  superAdmin: [{ groups: "registry-admins" }],
  manageSources: [],
  manageRegistries: [],
  manageEntries: [],
};

let single: RunResult;
let singleCustom: RunResult;
let perComponent: RunResult;

beforeAll(async () => {
  single = await runProgram({ config: { ...baseConfig } });
  singleCustom = await runProgram({ config: { ...baseConfig, authorizationServer: "stacklok" } });
  perComponent = await runProgram({ config: { ...baseConfig, mode: "per-component" } });
  for (const run of [single, singleCustom, perComponent]) expect(run.error).toBeUndefined();
});

describe("the exact set of resources", () => {
  it("single mode on default adopts the default server and hangs everything on it", () => {
    expect(inventory(single)).toEqual(
      [...SHARED, ...serverChildren("default", true), "okta:index/authServerDefault:AuthServerDefault::default"].sort(),
    );
  });

  it("single mode with another name creates that one custom server", () => {
    expect(inventory(singleCustom)).toEqual([...SHARED, ...serverChildren("shared", true), "okta:auth/server:Server::shared"].sort());
    expect(findResource(singleCustom, T.authServer, "shared").inputs["name"]).toBe("stacklok");
  });

  it("per-component mode creates one custom server per component; only the Enterprise Manager's has the scope", () => {
    expect(inventory(perComponent)).toEqual(
      [
        ...SHARED,
        ...serverChildren("enterprise-manager", true),
        ...serverChildren("cloud-ui", false),
        "okta:auth/server:Server::enterprise-manager",
        "okta:auth/server:Server::cloud-ui",
      ].sort(),
    );
  });
});

describe("URNs", () => {
  it("follow the component tree, as the README's import instructions give them", () => {
    expect(findResource(single, T.serverClaim, "default-claim-groups").urn).toBe(
      "urn:pulumi:dev::stacklok-identity::stacklok:identity:PlatformIdentity$stacklok:identity:AuthorizationServer$" +
        "okta:auth/serverClaim:ServerClaim::default-claim-groups",
    );
    expect(findResource(single, T.oauthApp, "cli-desktop").urn).toBe(
      "urn:pulumi:dev::stacklok-identity::stacklok:identity:PlatformIdentity$stacklok:identity:OAuthApp$okta:app/oAuth:OAuth::cli-desktop",
    );
  });
});

describe("names are explicit (Pulumi would otherwise autoname them <logical>-<hex>)", () => {
  const named = [T.authServer, T.authServerDefault, T.serverScope, T.serverClaim, T.serverPolicy, T.serverPolicyRule, T.group];
  it.each(["single", "singleCustom", "perComponent"])("every named resource in %s sets name", (which) => {
    const run = { single, singleCustom, perComponent }[which as "single"];
    const resources = oktaResources(run).filter((r) => (named as readonly string[]).includes(r.type));
    expect(resources.length).toBeGreaterThan(5);
    for (const resource of resources) {
      // The mock engine never autonames, so an unset name shows here as undefined.
      expect(typeof resource.inputs["name"], `${resource.type}::${resource.name}`).toBe("string");
    }
  });

  it("gives every app a label carrying the environment", () => {
    expect(findResource(single, T.oauthApp, "cli-desktop").inputs["label"]).toBe("Stacklok CLI and Desktop (dev)");
    expect(findResource(single, T.oauthApp, "cloud-ui").inputs["label"]).toBe("Stacklok Enterprise Cloud UI (dev)");
  });
});

describe("the users' Okta dashboard", () => {
  // The provider hides every app unless told otherwise (hide_web default true).
  it("shows a Cloud UI tile that opens the Cloud UI, and no tile for the CLI/Desktop app", () => {
    expect(findResource(single, T.oauthApp, "cloud-ui").inputs).toMatchObject({
      hideWeb: false,
      loginMode: "SPEC",
      loginUri: "https://stacklok.example.com",
    });
    const cli = findResource(single, T.oauthApp, "cli-desktop").inputs;
    expect(cli).toMatchObject({ hideWeb: true, hideIos: true });
    expect(cli["loginMode"]).toBeUndefined();
    expect(cli["loginUri"]).toBeUndefined();
  });
});

describe("the adopted default server", () => {
  // One audience: Okta refuses a server with two ("'audiences' must be an
  // array with exactly one value"), which two audiences here used to hit.
  it("is named default, rotates keys automatically and carries the one audience", () => {
    const server = findResource(single, T.authServerDefault, "default");
    expect(server.inputs).toMatchObject({
      name: "default",
      credentialsRotationMode: "AUTO",
      audiences: ["enterprise-manager"],
      status: "ACTIVE",
    });
    // The mode the server has (the mock org's default is ORG_URL), set
    // explicitly so the provider's Read does not diff it on every preview.
    expect(server.inputs["issuerMode"]).toBe("ORG_URL");
    expect(server.inputs["description"]).toBe(
      "Stacklok Enterprise: tokens for the Enterprise Manager and Cloud UI (dev); resource default managed by Pulumi stack stacklok-identity/dev",
    );
  });

  it("custom servers use ORG_URL issuers and automatic rotation, one audience each in per-component mode", () => {
    const em = findResource(perComponent, T.authServer, "enterprise-manager");
    const ui = findResource(perComponent, T.authServer, "cloud-ui");
    expect(em.inputs).toMatchObject({ name: "stacklok-dev-enterprise-manager", audiences: ["enterprise-manager"], issuerMode: "ORG_URL", credentialsRotationMode: "AUTO" });
    expect(ui.inputs).toMatchObject({ name: "stacklok-dev-cloud-ui", audiences: ["cloud-ui"], issuerMode: "ORG_URL", credentialsRotationMode: "AUTO" });
    // The component's title follows the product name without repeating "Enterprise".
    expect(em.inputs["description"]).toMatch(/^Stacklok Enterprise: tokens for the Enterprise Manager \(dev\); /);
  });
});

describe("org-wide changes", () => {
  it("keeps api://default working for other apps only by making it the one audience", async () => {
    const run = await runProgram({ config: { ...baseConfig, audiences: { enterpriseManager: "api://default" } } });
    expect(findResource(run, T.authServerDefault, "default").inputs["audiences"]).toEqual(["api://default"]);
    const outputs = run.stackOutputs as { enterpriseManager: { audience: string }; cloudUi: { audience: string } };
    expect([outputs.enterpriseManager.audience, outputs.cloudUi.audience]).toEqual(["api://default", "api://default"]);
  });

  it("creates the profile attribute the roles claim reads, Okta-mastered so admins can set it for every user", async () => {
    expect(findResource(single, T.userSchemaProperty, "roles-attribute").inputs).toMatchObject({ index: "roles", master: "OKTA" });
    const run = await runProgram({ config: { ...baseConfig, claims: { roles: { expression: "user.stacklokRoles" } } } });
    expect(findResource(run, T.userSchemaProperty, "roles-attribute").inputs["index"]).toBe("stacklokRoles");
    const fromGroups = await runProgram({ config: { ...baseConfig, claims: { roles: { groupsRegex: "role-.*" } } } });
    expect(resourcesOfType(fromGroups, T.userSchemaProperty)).toEqual([]);
  });
});

describe("scope and claims", () => {
  it("toolhive:config:read is not a default scope", () => {
    for (const run of [single, singleCustom, perComponent]) {
      const scopes = resourcesOfType(run, T.serverScope);
      expect(scopes.length).toBeGreaterThan(0);
      for (const scope of scopes) {
        expect(scope.inputs).toMatchObject({
          name: "toolhive:config:read",
          description: "Read Stacklok configuration",
          default: false,
          optional: false,
        });
      }
    }
  });

  it("each scope and claim belongs to its own server", () => {
    const serverIds = new Map(resourcesOfType(perComponent, T.authServer).map((s) => [s.name, s.id]));
    expect(findResource(perComponent, T.serverScope, "enterprise-manager-scope").inputs["authServerId"]).toBe(serverIds.get("enterprise-manager"));
    expect(findResource(perComponent, T.serverClaim, "cloud-ui-claim-groups").inputs["authServerId"]).toBe(serverIds.get("cloud-ui"));
    // default's id is Okta's aus… id (the provider stores what GET /authorizationServers/default returns).
    const defaultId = findResource(single, T.authServerDefault, "default").id;
    expect(defaultId).toMatch(/^aus/);
    expect(findResource(single, T.serverScope, "default-scope").inputs["authServerId"]).toBe(defaultId);
  });

  // Okta keeps scope and claim names unique per server: a create-then-delete
  // replacement (say after an import that stored another authServerId) would
  // POST a second `groups` claim beside the old one and be refused.
  it("replaces every scope, claim, policy and rule delete-first", () => {
    for (const run of [single, singleCustom, perComponent]) {
      const children = [T.serverScope, T.serverClaim, T.serverPolicy, T.serverPolicyRule].flatMap((type) => resourcesOfType(run, type));
      expect(children.length).toBeGreaterThanOrEqual(6);
      for (const child of children) expect(child.options.deleteBeforeReplace, child.urn).toBe(true);
    }
  });

  it("groups, roles and email are access-token (RESOURCE) claims with the API's enum values", () => {
    expect(findResource(single, T.serverClaim, "default-claim-groups").inputs).toMatchObject({
      name: "groups",
      claimType: "RESOURCE",
      valueType: "GROUPS",
      groupFilterType: "REGEX",
      value: ".*",
      alwaysIncludeInToken: true,
    });
    expect(findResource(single, T.serverClaim, "default-claim-roles").inputs).toMatchObject({
      name: "roles",
      claimType: "RESOURCE",
      valueType: "EXPRESSION",
      value: "user.roles",
    });
    const email = findResource(single, T.serverClaim, "default-claim-email").inputs;
    expect(email).toMatchObject({ name: "email", claimType: "RESOURCE", valueType: "EXPRESSION", value: "user.email" });
    expect(email["groupFilterType"]).toBeUndefined();
    // Included in any scope: no scope condition.
    expect(email["scopes"]).toBeUndefined();
  });

  it("the roles claim waits for the roles attribute it reads", () => {
    const attribute = findResource(single, T.userSchemaProperty, "roles-attribute");
    expect(findResource(single, T.serverClaim, "default-claim-roles").options.dependsOn).toContain(attribute.urn);
  });
});

describe("access policy and rule", () => {
  it("the policy whitelists the apps that get tokens from the server, by client ID", () => {
    const cli = findResource(single, T.oauthApp, "cli-desktop").outputs["clientId"] as string;
    const ui = findResource(single, T.oauthApp, "cloud-ui").outputs["clientId"] as string;
    expect(findResource(single, T.serverPolicy, "default-access-policy").inputs).toMatchObject({
      name: "stacklok-dev-clients",
      priority: 1,
      status: "ACTIVE",
      clientWhitelists: [cli, ui],
    });

    const emCli = findResource(perComponent, T.oauthApp, "cli-desktop").outputs["clientId"] as string;
    const emUi = findResource(perComponent, T.oauthApp, "cloud-ui").outputs["clientId"] as string;
    expect(findResource(perComponent, T.serverPolicy, "enterprise-manager-access-policy").inputs["clientWhitelists"]).toEqual([emCli]);
    expect(findResource(perComponent, T.serverPolicy, "cloud-ui-access-policy").inputs["clientWhitelists"]).toEqual([emUi]);
  });

  it("the rule allows only the code flow, explicit scopes, the assigned groups and the lifetimes", () => {
    const group = findResource(single, T.group, "access-group");
    const admins = findResource(single, T.group, "admin-group");
    const rule = findResource(single, T.serverPolicyRule, "default-access-rule");
    expect(rule.inputs).toMatchObject({
      name: "stacklok-dev-assigned-users",
      priority: 1,
      grantTypeWhitelists: ["authorization_code"],
      scopeWhitelists: ["openid", "profile", "email", "offline_access", "toolhive:config:read"],
      groupWhitelists: [group.id, admins.id],
      accessTokenLifetimeMinutes: 60,
      refreshTokenLifetimeMinutes: 129_600,
      refreshTokenWindowMinutes: 10_080,
    });
    expect(rule.inputs["policyId"]).toBe(findResource(single, T.serverPolicy, "default-access-policy").id);
    expect(findResource(perComponent, T.serverPolicyRule, "cloud-ui-access-rule").inputs["scopeWhitelists"]).toEqual([
      "openid",
      "profile",
      "email",
      "offline_access",
    ]);
  });

  it("the rule depends on its policy and on the scope it names", () => {
    const rule = findResource(single, T.serverPolicyRule, "default-access-rule");
    expect(rule.options.dependsOn).toEqual(
      expect.arrayContaining([
        findResource(single, T.serverPolicy, "default-access-policy").urn,
        findResource(single, T.serverScope, "default-scope").urn,
      ]),
    );
  });

  it("ALL_CLIENTS only when config asks for it, and never mixed with client IDs", async () => {
    const run = await runProgram({ config: { ...baseConfig, accessPolicyClients: "all-clients" } });
    expect(findResource(run, T.serverPolicy, "default-access-policy").inputs["clientWhitelists"]).toEqual(["ALL_CLIENTS"]);
  });

  it("allowEveryone assigns Okta's Everyone group and admits EVERYONE in the rule", async () => {
    const run = await runProgram({
      config: { ...baseConfig, createAccessGroup: false, createAdminGroup: false, allowEveryone: true, registryRoles: ADMINS_BY_ROLE },
      everyoneGroupId: "00geveryone000000000",
    });
    expect(run.error).toBeUndefined();
    expect(findResource(run, T.serverPolicyRule, "default-access-rule").inputs["groupWhitelists"]).toEqual(["EVERYONE"]);
    expect(findResource(run, T.appGroupAssignments, "cli-desktop-groups").inputs["groups"]).toEqual([
      { id: "00geveryone000000000", profile: "{}" },
    ]);
    expect(resourcesOfType(run, T.group)).toEqual([]);
  });
});

describe("OAuth apps", () => {
  it("the CLI/Desktop app is a public native client with PKCE and loopback redirects", () => {
    const app = findResource(single, T.oauthApp, "cli-desktop");
    expect(app.inputs).toMatchObject({
      type: "native",
      tokenEndpointAuthMethod: "none",
      pkceRequired: true,
      grantTypes: ["authorization_code", "refresh_token"],
      responseTypes: ["code"],
      redirectUris: ["http://localhost:8666/callback"],
    });
  });

  it("the Cloud UI app is a confidential web client whose URIs derive from cloudUiUrl", () => {
    const app = findResource(single, T.oauthApp, "cloud-ui");
    expect(app.inputs).toMatchObject({
      type: "web",
      tokenEndpointAuthMethod: "client_secret_basic",
      pkceRequired: true,
      grantTypes: ["authorization_code", "refresh_token"],
      responseTypes: ["code"],
      redirectUris: ["https://stacklok.example.com/api/auth/oauth2/callback/oidc"],
      postLogoutRedirectUris: ["https://stacklok.example.com/signin"],
    });
  });

  it("neither app allows implicit or password grants", () => {
    for (const app of [single, perComponent].flatMap((run) => resourcesOfType(run, T.oauthApp))) {
      expect(app.inputs["grantTypes"]).not.toContain("implicit");
      expect(app.inputs["grantTypes"]).not.toContain("password");
    }
  });

  it("the public client rotates its refresh tokens; the confidential one keeps them", () => {
    expect(findResource(single, T.oauthApp, "cli-desktop").inputs).toMatchObject({ refreshTokenRotation: "ROTATE", refreshTokenLeeway: 30 });
    const web = findResource(single, T.oauthApp, "cloud-ui").inputs;
    expect(web["refreshTokenRotation"]).toBe("STATIC");
    expect(web["refreshTokenLeeway"]).toBeUndefined();
  });

  it("leaves the apps' sign-on policy alone unless config names one", async () => {
    for (const app of resourcesOfType(single, T.oauthApp)) {
      expect(app.inputs["skipAuthenticationPolicy"]).toBe(true);
      expect(app.inputs["authenticationPolicy"]).toBeUndefined();
    }
    const run = await runProgram({ config: { ...baseConfig, authenticationPolicyId: "rstabcdefghij0123456" } });
    for (const app of resourcesOfType(run, T.oauthApp)) {
      expect(app.inputs["authenticationPolicy"]).toBe("rstabcdefghij0123456");
      expect(app.inputs["skipAuthenticationPolicy"]).toBeUndefined();
    }
  });

  it("client_secret_post is configurable for the web app", async () => {
    const run = await runProgram({ config: { ...baseConfig, cloudUiTokenEndpointAuthMethod: "client_secret_post" } });
    expect(findResource(run, T.oauthApp, "cloud-ui").inputs["tokenEndpointAuthMethod"]).toBe("client_secret_post");
  });
});

describe("group assignments", () => {
  it("each app has exactly one authoritative assignment naming the access and admin groups", async () => {
    const run = await runProgram({
      config: { ...baseConfig, accessGroupIds: ["00g1a2b3c4d5e6f7g8h9"], adminGroupIds: ["00gadmins00000000000"] },
    });
    const group = findResource(run, T.group, "access-group");
    const admins = findResource(run, T.group, "admin-group");
    expect(group.inputs["name"]).toBe("stacklok-dev-users");
    expect(admins.inputs["name"]).toBe("stacklok-dev-admins");
    for (const app of resourcesOfType(run, T.oauthApp)) {
      const assignments = resourcesOfType(run, T.appGroupAssignments).filter((a) => a.inputs["appId"] === app.id);
      expect(assignments).toHaveLength(1);
      expect(assignments[0]?.inputs["groups"]).toEqual([
        { id: group.id, profile: "{}" },
        { id: "00g1a2b3c4d5e6f7g8h9", profile: "{}" },
        { id: admins.id, profile: "{}" },
        { id: "00gadmins00000000000", profile: "{}" },
      ]);
    }
    expect(findResource(run, T.serverPolicyRule, "default-access-rule").inputs["groupWhitelists"]).toEqual([
      group.id,
      "00g1a2b3c4d5e6f7g8h9",
      admins.id,
      "00gadmins00000000000",
    ]);
  });
});

describe("protection", () => {
  it("protect: true guards the apps, the created group and custom servers", async () => {
    const run = await runProgram({ config: { ...baseConfig, mode: "per-component", protect: true } });
    for (const resource of [...resourcesOfType(run, T.oauthApp), ...resourcesOfType(run, T.group), ...resourcesOfType(run, T.authServer)]) {
      expect(resource.options.protect, resource.name).toBe(true);
    }
    expect(findResource(perComponent, T.oauthApp, "cli-desktop").options.protect).toBe(false);
  });
});

describe("the stack's marker on every object Okta keeps one for", () => {
  const markerOf = (run: RunResult, type: string, name: string, field: string) => markerIn(findResource(run, type, name).inputs[field] as string);

  it("names the stack and the Pulumi name on servers, policies, apps and groups, in every mode", () => {
    for (const [run, servers] of [
      [single, [[T.authServerDefault, "default"]]],
      [singleCustom, [[T.authServer, "shared"]]],
      [perComponent, [[T.authServer, "enterprise-manager"], [T.authServer, "cloud-ui"]]],
    ] as const) {
      for (const [type, key] of servers) {
        expect(markerOf(run, type, key, "description")).toEqual({ stackId: "stacklok-identity/dev", name: key });
        expect(markerOf(run, T.serverPolicy, `${key}-access-policy`, "description")).toEqual({ stackId: "stacklok-identity/dev", name: `${key}-access-policy` });
      }
      for (const app of ["cli-desktop", "cloud-ui"]) expect(markerOf(run, T.oauthApp, app, "adminNote")).toEqual({ stackId: "stacklok-identity/dev", name: app });
      for (const group of ["access-group", "admin-group"]) expect(markerOf(run, T.group, group, "description")).toEqual({ stackId: "stacklok-identity/dev", name: group });
    }
  });

  it("keeps what users see free of it: the scope's description and display name, the app labels", () => {
    const scope = findResource(single, T.serverScope, "default-scope");
    expect(JSON.stringify([scope.inputs["description"], scope.inputs["displayName"]])).not.toMatch(/Pulumi|stack/);
    for (const app of resourcesOfType(single, T.oauthApp)) expect(String(app.inputs["label"])).not.toMatch(/Pulumi|stack/);
    expect(findResource(single, T.userSchemaProperty, "roles-attribute").inputs["description"]).not.toMatch(/Pulumi stack/);
  });

  it("fits each field's limit: the policy description keeps the marker when the server name is long", async () => {
    const run = await runProgram({ config: { ...baseConfig, mode: "per-component", environment: "e".repeat(32), mcpServers: [{ name: "m".repeat(32), resourceUrl: "https://mcp.example.com/x" }] } });
    expect(run.error).toBeUndefined();
    for (const policy of resourcesOfType(run, T.serverPolicy)) {
      const description = String(policy.inputs["description"]);
      expect(description.length).toBeLessThanOrEqual(255);
      expect(markerIn(description)).toEqual({ stackId: "stacklok-identity/dev", name: policy.name });
    }
  });
});
