/**
 * `npm run plan` as a user runs it: a separate node process over a Pulumi
 * project directory, reading Pulumi.<stack>.yaml and running index.ts.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { PlanDocument } from "../../tools/plan/model";
import { runNode, type NodeRun } from "../support/nodeProcess";
import { ProjectCopies, projectRoot, replaceInFile } from "../support/projectCopy";

const PLAN = join(projectRoot, "tools", "plan", "main.cjs");
/** Every placeholder client secret the mock org hands out starts so. */
const SECRET_PREFIX = "placeholder-secret-";

function plan(...args: string[]): Promise<NodeRun> {
  return runNode([PLAN, ...args], { cwd: projectRoot });
}

function expectNoSecret(run: NodeRun): void {
  expect(run.stdout).not.toContain(SECRET_PREFIX);
  expect(run.stderr).not.toContain(SECRET_PREFIX);
}

const copies = new ProjectCopies();
afterAll(() => copies.dispose());

// Single mode: one server and one audience, so the CLI's tokens (which carry
// the required scope) pass the Cloud UI's checks too; that is what single mode
// gives up, and the plan shows it.
describe.each([
  [
    "dev",
    "single",
    ["shared  okta:auth/server:Server"],
    { cliAcceptedBy: ["Enterprise Manager", "Cloud UI", "Registry Server"], cloudUiAudience: "enterprise-manager" },
  ],
  [
    "prod",
    "per-component",
    ["enterprise-manager  okta:auth/server:Server  [protected]", "cloud-ui  okta:auth/server:Server  [protected]"],
    { cliAcceptedBy: ["Enterprise Manager", "Registry Server"], cloudUiAudience: "cloud-ui" },
  ],
] as const)("the %s example stack", (stack, mode, servers, { cliAcceptedBy, cloudUiAudience }) => {
  let text: NodeRun;
  let json: NodeRun;
  beforeAll(async () => {
    [text, json] = await Promise.all([plan("--stack", stack), plan("--stack", stack, "--format", "json")]);
  });

  it("plans without errors and says which stack and mode", () => {
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Offline plan for stacklok-identity/${stack} \\(mode ${mode}\\)`));
    expect(text.stdout).toContain("Wiring: OK.");
    // One audience per server, so nothing is left for a real token to settle.
    expect(text.stdout).not.toContain("To check on the real org");
  });

  it("shows the resources as a tree by component, with the inputs that matter", () => {
    expect(text.stdout).toContain("stacklok  stacklok:identity:PlatformIdentity");
    for (const server of servers) expect(text.stdout).toContain(server);
    expect(text.stdout).toMatch(/name: toolhive:config:read\n.*default: false/);
    expect(text.stdout).toMatch(/type: native\n.*tokenEndpointAuth: none\n.*pkceRequired: true\n.*grants: authorization_code, refresh_token\n.*refreshTokenRotation: ROTATE/);
    expect(text.stdout).toContain(`clients: Stacklok CLI and Desktop (${stack})`);
    expect(text.stdout).toContain("scopes: openid, profile, email, offline_access, toolhive:config:read");
  });

  it("shows how each client's tokens flow and who accepts them", () => {
    expect(text.stdout).toMatch(
      new RegExp(
        "Stacklok CLI and Desktop \\(\\w+\\) {2}\\(client 0oa\\w{17}\\)\\n\\s+gets tokens from {2}https://[^\\n]+\\n\\s+audience\\s+enterprise-manager\\n" +
          `\\s+scopes\\s+openid offline_access toolhive:config:read\\n\\s+accepted by\\s+${cliAcceptedBy.join(", ")}\\n`,
      ),
    );
    expect(text.stdout).toMatch(new RegExp(`Cloud UI \\(\\w+\\) {2}.*\\n.*\\n\\s+audience\\s+${cloudUiAudience}\\n.*\\n\\s+accepted by\\s+Cloud UI, Registry Server\\n`));
  });

  it("prints the chart values with placeholder ids and the secret masked", () => {
    const yamlText = text.stdout.split("Chart values (chartValuesYaml; placeholder ids, secret masked)\n")[1]?.split(/\n\n(?:Kubernetes manifests|Wiring)/)[0] ?? "";
    const values = parse(yamlText.replace(/^ {2}/gm, "")) as Record<string, Record<string, Record<string, string>>>;
    expect(values["toolhive-cloud-ui"]?.["oidc"]?.["clientSecret"]).toBe("[secret]");
    expect(values["enterprise-manager"]?.["clientID"]).toMatch(/^0oa\w{17}$/);
    expectNoSecret(text);
  });

  it("prints a JSON document for scripts", () => {
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as PlanDocument;
    expect(Object.keys(doc).sort()).toEqual(
      ["chartValues", "chartValuesYaml", "manifests", "mode", "project", "resourceCount", "resources", "stack", "tokenFlows", "wiring"].sort(),
    );
    expect(doc).toMatchObject({ project: "stacklok-identity", stack, mode, wiring: { ok: true, problems: [] } });
    expect(doc.resources).toHaveLength(1);
    expect(doc.resources[0]).toMatchObject({ name: "stacklok", type: "stacklok:identity:PlatformIdentity" });
    expect(doc.resources[0]?.children.map((c) => c.type)).toEqual(expect.arrayContaining(["okta:group/group:Group", "stacklok:identity:OAuthApp", "stacklok:identity:AuthorizationServer"]));
    // prod adds two MCP servers: each a server, three claims, a policy and a rule.
    expect(doc.resourceCount).toBe(mode === "single" ? 14 : 32);
    expect(doc.tokenFlows.map((f) => [f.client, f.audience, f.acceptedBy])).toEqual([
      ["cli", "enterprise-manager", cliAcceptedBy],
      ["cloudUi", cloudUiAudience, ["Cloud UI", "Registry Server"]],
      ...(mode === "single"
        ? []
        : [
            ["cli", "https://mcp.example.com/fetch", ["MCP server fetch"]],
            ["cli", "https://mcp.example.com/github", ["MCP server github"]],
          ]),
    ]);
    expect(JSON.stringify(doc.chartValues)).toContain('"clientSecret":"[secret]"');
    expectNoSecret(json);
  });
});

describe("formats and arguments", () => {
  it("draws the token flow as a mermaid diagram", async () => {
    const run = await plan("--format", "mermaid");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^flowchart LR\n/);
    expect(run.stdout).toContain('client_cli["Stacklok CLI and Desktop (dev)"]');
    expect(run.stdout).toMatch(/client_cli -->\|"aud enterprise-manager<br\/>scp openid offline_access toolhive:config:read"\| server1/);
    expect(run.stdout).toMatch(/server1 -->\|[^|]+\| enterpriseManager/);
    expect(run.stdout).toMatch(/server1 -->\|[^|]+\| registryServer/);
    expectNoSecret(run);
  });

  it("prints the prod example's role binding and MCP manifests", async () => {
    const run = await plan("--stack", "prod");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Kubernetes manifests (platformRoleBindingsYaml)");
    expect(run.stdout).toContain("kind: ClusterPlatformRoleBinding");
    expect(run.stdout.match(/kind: MCPOIDCConfig/g)).toHaveLength(2);
  });

  it("draws each MCP server of the prod example with the server that issues its tokens", async () => {
    const run = await plan("--stack", "prod", "--format", "mermaid");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('mcp_github["MCP server github"]');
    expect(run.stdout).toMatch(/client_cli -->\|"aud https:\/\/mcp\.example\.com\/github<br\/>scp openid offline_access"\| (server\d)\n\s+\1 -->\|[^|]+\| mcp_github\n/);
  });

  it("rejects an unknown format and an unknown flag with usage (exit 2)", async () => {
    const badFormat = await plan("--format", "yaml");
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('--format: got "yaml"; expected text, json, mermaid');
    const badFlag = await plan("--stacks", "dev");
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("usage: npm run plan");
  });

  it("says which stack file is missing (exit 1)", async () => {
    const run = await plan("--stack", "nope");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Pulumi.nope.yaml");
  });
});

describe("the plan runs the real program", () => {
  it("shows a change made in the program", async () => {
    const dir = copies.make("changed-program", (d) =>
      replaceInFile(d, "components/facts.ts", 'DEFAULT_CLI_REDIRECT_URI = "http://localhost:8666/callback"', 'DEFAULT_CLI_REDIRECT_URI = "http://localhost:9999/cb"'),
    );
    // Pulumi.yaml also declares the default; the program's own default shows where the stack file and Pulumi.yaml are silent.
    replaceInFile(dir, "Pulumi.yaml", "- http://localhost:8666/callback", "- http://localhost:9999/cb");
    const run = await plan("--project-dir", dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("redirectUris: http://localhost:9999/cb");
    expect(run.stdout).not.toContain("8666");
  });

  it("fails, naming the problem, when the program wires a component wrongly", async () => {
    const dir = copies.make("broken-wiring", (d) =>
      // The rule stops listing the required scope.
      replaceInFile(d, "components/topology.ts", "scopes: scopesAllowed(issuesRequiredScope),", "scopes: scopesAllowed(false),"),
    );
    const [text, json] = await Promise.all([plan("--project-dir", dir), plan("--project-dir", dir, "--format", "json")]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/Wiring: \d+ problem\(s\)/);
    expect(text.stdout).toContain("[scope_not_allowed] Stacklok CLI and Desktop (dev) requests toolhive:config:read");
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as PlanDocument).wiring.ok).toBe(false);
    expect(json.stderr).toContain("[scope_not_allowed]");
  });

  it("fails like pulumi up on bad config, naming the key", async () => {
    const dir = copies.make("bad-config", (d) => replaceInFile(d, "Pulumi.dev.yaml", "mode: single", "mode: dual"));
    const run = await plan("--project-dir", dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('stacklok-identity:mode: got "dual"; expected "single" or "per-component"');
    expect(run.stderr).toContain("pulumi up would fail the same way");
    expect(run.stdout).toBe("");
  });

  it("does not claim pulumi up would fail on a secure value it cannot decrypt", async () => {
    const dir = copies.make("secure-url", (d) =>
      replaceInFile(d, "Pulumi.dev.yaml", "  stacklok-identity:cloudUiUrl: https://stacklok.dev.example.com", "  stacklok-identity:cloudUiUrl:\n    secure: AAABAHsecretciphertext"),
    );
    const run = await plan("--project-dir", dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("stacklok-identity:cloudUiUrl: got [secret]");
    expect(run.stderr).toContain("pulumi up checks the decrypted value");
    expect(run.stderr).not.toContain("pulumi up would fail the same way");
    expect(run.stdout + run.stderr).not.toContain("AAABAHsecretciphertext");
  });

  it("needs no secure value and never prints one", async () => {
    const dir = copies.make("secure-config", (d) =>
      replaceInFile(d, "Pulumi.dev.yaml", "  okta:maxApiCapacity: 40", "  okta:apiToken:\n    secure: AAABAHsecretciphertext\n  okta:maxApiCapacity: 40"),
    );
    const run = await plan("--project-dir", dir, "--format", "json");
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).not.toContain("AAABAHsecretciphertext");
    expectNoSecret(run);
  });
});
