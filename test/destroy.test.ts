/**
 * The stack is safe to destroy. Pins README's
 * "What a destroy leaves behind": with `protect: true` exactly the apps (a new
 * app is a new client ID for every user), the created groups and custom
 * servers refuse deletion; the org-wide `roles` attribute is retained on
 * every stack; nothing else is guarded, so a destroy removes it.
 *
 * The `default` server is neither: it stays because okta.AuthServerDefault's
 * delete is a no-op in the provider (terraform-provider-okta
 * `okta/services/idaas/resource_okta_auth_server_default.go`:
 * `DeleteContext: utils.ResourceFuncNoOp`), with
 * the audience and description this stack set.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_NAMESPACE } from "../components/config";
import { OktaType } from "../components/facts";
import { loadStackConfig } from "../tools/mock-engine/stackConfig";
import { baseConfig, findResource, runProgram, type RunResult } from "./support/program";

const T = OktaType;

/** Pulumi.prod.yaml as the engine passes it: our keys, and the provider's settings. */
function prodStack(): { config: Record<string, unknown>; extraConfig: Record<string, string> } {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const config: Record<string, unknown> = {};
  const extraConfig: Record<string, string> = {};
  for (const [key, value] of Object.entries(loadStackConfig(join(__dirname, ".."), "prod").config)) {
    if (key.startsWith(prefix)) config[key.slice(prefix.length)] = value;
    else extraConfig[key] = value;
  }
  return { config, extraConfig };
}

const prod = prodStack();
/** Pulumi.prod.yaml switched to single mode, which takes no MCP servers. */
const { mcpServers: _mcpServers, ...prodWithoutMcp } = prod.config;

/**
 * The protected custom servers' Pulumi names per layout; `default` is
 * adopted, not created, and an MCP server's server is left unprotected so
 * removing the MCP server from config can delete it (the destroy guard still
 * holds it in a destroy).
 */
const layouts = [
  { layout: "per-component", config: prod.config, overrides: { mode: "per-component" }, customServers: ["cloud-ui", "enterprise-manager"] },
  { layout: "single on a custom server", config: prodWithoutMcp, overrides: { mode: "single", authorizationServer: "stacklok-prod" }, customServers: ["shared"] },
  { layout: "single on default", config: prodWithoutMcp, overrides: { mode: "single" }, customServers: [] },
] as const;

const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
const guarded = (run: RunResult, option: "protect" | "retainOnDelete") =>
  run.resources.filter((r) => r.options[option] === true).map(key).sort();

const ROLES_ATTRIBUTE = `${T.userSchemaProperty}::roles-attribute`;
const GUARD = "stacklok:identity:DestroyGuard::destroy-guard";

describe.each(layouts)("destroying a production stack ($layout)", ({ config, overrides, customServers }) => {
  const run = () => runProgram({ config: { ...config, ...overrides }, extraConfig: prod.extraConfig, stack: "prod" });

  it("is refused for exactly the destroy guard, the apps, the created groups and the platform's custom servers", async () => {
    const result = await run();
    expect(result.error).toBeUndefined();
    expect(prod.config["protect"]).toBe("true");
    expect(guarded(result, "protect")).toEqual(
      [
        GUARD,
        `${T.oauthApp}::cli-desktop`,
        `${T.oauthApp}::cloud-ui`,
        `${T.group}::access-group`,
        `${T.group}::admin-group`,
        ...customServers.map((name) => `${T.authServer}::${name}`),
      ].sort(),
    );
  });

  it("is refused before any delete: the protected guard depends on every Okta resource, so the engine deletes it first", async () => {
    const result = await run();
    const guard = result.resources.find((r) => `${r.type}::${r.name}` === GUARD);
    if (guard === undefined) throw new Error("no destroy guard");
    // dependsOn a component covers its children: a resource is guarded through itself or an ancestor.
    const byUrn = new Map(result.resources.map((r) => [r.urn, r]));
    const covered = (urn: string | undefined): boolean =>
      urn !== undefined && (guard.options.dependsOn.includes(urn) || covered(byUrn.get(urn)?.options.parent));
    const unguarded = result.resources.filter((r) => r.type.startsWith("okta:") && !covered(r.urn)).map(key);
    expect(unguarded).toEqual([]);
    expect(result.resources.filter((r) => r.type.startsWith("okta:")).length).toBeGreaterThan(10);
  });

  it("keeps only the org-wide roles attribute, and deletes everything else", async () => {
    const result = await run();
    expect(guarded(result, "retainOnDelete")).toEqual([ROLES_ATTRIBUTE]);
  });
});

describe("the default server on destroy", () => {
  it("is adopted with okta.AuthServerDefault, whose delete is a no-op, so neither protect nor retain is needed", async () => {
    const result = await runProgram({ config: { ...prodWithoutMcp, mode: "single" }, extraConfig: prod.extraConfig, stack: "prod" });
    const server = findResource(result, T.authServerDefault, "default");
    expect(server.options.protect).not.toBe(true);
    expect(server.options.retainOnDelete).not.toBe(true);
    // What a destroy leaves on it: the one audience and the description this stack set.
    expect(server.inputs["audiences"]).toEqual(["enterprise-manager"]);
    expect(server.inputs["description"]).toContain("managed by Pulumi stack stacklok-identity/prod");
  });
});

describe("destroying a stack that does not ask for protection", () => {
  it.each(layouts)("protects nothing ($layout)", async ({ overrides }) => {
    const result = await runProgram({ config: { ...baseConfig, ...overrides } });
    expect(result.error).toBeUndefined();
    expect(guarded(result, "protect")).toEqual([]);
    expect(guarded(result, "retainOnDelete")).toEqual([ROLES_ATTRIBUTE]);
  });

  it("leaves nothing managed behind when the roles attribute is not managed", async () => {
    const result = await runProgram({ config: { ...baseConfig, mode: "per-component", manageRolesAttribute: false } });
    expect(guarded(result, "protect")).toEqual([]);
    expect(guarded(result, "retainOnDelete")).toEqual([]);
  });
});
