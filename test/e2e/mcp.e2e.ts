/**
 * MCP servers end to end: the prod example's MCP servers applied to a fresh
 * okta-local org, the CLI/Desktop app signing a member in at each MCP
 * server's own issuer as thv does for a remote MCP server (authorization
 * code + PKCE, loopback redirect, `openid offline_access`), each token judged
 * by every component and MCP server, and the offline plan's prediction held
 * to what happened, on the example and on a program wired wrongly on purpose.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPONENT_KINDS, mcpServerSlug, mcpServerTitle } from "../../components/platform";
import type { ApplyResult } from "../../tools/local-apply/index";
import type { OktaLocal } from "../../tools/okta-local/index";
import { ProjectCopies, replaceInFile } from "../support/projectCopy";
import {
  COMPONENT_IDS,
  apply,
  expectMcpStaticEqualsDynamic,
  mcpServersOf,
  member,
  outsider,
  parseOutputs,
  planOf,
  projectRoot,
  seedFor,
  signInAtMcpServer,
  startOrg,
  wiringCodesFor,
  type ClientOutcome,
  type PlanVerdicts,
} from "./support/harness";

const STACK = "prod";
/** The MCP servers Pulumi.prod.yaml declares. */
const PROD_MCP_SERVERS = ["fetch", "github"];
const CALLBACK = { redirectUri: "http://localhost:8666/callback" };
const POLICY_EVALUATION_FAILED = "access_denied: Policy evaluation failed for this request, please check the policy configurations.";

function refusal(outcome: ClientOutcome): string {
  return outcome.signedIn ? "signed in" : `${outcome.error}: ${outcome.description}`;
}

function tokenOf(outcome: ClientOutcome | undefined, what: string): string {
  if (outcome === undefined || !outcome.signedIn) throw new Error(`${what} did not sign in${outcome && !outcome.signedIn ? `: ${refusal(outcome)}` : ""}`);
  return outcome.accessToken;
}

/** Each MCP server's authorization server in okta-local, by its Okta name. */
function serverIdsByName(org: OktaLocal): Record<string, string> {
  return Object.fromEntries(Object.values(org.store.state.authorizationServers).map((s) => [String(s["name"]), String(s["id"])]));
}

