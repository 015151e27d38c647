import { describe, expect, it } from "vitest";
import { environmentFromStack, parseStackConfig, type ParseResult, type StacklokIdentityConfig } from "../components/config";
import { baseConfig, oktaResources, runProgram } from "./support/program";

function parse(raw: Record<string, unknown>, stack = "dev"): ParseResult {
  return parseStackConfig(raw, { stack });
}

function valid(raw: Record<string, unknown>, stack = "dev"): StacklokIdentityConfig {
  const result = parse(raw, stack);
  if (!result.ok) throw new Error(`expected valid config, got:\n${result.problems.join("\n")}`);
  return result.config;
}

function problems(raw: Record<string, unknown>, stack = "dev"): string[] {
  const result = parse(raw, stack);
  if (result.ok) throw new Error("expected the config to be rejected");
  return result.problems;
}

/** Exactly one problem, about `key`, quoting `value` and saying what is accepted. */
function expectOneProblem(raw: Record<string, unknown>, key: string, ...mentions: string[]): void {
  const found = problems(raw);
  expect(found, found.join("\n")).toHaveLength(1);
  expect(found[0]).toMatch(new RegExp(`^stacklok-identity:${key.replace(/[.[\]]/g, "\\$&")}: `));
  for (const mention of mentions) expect(found[0]).toContain(mention);
}

describe("defaults", () => {
  it("needs only mode and cloudUiUrl, and fills Stacklok's defaults", () => {
    const config = valid({ ...baseConfig });
    expect(config.authorizationServer).toBe("default");
    // Single mode: one server, one audience, which every component uses.
    expect(config.audiences).toEqual({ enterpriseManager: "enterprise-manager", cloudUi: "enterprise-manager" });
    expect(config.cliRedirectUris).toEqual(["http://localhost:8666/callback"]);
    expect(config.environment).toBe("dev");
    expect(config.access).toEqual({ createGroup: true, groupIds: [], everyone: false, policyClients: "explicit" });
    expect(config.tokens).toEqual({
      accessTokenLifetimeMinutes: 60,
      refreshTokenLifetimeMinutes: 129_600,
      refreshTokenWindowMinutes: 10_080,
    });
    expect(config.cloudUiTokenEndpointAuthMethod).toBe("client_secret_basic");
    expect(config.protect).toBe(false);
    expect(config.rolesAttribute).toBe("roles");
    expect(config.authenticationPolicyId).toBeUndefined();
  });

  it("defaults to claims that yield values in a real token: a GROUPS regex, user.roles and user.email", () => {
    expect(valid({ ...baseConfig }).claims).toEqual([
      { key: "groups", name: "groups", valueType: "GROUPS", value: ".*", groupFilterType: "REGEX" },
      { key: "roles", name: "roles", valueType: "EXPRESSION", value: "user.roles" },
      { key: "email", name: "email", valueType: "EXPRESSION", value: "user.email" },
    ]);
  });

  it("decodes values as Pulumi passes them: strings, and JSON for objects and lists", () => {
    const config = valid({
      ...baseConfig,
      mode: "per-component",
      audiences: '{"enterpriseManager":"em","cloudUi":"ui"}',
      cliRedirectUris: '["http://127.0.0.1:9000/cb"]',
      accessTokenLifetimeMinutes: "30",
      protect: "true",
    });
    expect(config.audiences).toEqual({ enterpriseManager: "em", cloudUi: "ui" });
    expect(config.cliRedirectUris).toEqual(["http://127.0.0.1:9000/cb"]);
    expect(config.tokens.accessTokenLifetimeMinutes).toBe(30);
    expect(config.protect).toBe(true);
  });

  it("normalises the Cloud UI URL so derived redirect URIs have no double slash", () => {
    expect(valid({ ...baseConfig, cloudUiUrl: "https://stacklok.example.com/ui/" }).cloudUiUrl).toBe(
      "https://stacklok.example.com/ui",
    );
  });

  it("derives the environment from the stack name, made safe for Okta names", () => {
    expect(environmentFromStack("Prod_EU")).toBe("prod-eu");
    expect(environmentFromStack("--dev--")).toBe("dev");
    expect(valid({ ...baseConfig }, "Staging.2").environment).toBe("staging-2");
    expect(valid({ ...baseConfig, environment: "qa" }, "whatever").environment).toBe("qa");
  });

  it("maps friendly claim settings to Okta's API values in one place", () => {
    const config = valid({
      ...baseConfig,
      claims: { groups: { expression: "user.getGroups({'group.type': {'OKTA_GROUP'}}).![name]" }, roles: { enabled: false }, email: { name: "mail" } },
    });
    expect(config.claims).toEqual([
      { key: "groups", name: "groups", valueType: "EXPRESSION", value: "user.getGroups({'group.type': {'OKTA_GROUP'}}).![name]" },
      { key: "email", name: "mail", valueType: "EXPRESSION", value: "user.email" },
    ]);
    // Nothing reads the roles attribute without the roles claim.
    expect(config.rolesAttribute).toBeUndefined();
  });
});

