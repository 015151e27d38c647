import { beforeAll, describe, expect, it } from "vitest";
import { OktaType } from "../../components/facts";
import type { RecordedResource, RunReport } from "../../tools/mock-engine/oktaMocks.cjs";
import { analyzeWiring, type WiringCode } from "../../tools/plan/wiring";
import { baseConfig, findResource, runProgram } from "../support/program";

let single: RunReport;
let perComponent: RunReport;

beforeAll(async () => {
  single = await runProgram({ config: { ...baseConfig } });
  perComponent = await runProgram({ config: { ...baseConfig, mode: "per-component" } });
});

/** A copy of a report with one resource's inputs changed. */
function withInputs(report: RunReport, type: string, name: string, change: (inputs: Record<string, unknown>) => Record<string, unknown>): RunReport {
  findResource(report, type, name); // fails loudly if the premise is wrong
  return {
    ...report,
    resources: report.resources.map((r): RecordedResource => (r.type === type && r.name === name ? { ...r, inputs: change({ ...r.inputs }) } : r)),
  };
}

function without(report: RunReport, type: string, name: string): RunReport {
  findResource(report, type, name);
  return { ...report, resources: report.resources.filter((r) => !(r.type === type && r.name === name)) };
}

function withOutputs(report: RunReport, change: (outputs: Record<string, unknown>) => void): RunReport {
  const outputs = structuredClone(report.stackOutputs ?? {});
  change(outputs);
  return { ...report, stackOutputs: outputs };
}

function codes(report: RunReport): WiringCode[] {
  return analyzeWiring(report).problems.map((p) => p.code);
}

describe("a correctly wired plan", () => {
  // Single mode has one audience, so the CLI's token (scope included) passes
  // the Cloud UI's issuer and audience checks as well: what single mode gives
  // up. The Cloud UI's token still lacks the scope the Enterprise Manager needs.
  it.each([
    ["single", () => single, "enterprise-manager", ["Enterprise Manager", "Cloud UI", "Registry Server"]],
    ["per-component", () => perComponent, "cloud-ui", ["Enterprise Manager", "Registry Server"]],
  ])("%s: both clients get tokens their component and the registry accept", (_, report, uiAudience, cliAcceptedBy) => {
    const wiring = analyzeWiring(report());
    expect(wiring.problems).toEqual([]);
    const [cli, ui] = wiring.flows;
    expect(cli).toMatchObject({ client: "cli", component: "Enterprise Manager", issued: true, audience: "enterprise-manager" });
    expect(cli?.scopes).toContain("toolhive:config:read");
    expect(cli?.acceptedBy).toEqual(cliAcceptedBy);
    expect(ui).toMatchObject({ client: "cloudUi", component: "Cloud UI", issued: true, audience: uiAudience });
    expect(ui?.acceptedBy).toEqual(["Cloud UI", "Registry Server"]);
  });

  it("per-component: each client's issuer is its own server", () => {
    const [cli, ui] = analyzeWiring(perComponent).flows;
    expect(cli?.serverName).toBe("stacklok-dev-enterprise-manager");
    expect(ui?.serverName).toBe("stacklok-dev-cloud-ui");
    expect(cli?.issuer).not.toBe(ui?.issuer);
  });

  it("accepts ALL_CLIENTS policies and EVERYONE rules", async () => {
    const run = await runProgram({
      config: { ...baseConfig, accessPolicyClients: "all-clients", createAccessGroup: false, allowEveryone: true },
    });
    expect(analyzeWiring(run).problems).toEqual([]);
  });
});

describe("one audience per server", () => {
  // Okta refuses a server with any other count, so such a plan cannot be applied.
  it.each([
    ["two audiences", ["enterprise-manager", "cloud-ui"], '"enterprise-manager", "cloud-ui"'],
    ["no audience", [], "no audience"],
  ])("fails a server carrying %s", (_, audiences, shown) => {
    const broken = withInputs(single, OktaType.authServerDefault, "default", (i) => ({ ...i, audiences }));
    const problem = analyzeWiring(broken).problems.find((p) => p.code === "server_audiences_not_one");
    expect(problem?.message).toContain(`default carries ${shown}`);
    expect(problem?.message).toContain("exactly one audience");
  });

  it("finds nothing to say about the program's own plans", () => {
    expect(codes(single)).toEqual([]);
    expect(codes(perComponent)).toEqual([]);
  });
});

