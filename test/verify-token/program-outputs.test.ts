/**
 * The verifier against the outputs the real program exports (on the mock
 * engine), printed as `pulumi stack output --json` prints them without
 * --show-secrets. If the program ever made the registry's providers secret
 * too, or renamed the Cloud UI's provider, the no-secrets workflow the docs
 * recommend would stop checking the Cloud UI: this file fails first.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { StackOutputs } from "../../components/contract";
import { REGISTRY_PROVIDER_NAME } from "../../components/platform";
import { buildExpectations, type ComponentExpectation, type ComponentId } from "../../tools/verify-token";
import { baseConfig, runProgram, type RunResult } from "../support/program";

const REDACTED = "[secret]";

interface Printed {
  /** What `pulumi stack output --json --show-secrets` prints. */
  full: StackOutputs;
  /** What `pulumi stack output --json` prints. */
  printed: Record<string, unknown>;
}

/**
 * Pulumi prints a secret as "[secret]" unless asked. The stack's secrets are
 * whole outputs (cloudUi, chartValues, chartValuesYaml); a secret nested
 * inside an output would need this helper to follow its path.
 */
function print(run: RunResult): Printed {
  expect(run.error).toBeUndefined();
  const full = run.stackOutputs as unknown as StackOutputs | undefined;
  if (full === undefined) throw new Error("the stack registered no outputs");
  const printed: Record<string, unknown> = { ...full };
  for (const path of run.secretOutputPaths) {
    if (!(path in printed)) throw new Error(`a secret nested at ${path}: print() handles whole-output secrets only`);
    printed[path] = REDACTED;
  }
  return { full, printed };
}

function byComponent(list: ComponentExpectation[], id: ComponentId): ComponentExpectation {
  const found = list.find((e) => e.component === id);
  if (found === undefined) throw new Error(`no ${id}`);
  return found;
}

const runs: Record<string, Printed> = {};
beforeAll(async () => {
  const extraConfig = { "okta:orgName": "acme" };
  runs.single = print(await runProgram({ config: baseConfig, extraConfig }));
  runs["per-component"] = print(await runProgram({ config: { ...baseConfig, mode: "per-component" }, extraConfig }));
});

describe.each(["single", "per-component"])("the program's outputs in %s mode, printed without --show-secrets", (mode) => {
  it("hide the client secret, and the verifier still knows every component's issuer and audience", () => {
    const { full, printed } = runs[mode]!;
    expect(printed.cloudUi).toBe(REDACTED);
    expect(JSON.stringify(printed)).not.toContain(full.cloudUi.clientSecret);

    const list = buildExpectations({ outputs: printed });
    expect(list.map((e) => [e.component, e.unavailable])).toEqual([
      ["enterprise-manager", undefined],
      ["cloud-ui", undefined],
      ["registry-server", undefined],
    ]);
    expect(byComponent(list, "cloud-ui").trusts).toMatchObject([{ issuer: full.cloudUi.issuer, audience: full.cloudUi.audience }]);
  });

  it("name the registry's providers as facts.ts does, which is how the verifier finds the Cloud UI's pair", () => {
    // chartValues.ts spells these names itself; this keeps it and facts.ts in step.
    const { full } = runs[mode]!;
    expect(full.registryServer.providers.map((p) => p.name)).toEqual([REGISTRY_PROVIDER_NAME.cliDesktop, REGISTRY_PROVIDER_NAME.cloudUi]);
    expect(full.registryServer.providers[1]).toEqual({
      name: REGISTRY_PROVIDER_NAME.cloudUi,
      issuerUrl: full.cloudUi.issuer,
      audience: full.cloudUi.audience,
    });
  });

  it("give the verifier the same expectations as the full outputs, but where the Cloud UI's values came from", () => {
    const { full, printed } = runs[mode]!;
    const fromFull = buildExpectations({ outputs: full });
    const fromPrinted = buildExpectations({ outputs: printed });
    // Keys of an issuer no readable output names are found by discovery, which answers the
    // same <issuer>/v1/keys the full outputs name: in per-component mode, the Cloud UI's issuer.
    const cloudUiKeys = mode === "single" ? { kind: "uri", uri: full.cloudUi.jwksUri } : { kind: "discovery", issuer: full.cloudUi.issuer };
    const keysFor = (issuer: string) => (issuer === full.cloudUi.issuer ? cloudUiKeys : { kind: "uri", uri: full.enterpriseManager.jwksUri });

    expect(byComponent(fromPrinted, "enterprise-manager")).toEqual(byComponent(fromFull, "enterprise-manager"));
    expect(byComponent(fromPrinted, "registry-server")).toEqual({
      ...byComponent(fromFull, "registry-server"),
      trusts: byComponent(fromFull, "registry-server").trusts.map((t) => ({ ...t, jwks: keysFor(t.issuer) })),
    });
    const { expectedFrom, trusts } = byComponent(fromPrinted, "cloud-ui");
    expect(expectedFrom).toContain("registryServer.providers");
    expect(trusts).toEqual([{ issuer: full.cloudUi.issuer, audience: full.cloudUi.audience, jwks: cloudUiKeys }]);
  });
});

describe("the program's outputs with MCP servers", () => {
  it("give each MCP server's issuer, audience and key set, printed without --show-secrets", async () => {
    const mcpServers = [{ name: "github", resourceUrl: "https://mcp.example.com/github" }];
    const { full, printed } = print(await runProgram({ config: { ...baseConfig, mode: "per-component", mcpServers }, extraConfig: { "okta:orgName": "acme" } }));
    const github = full.mcpServers["github"];
    if (github === undefined) throw new Error("no mcpServers.github output");
    const [expectation] = buildExpectations({ outputs: printed }, ["mcp:github"]);
    expect(expectation?.unavailable).toBeUndefined();
    expect(expectation?.trusts).toEqual([
      { issuer: github.issuer, audience: "https://mcp.example.com/github", jwks: { kind: "uri", uri: github.jwksUri } },
    ]);
    // Its issuer is its own: neither the Enterprise Manager's nor the Cloud UI's.
    expect([full.enterpriseManager.issuer, full.cloudUi.issuer]).not.toContain(github.issuer);
  });
});