describe("the roles attribute", () => {
  it("is the profile attribute the roles claim reads", () => {
    expect(valid({ ...baseConfig, claims: { roles: { expression: "user.stacklokRoles" } } }).rolesAttribute).toBe("stacklokRoles");
  });

  it("is not created when the roles claim reads no single attribute, or config opts out", () => {
    expect(valid({ ...baseConfig, claims: { roles: { groupsRegex: "role-.*" } } }).rolesAttribute).toBeUndefined();
    expect(valid({ ...baseConfig, claims: { roles: { expression: "user.isMemberOfGroupName('admins') ? {'admin'} : {}" } } }).rolesAttribute).toBeUndefined();
    expect(valid({ ...baseConfig, manageRolesAttribute: false }).rolesAttribute).toBeUndefined();
  });
});

describe("single-mode only keys", () => {
  it("rejects a custom authorizationServer in per-component mode, where it would be ignored", () => {
    expectOneProblem({ ...baseConfig, mode: "per-component", authorizationServer: "stacklok" }, "authorizationServer", "only applies to single mode");
  });

});

// Okta gives an authorization server exactly one audience ("Okta currently
// supports only one audience"; a second is refused with "'audiences' must be
// an array with exactly one value."), which used to fail `pulumi up` half-way.
describe("one audience per server", () => {
  it("gives every component the Enterprise Manager's audience in single mode", () => {
    expect(valid({ ...baseConfig, audiences: { enterpriseManager: "api://stacklok" } }).audiences).toEqual({
      enterpriseManager: "api://stacklok",
      cloudUi: "api://stacklok",
    });
    // Restating the same audience is not a second one.
    expect(valid({ ...baseConfig, audiences: { enterpriseManager: "x", cloudUi: "x" } }).audiences.cloudUi).toBe("x");
    expect(valid({ ...baseConfig, audiences: { cloudUi: "enterprise-manager" } }).audiences.cloudUi).toBe("enterprise-manager");
  });

  it("keeps Stacklok's two default audiences in per-component mode", () => {
    expect(valid({ ...baseConfig, mode: "per-component" }).audiences).toEqual({ enterpriseManager: "enterprise-manager", cloudUi: "cloud-ui" });
  });

  it.each([
    ["its default", { cloudUi: "cloud-ui" }],
    ["a set one", { enterpriseManager: "em", cloudUi: "ui" }],
    ["one differing only in case", { enterpriseManager: "api://stacklok", cloudUi: "API://STACKLOK" }],
  ])("refuses a Cloud UI audience that differs from %s in single mode, citing Okta's rule and the ways out", (_, audiences) => {
    expectOneProblem(
      { ...baseConfig, audiences },
      "audiences.cloudUi",
      `got ${JSON.stringify(audiences.cloudUi)}`,
      "Okta currently supports only one audience",
      "must be an array with exactly one value",
      "Remove audiences.cloudUi",
      "mode: per-component",
    );
  });

  it.each([
    ["single", baseConfig],
    ["per-component", { ...baseConfig, mode: "per-component" }],
  ])("refuses any extraAudiences in %s mode, saying how to keep api://default and what that implies", (_, config) => {
    expectOneProblem(
      { ...config, extraAudiences: ["api://default"] },
      "extraAudiences",
      '["api://default"]',
      "Okta currently supports only one audience",
      "audiences.enterpriseManager: api://default",
      "including tokens other apps obtain",
    );
  });

  it("accepts extraAudiences left empty, as a stack written for an earlier version may have it", () => {
    expect(valid({ ...baseConfig, extraAudiences: [] }).mode).toBe("single");
  });
});