describe("each broken wiring is caught", () => {
  it("an audience configured on a component but on no server its issuer points at", () => {
    const broken = withInputs(single, OktaType.authServerDefault, "default", (i) => ({ ...i, audiences: ["cloud-ui"] }));
    const { problems } = analyzeWiring(broken);
    expect(problems.map((p) => p.code)).toContain("audience_not_on_server");
    expect(problems.find((p) => p.code === "audience_not_on_server")?.message).toContain('audience "enterprise-manager" is on no server');
  });

  it("the required scope missing on the issuing server", () => {
    const { problems } = analyzeWiring(without(perComponent, OktaType.serverScope, "enterprise-manager-scope"));
    expect(problems[0]?.code).toBe("scope_missing_on_server");
    expect(problems[0]?.message).toContain("stacklok-dev-enterprise-manager");
  });

  it("the required scope not allowed by the rule", () => {
    const broken = withInputs(single, OktaType.serverPolicyRule, "default-access-rule", (i) => ({
      ...i,
      scopeWhitelists: ["openid", "profile", "email", "offline_access"],
    }));
    const { problems } = analyzeWiring(broken);
    expect(problems.map((p) => p.code)).toContain("scope_not_allowed");
    expect(problems.find((p) => p.code === "scope_not_allowed")?.message).toContain("toolhive:config:read");
  });

  it("a client in no policy's whitelist", () => {
    const cliId = findResource(perComponent, OktaType.oauthApp, "cli-desktop").outputs["clientId"];
    const broken = withInputs(perComponent, OktaType.serverPolicy, "enterprise-manager-access-policy", (i) => ({
      ...i,
      clientWhitelists: ["0oasomebodyelse00000"],
    }));
    const { problems } = analyzeWiring(broken);
    expect(problems.map((p) => p.code)).toContain("client_not_whitelisted");
    expect(problems[0]?.message).toContain(String(cliId));
  });

  it("an app with no user assignment", () => {
    expect(codes(without(single, OktaType.appGroupAssignments, "cloud-ui-groups"))).toContain("app_unassigned");
    const empty = withInputs(single, OktaType.appGroupAssignments, "cli-desktop-groups", (i) => ({ ...i, groups: [] }));
    expect(codes(empty)).toContain("app_unassigned");
  });

  it("an app grant the rule does not allow", () => {
    const broken = withInputs(single, OktaType.serverPolicyRule, "default-access-rule", (i) => ({
      ...i,
      grantTypeWhitelists: ["client_credentials"],
    }));
    expect(codes(broken)).toEqual(["grant_not_allowed", "grant_not_allowed", "registry_provider_unissued", "registry_provider_unissued"]);
    const implicitApp = withInputs(single, OktaType.oauthApp, "cli-desktop", (i) => ({ ...i, grantTypes: ["authorization_code", "implicit"] }));
    expect(codes(implicitApp)).toContain("grant_not_allowed");
  });

  it("a rule that admits none of the app's assigned groups", () => {
    const broken = withInputs(single, OktaType.serverPolicyRule, "default-access-rule", (i) => ({
      ...i,
      groupWhitelists: ["00gunrelated00000000"],
    }));
    expect(codes(broken)).toContain("no_assigned_user_admitted");
  });

  it("a component pointed at an issuer no planned server has", () => {
    const broken = withOutputs(single, (o) => {
      (o["enterpriseManager"] as Record<string, unknown>)["issuer"] = "https://example.okta.com";
    });
    expect(codes(broken)).toContain("issuer_unplanned");
  });

  it("a component configured with a client ID no planned app has", () => {
    const broken = withOutputs(single, (o) => {
      (o["cloudUi"] as Record<string, unknown>)["clientId"] = "0oanotplanned0000000";
    });
    expect(codes(broken)).toContain("client_unplanned");
  });

  it("a registry provider no client's token matches, and a client the registry does not trust", () => {
    const broken = withOutputs(perComponent, (o) => {
      const providers = (o["registryServer"] as { providers: { audience: string }[] }).providers;
      providers[1] = { ...providers[1], audience: "cloud-ui-typo" };
    });
    expect(codes(broken).sort()).toEqual(["registry_distrusts_client", "registry_provider_unissued"]);
  });

  it("two planned servers with the component's issuer", () => {
    const server = findResource(single, OktaType.authServerDefault, "default");
    const twice = { ...single, resources: [...single.resources, { ...server, name: "copy", urn: `${server.urn}-copy` }] };
    expect(codes(twice)).toContain("issuer_ambiguous");
  });

  it("a run that exported no outputs", () => {
    expect(codes({ ...single, stackOutputs: {} })).toEqual(["outputs_missing"]);
  });
});

