/**
 * What must survive a change on the real engine: a mode switch keeps both
 * apps (and their client IDs) with no replace among the engine's own steps;
 * adding or removing an MCP server on a protected stack keeps every other id;
 * and a stack that adopted `default` leaves it, on destroy, as
 * docs/operations.md says.
 */
import { afterAll, describe, expect, it } from "vitest";
import { OktaType } from "../../components/facts";
import { defaultServer, expectOnlyRolesAttributeLeft, inventory, parseOutputs, seedFor, startOrg } from "../e2e/support/harness";
import { ProjectCopies } from "../support/projectCopy";
import { expectSignInsAsPlanned } from "./support/checks";
import { PulumiProject } from "./support/pulumi";
import { ADOPTING_DEFAULT_WARNING, EngineStack, expectPolicyClean, failedRequests, type Step } from "./support/stack";

const copies = new ProjectCopies();
afterAll(() => copies.dispose());

const CALLBACK = "http://localhost:8666/callback";

/** The engine's step per resource in `pulumi preview --json`, by URN. */
function plannedSteps(preview: Step): Record<string, string> {
  const doc = JSON.parse(preview.run.stdout) as { steps: { op: string; urn: string }[] };
  return Object.fromEntries(doc.steps.map((step) => [step.urn, step.op]));
}

const isApp = (urn: string) => urn.endsWith(`$${OktaType.oauthApp}::cli-desktop`) || urn.endsWith(`$${OktaType.oauthApp}::cloud-ui`);

async function withStack<T>(name: string, stackName: string, seedEnvironment: string, body: (stack: EngineStack, project: PulumiProject) => Promise<T>): Promise<T> {
  const project = new PulumiProject(copies, name);
  const org = await startOrg(seedFor(seedEnvironment));
  try {
    return await body(await EngineStack.init(project, stackName, org), project);
  } finally {
    await org.close();
    project.dispose();
  }
}

describe("switching mode on the dev example stack", () => {
  it("keeps both apps, with no replace in the engine's steps, both ways; tokens then follow the new mode", async () => {
    await withStack("mode-switch", "dev", "dev", async (stack, project) => {
      await stack.up();
      const before = await stack.ids();
      const apps = Object.keys(before).filter(isApp);
      expect(apps).toHaveLength(2);

      const switches = [
        { to: "per-component", set: async () => (await stack.configRemove("stacklok-identity:authorizationServer"), await stack.configSet("stacklok-identity:mode", "per-component")) },
        { to: "single", set: async () => (await stack.configSet("stacklok-identity:mode", "single"), await stack.configSet("stacklok-identity:authorizationServer", "stacklok-dev")) },
      ];
      for (const change of switches) {
        await change.set();
        // --show-sames: without it the JSON leaves out every resource that stays as it is.
        const steps = plannedSteps(await stack.preview(["--json", "--show-sames"]));
        for (const app of apps) expect({ app, step: steps[app] }).toEqual({ app, step: "same" });
        expect(Object.values(steps).filter((op) => op.includes("replace"))).toEqual([]);
        const up = await stack.up();
        expectPolicyClean(up.run);
        expect(failedRequests(up.requests)).toEqual([]);
        const after = await stack.ids();
        for (const app of apps) expect({ app, to: change.to, id: after[app] }).toEqual({ app, to: change.to, id: before[app] });
        await expectSignInsAsPlanned(project.dir, "dev", await stack.outputs({ showSecrets: true }), { environment: "dev", everyone: false, redirectUri: CALLBACK });
      }
    });
  });
});

describe("adding and removing an MCP server on the protected prod example stack", () => {
  it("keeps every other resource's id, and the removal goes through although the stack is protected", async () => {
    await withStack("mcp", "prod", "prod", async (stack) => {
      await stack.up();
      const original = await stack.ids();

      await stack.configSet("stacklok-identity:mcpServers[2].name", "docs", { path: true });
      await stack.configSet("stacklok-identity:mcpServers[2].resourceUrl", "https://mcp.example.com/docs", { path: true });
      const added = await stack.up();
      expectPolicyClean(added.run);
      const withDocs = await stack.ids();
      for (const [urn, id] of Object.entries(original)) expect({ urn, id: withDocs[urn] }).toEqual({ urn, id });
      const docsServers = Object.keys(withDocs).filter((urn) => urn.endsWith(`$${OktaType.authServer}::mcp-docs`));
      expect(docsServers).toHaveLength(1);

      await stack.configRemove("stacklok-identity:mcpServers[2]", { path: true });
      const removed = await stack.up();
      expect(failedRequests(removed.requests)).toEqual([]);
      expect(await stack.ids()).toEqual(original);
    });
  });
});

describe("a single-mode stack that adopted default, destroyed", () => {
  it("leaves the default server with the audience and description the stack set, and nothing of its own on it", async () => {
    await withStack("adopt-default", "dev", "dev", async (stack) => {
      const untouched = inventory(await stack.org.state());
      await stack.configSet("stacklok-identity:authorizationServer", "default");
      const up = await stack.up();
      // The program says what adopting default costs other apps.
      expectPolicyClean(up.run, { warnings: [ADOPTING_DEFAULT_WARNING] });
      const outputs = parseOutputs(await stack.outputs({ showSecrets: true }));
      expect(outputs.enterpriseManager.issuer).toBe(`${stack.org.url}/oauth2/default`);
      await stack.destroy();
      const state = await stack.org.state();
      expectOnlyRolesAttributeLeft(untouched, inventory(state));
      const server = defaultServer(state);
      expect(server["audiences"]).toEqual([outputs.enterpriseManager.audience]);
      expect(String(server["description"])).toContain("managed by Pulumi stack stacklok-identity/dev");
      const scopes = Object.values(state.scopes[String(server["id"])] ?? {}).map((s) => s["name"]);
      expect(scopes).not.toContain(outputs.enterpriseManager.requiredScope);
      const claims = Object.values(state.claims[String(server["id"])] ?? {}).map((c) => c["name"]);
      expect(claims).not.toEqual(expect.arrayContaining(["groups", "roles", "email"]));
    });
  });
});