describe("authentication policy", () => {
  it("takes an Okta authentication policy id", () => {
    expect(valid({ ...baseConfig, authenticationPolicyId: "rstabcdefghij0123456" }).authenticationPolicyId).toBe("rstabcdefghij0123456");
    expectOneProblem({ ...baseConfig, authenticationPolicyId: "Require MFA" }, "authenticationPolicyId", '"Require MFA"', "rst");
  });
});

describe("required keys", () => {
  it("reports a missing mode, naming the key and the accepted values", () => {
    expectOneProblem({ cloudUiUrl: baseConfig.cloudUiUrl }, "mode", "missing", '"single" or "per-component"');
  });

  it("reports a missing cloudUiUrl", () => {
    expectOneProblem({ mode: "single" }, "cloudUiUrl", "missing", "https URL");
  });

  it("reports every missing key at once, one message each", () => {
    expect(problems({})).toHaveLength(2);
  });
});

describe("enums", () => {
  it.each([
    ["mode", "singel", '"single" or "per-component"'],
    ["accessPolicyClients", "ALL_CLIENTS", '"explicit" or "all-clients"'],
    ["cloudUiTokenEndpointAuthMethod", "none", "client_secret_basic"],
    ["issuerMode", "DYNAMIC", "ORG_URL"],
  ])("rejects %s = %s", (key, value, accepted) => {
    expectOneProblem({ ...baseConfig, [key]: value }, key, JSON.stringify(value), accepted);
  });

  it("rejects booleans that are not true or false", () => {
    expectOneProblem({ ...baseConfig, protect: "yes" }, "protect", '"yes"', "true or false");
  });
});

describe("URLs", () => {
  it.each([
    ["cloudUiUrl", "http://stacklok.example.com", "not https"],
    ["cloudUiUrl", "stacklok.example.com", "not a URL"],
    ["cloudUiUrl", "https://stacklok.example.com/?next=/", "query or fragment"],
    ["cloudUiUrl", "https://user:pw@stacklok.example.com", "credentials"],
    ["enterpriseManagerUrl", "http://manager.example.com", "not https"],
    ["registryUrl", "ftp://registry.example.com", "not https"],
  ])("rejects %s = %s", (key, value, why) => {
    expectOneProblem({ ...baseConfig, [key]: value }, key, JSON.stringify(value), why, "https URL");
  });

  it.each([
    ["http://example.com:8666/callback", "not a loopback address"],
    ["http://localhost.evil.com:8666/callback", "not a loopback address"],
    ["http://10.0.0.1:8666/callback", "not a loopback address"],
    ["com.stacklok.desktop:/callback", "uses com.stacklok.desktop"],
    ["http://localhost:8666/callback#frag", "fragment"],
    ["http://localhost:*/callback", "not a URL"],
  ])("rejects the CLI redirect URI %s", (uri, why) => {
    expectOneProblem({ ...baseConfig, cliRedirectUris: [uri] }, "cliRedirectUris[0]", JSON.stringify(uri), why, "loopback");
  });

  it("accepts localhost, 127.0.0.1 and [::1] with explicit ports", () => {
    const uris = ["http://localhost:8666/callback", "http://127.0.0.1:8666/callback", "http://[::1]:8666/callback"];
    expect(valid({ ...baseConfig, cliRedirectUris: uris }).cliRedirectUris).toEqual(uris);
  });

  it("rejects an empty or repeated list of CLI redirect URIs", () => {
    expectOneProblem({ ...baseConfig, cliRedirectUris: [] }, "cliRedirectUris", "at least one");
    expectOneProblem(
      { ...baseConfig, cliRedirectUris: ["http://localhost:1/cb", "http://localhost:1/cb"] },
      "cliRedirectUris",
      "twice",
    );
  });
});