describe("MCP servers", () => {
  let withMcp: RunReport;
  const mcpServers = [
    { name: "github", resourceUrl: "https://mcp.example.com/github" },
    { name: "fetch", resourceUrl: "https://mcp.example.com/fetch" },
  ];
  beforeAll(async () => {
    withMcp = await runProgram({ config: { ...baseConfig, mode: "per-component", mcpServers } });
  });

  it("the CLI gets each MCP server's token from the server its MCPOIDCConfig trusts, with openid", () => {
    const wiring = analyzeWiring(withMcp);
    expect(wiring.problems).toEqual([]);
    const github = wiring.flows.find((f) => f.component === "MCP server github");
    expect(github).toMatchObject({
      client: "cli",
      issued: true,
      audience: "https://mcp.example.com/github",
      serverName: "stacklok-dev-mcp-github",
      acceptedBy: ["MCP server github"],
    });
    expect(github?.scopes).toContain("openid");
    expect(wiring.flows.map((f) => f.component).sort()).toEqual(["Cloud UI", "Enterprise Manager", "MCP server fetch", "MCP server github"]);
  });

  it("catches an MCPOIDCConfig naming another MCP server's issuer", () => {
    const outputs = withMcp.stackOutputs as { mcpServers: Record<string, { issuer: string }>; mcpManifestsYaml: string };
    const github = outputs.mcpServers["github"]?.issuer ?? "";
    const fetch = outputs.mcpServers["fetch"]?.issuer ?? "";
    const swapped = withOutputs(withMcp, (o) => {
      // The github MCPOIDCConfig now trusts the fetch server's issuer.
      o["mcpManifestsYaml"] = outputs.mcpManifestsYaml.replace(`issuer: ${github}`, `issuer: ${fetch}`);
    });
    expect(codes(swapped)).toEqual(expect.arrayContaining(["audience_not_on_server", "mcp_trusts_other_issuer"]));
    expect(analyzeWiring(swapped).flows.find((f) => f.component === "MCP server github")?.issued).toBe(false);
  });

  it("catches an MCP server whose MCPOIDCConfig is missing", () => {
    const broken = withOutputs(withMcp, (o) => {
      o["mcpManifestsYaml"] = "# nothing\n";
    });
    expect(codes(broken)).toEqual(["mcp_config_missing", "mcp_config_missing"]);
  });

  it("catches an MCP server's policy that does not admit the CLI", () => {
    const broken = withInputs(withMcp, OktaType.serverPolicy, "mcp-github-access-policy", (inputs) => ({ ...inputs, clientWhitelists: ["0oaother"] }));
    expect(codes(broken)).toEqual(["client_not_whitelisted"]);
  });

  it("catches an MCP server's rule that does not grant openid", () => {
    const broken = withInputs(withMcp, OktaType.serverPolicyRule, "mcp-fetch-access-rule", (inputs) => ({
      ...inputs,
      scopeWhitelists: ["offline_access"],
    }));
    expect(codes(broken)).toEqual(["scope_not_allowed"]);
  });
});