describe("the prod example's MCP servers on okta-local", () => {
  const stateDir = mkdtempSync(join(tmpdir(), "e2e-mcp-"));
  let org: OktaLocal;
  let applied: ApplyResult;
  let plan: PlanVerdicts;
  const cli: Record<string, ClientOutcome> = {};
  const cloudUi: Record<string, ClientOutcome> = {};
  const outsiders: Record<string, ClientOutcome> = {};

  beforeAll(async () => {
    org = await startOrg(seedFor(STACK));
    [applied, plan] = await Promise.all([apply(org, { projectDir: projectRoot, stack: STACK, stateDir }), planOf(projectRoot, STACK)]);
    for (const name of Object.keys(mcpServersOf(applied.outputs))) {
      cli[name] = await signInAtMcpServer("cli", member(STACK), applied.outputs, name, CALLBACK);
      cloudUi[name] = await signInAtMcpServer("cloudUi", member(STACK), applied.outputs, name, CALLBACK);
      outsiders[name] = await signInAtMcpServer("cli", outsider, applied.outputs, name, CALLBACK);
    }
  });
  afterAll(async () => {
    await org?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("outputs one issuer per MCP server, each okta-local's server stacklok-prod-mcp-<name> with the resourceUrl as audience", () => {
    const servers = mcpServersOf(applied.outputs);
    expect(Object.keys(servers).sort()).toEqual(PROD_MCP_SERVERS);
    const ids = serverIdsByName(org);
    for (const [name, server] of Object.entries(servers)) {
      const id = ids[`stacklok-${STACK}-mcp-${name}`];
      expect(id, `okta-local has stacklok-${STACK}-mcp-${name}`).toBeDefined();
      expect(server.issuer).toBe(`${org.url}/oauth2/${String(id)}`);
      expect(server.audience).toBe(server.resourceUrl);
      expect(org.store.state.authorizationServers[String(id)]?.["audiences"]).toEqual([server.audience]);
    }
    const platformIssuers = [parseOutputs(applied.outputs).enterpriseManager.issuer, parseOutputs(applied.outputs).cloudUi.issuer];
    for (const server of Object.values(servers)) expect(platformIssuers).not.toContain(server.issuer);
  });

  it.each(PROD_MCP_SERVERS)("a member gets a token for MCP server %s through the CLI app at its own issuer", (name) => {
    const server = mcpServersOf(applied.outputs)[name];
    const claims = decodeJwt(tokenOf(cli[name], `the CLI at ${name}`));
    expect({ iss: claims.iss, aud: claims.aud, cid: claims["cid"], scp: claims["scp"] }).toEqual({
      iss: server?.issuer,
      aud: server?.audience,
      cid: parseOutputs(applied.outputs).enterpriseManager.clientId,
      scp: [...COMPONENT_KINDS.mcpServer.scopes],
    });
  });

  it.each(PROD_MCP_SERVERS)("verify-token accepts the CLI's %s token for that MCP server alone, and names why the others refuse it", (name) => {
    const outcome = cli[name];
    if (outcome === undefined || !outcome.signedIn) throw new Error(`the CLI did not sign in at ${name}`);
    const verdicts = outcome.components;
    expect({ verdict: verdicts[mcpServerSlug(name)]?.verdict, errors: verdicts[mcpServerSlug(name)]?.errors }).toEqual({ verdict: "accepted", errors: [] });
    for (const other of PROD_MCP_SERVERS.filter((n) => n !== name)) {
      expect(verdicts[mcpServerSlug(other)]?.verdict).toBe("rejected");
      expect(verdicts[mcpServerSlug(other)]?.errors).toEqual(expect.arrayContaining(["issuer_mismatch", "audience_mismatch"]));
    }
    expect(verdicts["enterprise-manager"].verdict).toBe("rejected");
    expect(verdicts["enterprise-manager"].errors).toEqual(expect.arrayContaining(["issuer_mismatch", "audience_mismatch", "scope_missing"]));
    expect(verdicts["cloud-ui"].verdict).toBe("rejected");
    expect(verdicts["cloud-ui"].errors).toEqual(expect.arrayContaining(["issuer_mismatch", "audience_mismatch"]));
    expect(verdicts["registry-server"].verdict).toBe("rejected");
    expect(verdicts["registry-server"].errors).toContain("issuer_mismatch");
  });

  it.each(PROD_MCP_SERVERS)("@okta/jwt-verifier, configured as each MCP server and component is, agrees on the CLI's %s token", (name) => {
    const outcome = cli[name];
    if (outcome === undefined || !outcome.signedIn) throw new Error(`the CLI did not sign in at ${name}`);
    for (const component of [...COMPONENT_IDS, ...PROD_MCP_SERVERS.map((n) => mcpServerSlug(n))]) {
      const expected = component === mcpServerSlug(name) ? "accepted" : "rejected";
      expect({ component, oktaJwtVerifier: outcome.components[component]?.oktaJwtVerifier }).toEqual({ component, oktaJwtVerifier: expected });
    }
  });

  it.each(PROD_MCP_SERVERS)("the Cloud UI app is refused at MCP server %s's issuer: its policy admits only the CLI", (name) => {
    const outcome = cloudUi[name];
    expect(outcome && refusal(outcome)).toBe(POLICY_EVALUATION_FAILED);
  });

  it.each(PROD_MCP_SERVERS)("a user outside every group is refused at MCP server %s's issuer", (name) => {
    const outcome = outsiders[name];
    expect(outcome && refusal(outcome)).toBe("access_denied: User is not assigned to the client application.");
    if (outcome && !outcome.signedIn) expect(wiringCodesFor(outcome.error, outcome.description)).toEqual(["app_unassigned"]);
  });

  it("the offline plan predicted the CLI x each MCP server verdict", () => {
    expect(plan.problems).toEqual([]);
    for (const name of PROD_MCP_SERVERS) {
      const flow = plan.flows.find((f) => f.component === mcpServerTitle(name));
      // The plan runs on mock ids, so the two sides meet on the server's name: the plan's
      // flow goes to the server whose okta-local twin signed the CLI's token.
      const iss = decodeJwt(tokenOf(cli[name], `the CLI at ${name}`)).iss;
      const signer = Object.values(org.store.state.authorizationServers).find((s) => `${org.url}/oauth2/${String(s["id"])}` === iss);
      expect({ name, server: flow?.serverName }).toEqual({ name, server: signer?.["name"] });
      expect(flow?.requestedScopes).toEqual([...COMPONENT_KINDS.mcpServer.scopes]);
    }
    expectMcpStaticEqualsDynamic(plan, applied.outputs, cli);
  });
});

interface BrokenMcpWire {
  name: string;
  edits: [string, string, string][];
  planCode: "client_not_whitelisted" | "mcp_trusts_other_issuer";
  /**
   * What the CLI then sees at the issuer each MCP server advertises: Okta's
   * refusal, or a token the MCP server refuses (verify-token's codes) while
   * `acceptedBy` take it.
   */
  cli: { refused: string } | { mcpRejects: string[]; acceptedBy: string[] };
  /** Whether the Cloud UI, which calls no MCP server, now gets a token the MCP server takes. */
  cloudUiLetIn: boolean;
  /** The MCP servers the cut wire reaches; the others must work as in the example. */
  affects: readonly string[];
}

const BROKEN: BrokenMcpWire[] = [
  {
    name: "each MCP server's policy admits the Cloud UI instead of the CLI",
    edits: [["components/topology.ts", "    clients: [kind.audience.client],\n", '    clients: ["cloudUi"],\n']],
    planCode: "client_not_whitelisted",
    cli: { refused: POLICY_EVALUATION_FAILED },
    cloudUiLetIn: true,
    affects: PROD_MCP_SERVERS,
  },
  {
    name: "github's MCPOIDCConfig names the Enterprise Manager's issuer instead of its own server's",
    edits: [
      [
        "components/platformIdentity.ts",
        "const server = key === undefined ? undefined : this.servers.get(key);",
        'const server = key === undefined ? undefined : this.servers.get(mcp.name === "github" ? "enterprise-manager" : key);',
      ],
    ],
    planCode: "mcp_trusts_other_issuer",
    // The Enterprise Manager's server signs the CLI in and issues its own audience, which the
    // MCP server refuses; the Registry Server, trusting that pair, takes it.
    cli: { mcpRejects: ["audience_mismatch"], acceptedBy: ["registry-server"] },
    cloudUiLetIn: false,
    affects: ["github"],
  },
];

const copies = new ProjectCopies();
afterAll(() => copies.dispose());

describe.each(BROKEN)("a program where $name", (broken) => {
  const projectDir = copies.make(`mcp-${broken.planCode}`, (dir) => {
    for (const [file, from, to] of broken.edits) replaceInFile(dir, file, from, to);
  });
  let org: OktaLocal;
  let applied: ApplyResult;
  let plan: PlanVerdicts;
  const cli: Record<string, ClientOutcome> = {};
  const cloudUi: Record<string, ClientOutcome> = {};

  beforeAll(async () => {
    org = await startOrg(seedFor(STACK));
    [applied, plan] = await Promise.all([
      apply(org, { projectDir, stack: STACK, stateDir: join(projectDir, ".local-apply"), config: { protect: false } }),
      planOf(projectDir, STACK),
    ]);
    for (const name of Object.keys(mcpServersOf(applied.outputs))) {
      cli[name] = await signInAtMcpServer("cli", member(STACK), applied.outputs, name, CALLBACK);
      cloudUi[name] = await signInAtMcpServer("cloudUi", member(STACK), applied.outputs, name, CALLBACK);
    }
  });
  afterAll(async () => {
    await org?.close();
  });

  it(`is flagged by the plan (${broken.planCode}) for ${broken.affects.join(" and ")} alone`, () => {
    for (const name of PROD_MCP_SERVERS) {
      const named = new RegExp(`(mcp-|MCP server )${name}\\b`);
      const flagged = plan.problems.some((p) => p.code === broken.planCode && named.test(p.message));
      const issued = plan.flows.find((f) => f.component === mcpServerTitle(name))?.issued;
      expect({ name, flagged, issued }).toEqual({ name, flagged: broken.affects.includes(name), issued: !broken.affects.includes(name) });
    }
  });

  it("shows on okta-local and in the MCP servers' checks", () => {
    for (const name of PROD_MCP_SERVERS) {
      const outcome = cli[name];
      if (!broken.affects.includes(name)) {
        const mcp = outcome?.signedIn === true ? outcome.components[mcpServerSlug(name)]?.verdict : outcome && refusal(outcome);
        expect({ name, mcp, cloudUi: cloudUi[name] && refusal(cloudUi[name]) }).toEqual({ name, mcp: "accepted", cloudUi: POLICY_EVALUATION_FAILED });
        continue;
      }
      expect({ name, outcome: outcome && refusal(outcome) }).toEqual({ name, outcome: "refused" in broken.cli ? broken.cli.refused : "signed in" });
      if (!("refused" in broken.cli) && outcome?.signedIn) {
        const mcp = outcome.components[mcpServerSlug(name)];
        expect({ name, verdict: mcp?.verdict, oktaJwtVerifier: mcp?.oktaJwtVerifier }).toEqual({ name, verdict: "rejected", oktaJwtVerifier: "rejected" });
        expect(mcp?.errors).toEqual(expect.arrayContaining(broken.cli.mcpRejects));
        const acceptedBy = Object.entries(outcome.components)
          .filter(([, v]) => v.verdict === "accepted")
          .map(([component]) => component);
        expect({ name, acceptedBy }).toEqual({ name, acceptedBy: broken.cli.acceptedBy });
      }
      const wrong = cloudUi[name];
      const wrongTaken = wrong?.signedIn === true && wrong.components[mcpServerSlug(name)]?.verdict === "accepted";
      expect({ name, cloudUiTokenTakenByTheMcpServer: wrongTaken }).toEqual({ name, cloudUiTokenTakenByTheMcpServer: broken.cloudUiLetIn });
    }
  });

  it("the plan's verdict for the CLI x each MCP server equals what happened", () => {
    expectMcpStaticEqualsDynamic(plan, applied.outputs, cli);
  });
});

describe("adding and removing an MCP server between two applies to the same org", () => {
  it("keeps both client IDs, and leaves the platform's and the remaining MCP server's ids as they were", async () => {
    const org = await startOrg(seedFor(STACK));
    const stateDir = mkdtempSync(join(tmpdir(), "e2e-mcp-change-"));
    try {
      const target = { projectDir: projectRoot, stack: STACK, stateDir, config: { protect: false } };
      const before = await apply(org, target);
      const idsBefore = serverIdsByName(org);
      const appsBefore = Object.keys(org.store.state.apps).sort();

      // fetch removed, search added; github stays.
      const mcpServers = [
        { name: "github", resourceUrl: "https://mcp.example.com/github" },
        { name: "search", resourceUrl: "https://mcp.example.com/search" },
      ];
      const after = await apply(org, { ...target, config: { protect: false, mcpServers } });
      const idsAfter = serverIdsByName(org);
      const [old, now] = [parseOutputs(before.outputs), parseOutputs(after.outputs)];

      expect([now.enterpriseManager.clientId, now.cloudUi.clientId]).toEqual([old.enterpriseManager.clientId, old.cloudUi.clientId]);
      expect(Object.keys(org.store.state.apps).sort()).toEqual(appsBefore);
      expect([now.enterpriseManager.issuer, now.cloudUi.issuer, now.registryServer.providers]).toEqual([
        old.enterpriseManager.issuer,
        old.cloudUi.issuer,
        old.registryServer.providers,
      ]);

      const [mcpBefore, mcpAfter] = [mcpServersOf(before.outputs), mcpServersOf(after.outputs)];
      expect(Object.keys(mcpAfter).sort()).toEqual(["github", "search"]);
      expect(mcpAfter["github"]).toEqual(mcpBefore["github"]);
      // okta-local's state: every server but fetch's keeps its id, fetch's is gone, search's is new.
      const fetchServer = `stacklok-${STACK}-mcp-fetch`;
      const searchServer = `stacklok-${STACK}-mcp-search`;
      expect(idsAfter[fetchServer]).toBeUndefined();
      expect(idsAfter[searchServer]).toBeDefined();
      // A new server of its own, not fetch's renamed: no token or child of fetch's carries over.
      expect(Object.values(idsBefore)).not.toContain(idsAfter[searchServer]);
      expect(mcpAfter["search"]?.issuer).toBe(`${org.url}/oauth2/${String(idsAfter[searchServer])}`);
      const kept = Object.fromEntries(Object.entries(idsBefore).filter(([name]) => name !== fetchServer));
      const { [searchServer]: _added, ...keptAfter } = idsAfter;
      expect(keptAfter).toEqual(kept);

      // The token path still works on the kept and the new server.
      for (const name of ["github", "search"]) {
        const outcome = await signInAtMcpServer("cli", member(STACK), after.outputs, name, CALLBACK);
        expect({ name, verdict: outcome.signedIn ? outcome.components[mcpServerSlug(name)]?.verdict : refusal(outcome) }).toEqual({ name, verdict: "accepted" });
      }
    } finally {
      await org.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