describe("URLs are checked as written, not as the URL parser repairs them", () => {
  // The program sends the string itself to Okta, which compares redirect URIs
  // exactly; the WHATWG parser drops CR/LF and tabs, trims spaces and reads
  // `http://2130706433` as 127.0.0.1, so the string must already be that URL.
  it("names the character a URL cannot carry, with its code point (a homoglyph looks right on screen)", () => {
    expectOneProblem({ ...baseConfig, cloudUiUrl: "https://stacklok.ex\u0430mple.com" }, "cloudUiUrl", "U+0430");
    expectOneProblem({ ...baseConfig, cliRedirectUris: ["http://localhost:8666/cb\r\n"] }, "cliRedirectUris[0]", "U+000D");
  });

  it("names the host as written and as read", () => {
    expectOneProblem({ ...baseConfig, cliRedirectUris: ["http://0x7f.1:8666/cb"] }, "cliRedirectUris[0]", '"0x7f.1"', '"127.0.0.1"');
  });

  it("still accepts what Okta and the CLI compare as written", () => {
    const config = valid({
      ...baseConfig,
      cloudUiUrl: "https://xn--stacklk-r2a.example.com:443/ui/",
      registryUrl: "https://Registry.Example.com/v1;x=1/(a)",
      cliRedirectUris: ["http://localhost:8666", "https://[::1]/cb", "http://LOCALHOST:1234/a%20b"],
      audiences: { enterpriseManager: "api://stacklok/em?v=1", cloudUi: "api://stacklok/em?v=1" },
      authorizationServer: "Stacklok Shared (dev)",
    });
    expect(config.cloudUiUrl).toBe("https://xn--stacklk-r2a.example.com:443/ui");
    expect(config.cliRedirectUris).toHaveLength(3);
    expect(config.authorizationServer).toBe("Stacklok Shared (dev)");
  });
});

describe("audiences", () => {
  // Single mode shares one audience on purpose; only per-component mode
  // promises that a token for one component is rejected by the other.
  it("rejects audiences that collide in per-component mode", () => {
    expectOneProblem(
      { ...baseConfig, mode: "per-component", audiences: { enterpriseManager: "stacklok", cloudUi: "stacklok" } },
      "audiences",
      "collide",
    );
  });

  it("treats audiences differing only in case as colliding", () => {
    expectOneProblem({ ...baseConfig, mode: "per-component", audiences: { cloudUi: "Enterprise-Manager" } }, "audiences", "collide");
  });

  it("rejects whitespace in an audience (the token must match it exactly)", () => {
    expectOneProblem({ ...baseConfig, audiences: { cloudUi: " cloud-ui" } }, "audiences.cloudUi", '" cloud-ui"', "without whitespace");
  });

  it("rejects unknown audience keys, listing the accepted ones", () => {
    expectOneProblem({ ...baseConfig, audiences: { registry: "r" } }, "audiences.registry", "unknown key", "enterpriseManager, cloudUi");
  });
});

describe("access", () => {
  it("rejects a config that assigns no group to the apps (every sign-in would fail)", () => {
    expectOneProblem({ ...baseConfig, createAccessGroup: false }, "createAccessGroup", "user_not_assigned");
  });

  it("accepts existing group ids instead of a created group", () => {
    const config = valid({ ...baseConfig, createAccessGroup: false, accessGroupIds: ["00g1a2b3c4d5e6f7g8h9"] });
    expect(config.access.groupIds).toEqual(["00g1a2b3c4d5e6f7g8h9"]);
  });

  it("rejects group names where ids are expected", () => {
    expectOneProblem({ ...baseConfig, accessGroupIds: ["Engineering"] }, "accessGroupIds[0]", '"Engineering"', "00g");
  });
});

describe("claims", () => {
  it("rejects user.groups, which reads a profile attribute Okta does not have", () => {
    expectOneProblem({ ...baseConfig, claims: { groups: { expression: "user.groups" } } }, "claims.groups.expression", "groupsRegex");
  });

  it("rejects a claim with both a regex and an expression", () => {
    expectOneProblem({ ...baseConfig, claims: { roles: { groupsRegex: ".*", expression: "user.roles" } } }, "claims.roles", "both");
  });

  it("rejects claim names Okta reserves and names used twice", () => {
    expectOneProblem({ ...baseConfig, claims: { email: { name: "sub" } } }, "claims.email.name", '"sub"', "reserves");
    expectOneProblem({ ...baseConfig, claims: { email: { name: "groups" } } }, "claims.email.name", "groups claim");
  });

  it("rejects an invalid regular expression", () => {
    expectOneProblem({ ...baseConfig, claims: { groups: { groupsRegex: "(" } } }, "claims.groups.groupsRegex", "regular expression");
  });
});

describe("token lifetimes", () => {
  it("rejects access-token lifetimes outside Okta's 5 to 1440 minutes", () => {
    expectOneProblem({ ...baseConfig, accessTokenLifetimeMinutes: 4 }, "accessTokenLifetimeMinutes", "got 4", "5 to 1440");
    expectOneProblem({ ...baseConfig, accessTokenLifetimeMinutes: 1441 }, "accessTokenLifetimeMinutes", "5 to 1440");
    expectOneProblem({ ...baseConfig, accessTokenLifetimeMinutes: "1h" }, "accessTokenLifetimeMinutes", '"1h"', "whole number");
  });

  it("rejects a refresh lifetime shorter than the access lifetime", () => {
    expectOneProblem({ ...baseConfig, refreshTokenLifetimeMinutes: 30 }, "refreshTokenLifetimeMinutes", "shorter");
  });

  it("rejects a short refresh lifetime left with the default 7-day window (Okta rejects that rule at apply)", () => {
    expectOneProblem({ ...baseConfig, refreshTokenLifetimeMinutes: 1440 }, "refreshTokenWindowMinutes", "got 10080", "between");
  });

  it("accepts an unlimited refresh lifetime with any valid window", () => {
    expect(valid({ ...baseConfig, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 20 }).tokens.refreshTokenLifetimeMinutes).toBe(0);
  });
});

describe("unknown keys and secrets", () => {
  it("rejects an unknown key and lists the accepted ones", () => {
    expectOneProblem({ ...baseConfig, cloudUIUrl: "https://x.example.com" }, "cloudUIUrl", "unknown key", "cloudUiUrl");
  });

  it("never echoes a secret value in a message", () => {
    const result = parseStackConfig(
      { ...baseConfig, registryUrl: "http://internal-secret-host" },
      { stack: "dev", secretKeys: new Set(["registryUrl"]) },
    );
    expect(result.ok).toBe(false);
    const text = result.ok ? "" : result.problems.join("\n");
    expect(text).toContain("stacklok-identity:registryUrl: got [secret]");
    expect(text).not.toContain("internal-secret-host");
  });
});

describe("bad config creates nothing", () => {
  it.each([
    ["a missing required key", { mode: "single" }],
    ["a wrong enum", { ...baseConfig, mode: "both" }],
    ["a non-https URL", { ...baseConfig, cloudUiUrl: "http://x.example.com" }],
    ["a non-loopback CLI redirect URI", { ...baseConfig, cliRedirectUris: ["https://cli.example.com/cb"] }],
    ["colliding audiences", { ...baseConfig, mode: "per-component", audiences: { enterpriseManager: "x", cloudUi: "x" } }],
    ["a second audience in single mode", { ...baseConfig, audiences: { cloudUi: "cloud-ui" } }],
    ["extraAudiences", { ...baseConfig, extraAudiences: ["api://default"] }],
  ])("%s fails the program with the key named and registers no resource", async (_, config) => {
    const result = await runProgram({ config });
    expect(result.error?.name).toBe("ConfigError");
    expect(result.error?.message).toMatch(/nothing was created:\n {2}- stacklok-identity:\w+/);
    expect(oktaResources(result)).toEqual([]);
    expect(result.resources.filter((r) => r.type.startsWith("stacklok:"))).toEqual([]);
    expect(result.invocations).toEqual([]);
  });

  it("masks secret config values in the program's error too", async () => {
    const result = await runProgram({
      config: { ...baseConfig, registryUrl: "http://hunter2.internal" },
      secretKeys: ["registryUrl"],
    });
    expect(result.error?.message).toContain("stacklok-identity:registryUrl: got [secret]");
    expect(result.error?.message).not.toContain("hunter2");
  });
});

const roles = (superAdmin: unknown[], rest: Record<string, unknown[]> = {}) => ({
  superAdmin,
  manageSources: [],
  manageRegistries: [],
  manageEntries: [],
  ...rest,
});

describe("admins and registry roles", () => {
  it("defaults every registry role to the created admin group, matched on the groups claim", () => {
    const config = valid({ ...baseConfig });
    expect(config.admins).toEqual({ createGroup: true, groupIds: [] });
    const admins = [{ groups: "stacklok-dev-admins" }];
    expect(config.registryRoles).toEqual({ superAdmin: admins, manageSources: admins, manageRegistries: admins, manageEntries: admins });
  });

  it("names a renamed groups claim in the default", () => {
    const config = valid({ ...baseConfig, claims: { groups: { name: "stacklok_groups", groupsRegex: "stacklok-.*" } } });
    expect(config.registryRoles.superAdmin).toEqual([{ stacklok_groups: "stacklok-dev-admins" }]);
  });

  it("takes registry roles as given, on any enabled claim, a value or a list of values", () => {
    const given = roles([{ groups: "platform-admins" }, { roles: ["registry-admin", "owner"], email: "a@example.com" }], {
      manageEntries: [{ roles: "editor" }],
    });
    expect(valid({ ...baseConfig, createAdminGroup: "false", adminGroupIds: ["00g1a2b3c4d5e6f7g8h9"], registryRoles: JSON.stringify(given) }).registryRoles).toEqual(given);
  });

  it("refuses a matcher on a claim the tokens do not carry, listing the ones they do", () => {
    expectOneProblem({ ...baseConfig, registryRoles: roles([{ department: "it" }]) }, "registryRoles.superAdmin[0].department", '"it"', "groups, roles, email");
  });

  it("does not count a disabled claim", () => {
    expectOneProblem(
      { ...baseConfig, claims: { email: { enabled: false } }, registryRoles: roles([{ groups: "stacklok-dev-admins" }], { manageSources: [{ email: "a@example.com" }] }) },
      "registryRoles.manageSources[0].email",
      "groups, roles",
    );
  });

  it("refuses a group the groups claim's regex drops, matching the whole name as Okta does", () => {
    const claims = { groups: { groupsRegex: "stacklok" } };
    expectOneProblem({ ...baseConfig, claims, registryRoles: roles([{ groups: "stacklok-dev-admins" }]) }, "registryRoles.superAdmin[0].groups", '"stacklok-dev-admins"', "REGEX", "widen");
    expect(valid({ ...baseConfig, claims, registryRoles: roles([{ groups: "stacklok" }]) }).registryRoles.superAdmin).toEqual([{ groups: "stacklok" }]);
  });

  it("accepts any group on a groups claim built from an expression (nothing to check offline)", () => {
    const claims = { groups: { expression: "user.getGroups({'group.type': {'OKTA_GROUP'}}).![name]" } };
    expect(valid({ ...baseConfig, claims }).registryRoles.superAdmin).toEqual([{ groups: "stacklok-dev-admins" }]);
  });

  it("refuses an empty superAdmin list and an empty matcher", () => {
    expectOneProblem({ ...baseConfig, registryRoles: roles([]) }, "registryRoles.superAdmin", "nobody could administer");
    expectOneProblem({ ...baseConfig, registryRoles: roles([{}]) }, "registryRoles.superAdmin[0]", "never matches");
  });

  it("requires registryRoles when no admin group is created, as tokens carry names, not ids", () => {
    expectOneProblem(
      { ...baseConfig, createAdminGroup: false, adminGroupIds: ["00g1a2b3c4d5e6f7g8h9"] },
      "registryRoles",
      "missing",
      "createAdminGroup is false",
      "superAdmin, manageSources, manageRegistries, manageEntries",
    );
  });

  it("requires registryRoles when the groups claim is disabled or drops the admin group", () => {
    expectOneProblem({ ...baseConfig, claims: { groups: { enabled: false } } }, "registryRoles", "the groups claim is disabled");
    expectOneProblem({ ...baseConfig, claims: { groups: { groupsRegex: "team-.*" } } }, "registryRoles", 'filter "team-.*" drops stacklok-dev-admins');
  });

  it("validates adminGroupIds like accessGroupIds", () => {
    expectOneProblem({ ...baseConfig, adminGroupIds: ["admins"] }, "adminGroupIds[0]", '"admins"', "00g followed by 17");
  });
});

describe("MCP servers", () => {
  const github = { name: "github", resourceUrl: "https://mcp.example.com/github/" };

  it("defaults each audience to the resource URL, as an MCP client sends it", () => {
    const config = valid({ ...baseConfig, mode: "per-component", mcpServers: [github, { name: "fetch", resourceUrl: "https://mcp.example.com/fetch", audience: "api://fetch" }] });
    expect(config.mcpServers).toEqual([
      { name: "github", resourceUrl: "https://mcp.example.com/github", audience: "https://mcp.example.com/github" },
      { name: "fetch", resourceUrl: "https://mcp.example.com/fetch", audience: "api://fetch" },
    ]);
    expect(valid({ ...baseConfig, mode: "per-component" }).mcpServers).toEqual([]);
  });

  it("refuses them in single mode, saying why and pointing to per-component", () => {
    expectOneProblem({ ...baseConfig, mcpServers: [github] }, "mcpServers", '["github"]', "exactly one audience", "unique per MCP server", "per-component");
  });

  it("refuses a bad or repeated name", () => {
    expectOneProblem({ ...baseConfig, mode: "per-component", mcpServers: [{ ...github, name: "-github" }] }, "mcpServers[0].name", '"-github"', "32");
    expectOneProblem(
      { ...baseConfig, mode: "per-component", mcpServers: [github, { name: "github", resourceUrl: "https://mcp.example.com/other" }] },
      "mcpServers[1].name",
      "unique",
    );
  });

  it("refuses an audience another MCP server or a component has, case-insensitively", () => {
    expectOneProblem(
      { ...baseConfig, mode: "per-component", mcpServers: [github, { name: "other", resourceUrl: "https://mcp.example.com/other", audience: "HTTPS://MCP.EXAMPLE.COM/GITHUB" }] },
      "mcpServers[1].audience",
      "mcpServers[0]",
    );
    expectOneProblem({ ...baseConfig, mode: "per-component", mcpServers: [{ ...github, audience: "cloud-ui" }] }, "mcpServers[0].audience", "audiences.cloudUi");
  });
});

describe("refusals create nothing", () => {
  it.each([
    ["registryRoles", { registryRoles: roles([{ department: "it" }]) }],
    ["mcpServers", { mcpServers: [{ name: "github", resourceUrl: "https://mcp.example.com/github" }] }],
  ])("%s", async (key, extra) => {
    const run = await runProgram({ config: { ...baseConfig, ...extra } });
    expect(run.error?.message).toContain(`stacklok-identity:${key}`);
    expect(oktaResources(run)).toEqual([]);
  });
});
