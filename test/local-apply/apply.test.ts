/**
 * The real program (index.ts) applied to a real okta-local org: what it
 * creates, that a second apply writes nothing, that a change updates in
 * place, what destroy deletes and keeps, and what is refused before any
 * request. Counts come from okta-local's own request log.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyStack, ApplyFailedError, LoopbackOnlyError, type ApplyOptions, type ApplyResult } from "../../tools/local-apply";
import { start, type OktaLocal } from "../../tools/okta-local";
import { runNode, type NodeRun } from "../support/nodeProcess";

const projectDir = resolve(__dirname, "..", "..");
const quiet = () => undefined;
/** Starting an org and applying a stack takes seconds; more on a loaded machine (npm test runs files in parallel). */
const HOOK_TIMEOUT = 180_000;
vi.setConfig({ testTimeout: 180_000 });

interface Org {
  okta: OktaLocal;
  stateDir: string;
  apply(stack: string, extra?: Partial<ApplyOptions>): Promise<ApplyResult>;
  /** Requests okta-local logged since `from`, writes only. */
  writesSince(from: number): { method: string; path: string }[];
  logged(): number;
}

async function freshOrg(): Promise<Org> {
  const okta = await start({ quiet: true });
  const stateDir = mkdtempSync(join(tmpdir(), "local-apply-test-"));
  return {
    okta,
    stateDir,
    apply: (stack, extra = {}) =>
      applyStack({ projectDir, stack, orgUrl: okta.url, apiToken: okta.apiToken, stateDir, log: quiet, ...extra }),
    writesSince: (from) =>
      okta
        .requests()
        .slice(from)
        .filter((r) => r.method !== "GET")
        .map(({ method, path }) => ({ method, path })),
    logged: () => okta.requests().length,
  };
}

async function dispose(org: Org | undefined): Promise<void> {
  if (!org) return;
  await org.okta.close();
  rmSync(org.stateDir, { recursive: true, force: true });
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === "object" ? (value as Json) : {});
const idFromIssuer = (issuer: unknown): string => String(issuer).split("/oauth2/")[1] ?? "";

describe("the prod example stack on okta-local", () => {
  let org: Org;
  let first: ApplyResult;
  beforeAll(async () => {
    org = await freshOrg();
    first = await org.apply("prod");
  }, HOOK_TIMEOUT);
  afterAll(() => dispose(org), HOOK_TIMEOUT);

  it("creates every object with the shape the program asks for, and outputs okta-local's ids", () => {
    const state = org.okta.store.state;
    const em = obj(first.outputs["enterpriseManager"]);
    const ui = obj(first.outputs["cloudUi"]);
    const emServer = state.authorizationServers[idFromIssuer(em["issuer"])];
    const uiServer = state.authorizationServers[idFromIssuer(ui["issuer"])];
    // One custom server per component, each with its own audience, issuing from okta-local's URL.
    expect(emServer?.["issuer"]).toBe(em["issuer"]);
    expect(uiServer?.["issuer"]).toBe(ui["issuer"]);
    expect(String(em["issuer"]).startsWith(`${org.okta.url}/oauth2/aus`)).toBe(true);
    expect(emServer?.["audiences"]).toEqual([em["audience"]]);
    expect(uiServer?.["audiences"]).toEqual([ui["audience"]]);
    expect(emServer?.["default"]).not.toBe(true);

    const scopeNames = (serverId: string) => Object.values(state.scopes[serverId] ?? {}).map((s) => s["name"]);
    expect(scopeNames(idFromIssuer(em["issuer"]))).toContain(em["requiredScope"]);
    expect(scopeNames(idFromIssuer(ui["issuer"]))).not.toContain(em["requiredScope"]);

    // prod's groups claim: a regex over Stacklok's group names.
    const groupsClaim = Object.values(state.claims[idFromIssuer(em["issuer"])] ?? {}).find((c) => c["name"] === "groups");
    expect(groupsClaim).toMatchObject({ valueType: "GROUPS", group_filter_type: "REGEX", value: "stacklok-.*", claimType: "RESOURCE" });

    // The EM server's policy admits the CLI app only; its rule carries prod's 30-minute tokens.
    const policies = Object.values(state.policies[idFromIssuer(em["issuer"])] ?? {});
    expect(policies).toHaveLength(1);
    expect(obj(obj(policies[0]?.["conditions"])["clients"])["include"]).toEqual([em["clientId"]]);
    const rules = Object.values(state.policyRules[String(policies[0]?.["id"])] ?? {});
    expect(rules).toHaveLength(1);
    expect(obj(obj(rules[0]?.["actions"])["token"])["accessTokenLifetimeMinutes"]).toBe(30);

    // The apps: a public PKCE client with both prod loopback URIs, and a confidential one.
    const cli = state.apps[String(em["clientId"])];
    expect(obj(obj(cli?.["credentials"])["oauthClient"])).toMatchObject({ token_endpoint_auth_method: "none", pkce_required: true });
    expect(obj(obj(cli?.["settings"])["oauthClient"])["redirect_uris"]).toEqual([
      "http://localhost:8666/callback",
      "http://127.0.0.1:8666/callback",
    ]);
    expect(ui["clientSecret"]).toBe(state.clientSecrets[String(ui["clientId"])]);
    expect(String(ui["clientSecret"]).length).toBeGreaterThan(20);
    expect(first.secretOutputPaths).toContain("cloudUi");

    // The access and admin groups, both assigned to both apps; the org-wide roles attribute.
    const groupId = (name: string) => Object.values(state.groups).find((g) => obj(g["profile"])["name"] === name)?.["id"];
    const groupIds = [groupId("stacklok-prod-users"), groupId("stacklok-prod-admins")];
    expect(groupIds.every((id) => typeof id === "string")).toBe(true);
    for (const clientId of [em["clientId"], ui["clientId"]]) {
      expect(Object.keys(state.appGroupAssignments[String(clientId)] ?? {}).sort()).toEqual([...groupIds].sort());
    }
    expect(state.userSchemaCustomProperties["roles"]).toMatchObject({ type: "array", items: { type: "string" } });
  });

  it("a second apply reads everything and writes nothing", async () => {
    const from = org.logged();
    const second = await org.apply("prod");
    expect(org.writesSince(from)).toEqual([]);
    expect(org.logged() - from).toBeGreaterThan(0);
    expect(second.steps.every((s) => s.step === "same")).toBe(true);
    expect(second.outputs).toEqual(first.outputs);
  });

  it("a changed token lifetime updates every server's rule in place and keeps every id", async () => {
    const from = org.logged();
    const changed = await org.apply("prod", { config: { accessTokenLifetimeMinutes: 45 } });
    const writes = org.writesSince(from);
    // One access rule per server: the two components' and the two MCP servers' in prod.
    const ruleCount = first.resources.filter((r) => r.type === "okta:auth/serverPolicyRule:ServerPolicyRule").length;
    expect(ruleCount).toBe(4);
    expect(writes.map((w) => w.method)).toEqual(Array<string>(ruleCount).fill("PUT"));
    for (const write of writes) expect(write.path).toMatch(/^\/api\/v1\/authorizationServers\/aus\w+\/policies\/00p\w+\/rules\/0pr\w+$/);
    const ids = (result: ApplyResult) => Object.fromEntries(result.resources.map((r) => [r.urn, r.id]));
    expect(ids(changed)).toEqual(ids(first));
    const ruleIds = changed.resources.filter((r) => r.type === "okta:auth/serverPolicyRule:ServerPolicyRule").map((r) => r.id);
    const rules = Object.values(org.okta.store.state.policyRules).flatMap((byId) => Object.values(byId));
    const ours = rules.filter((r) => ruleIds.includes(String(r["id"])));
    expect(ours.map((r) => obj(obj(r["actions"])["token"])["accessTokenLifetimeMinutes"])).toEqual(Array<number>(ruleCount).fill(45));
  });

  it("destroy refuses while resources are protected, and writes nothing", async () => {
    const from = org.logged();
    const refused = org.apply("prod", { destroy: true });
    await expect(refused).rejects.toThrow(ApplyFailedError);
    await expect(refused).rejects.toThrow(/refusing to delete protected resources:[\s\S]*okta:auth\/server:Server::enterprise-manager/);
    expect(org.writesSince(from)).toEqual([]);
  });

  it("once unprotected, destroy deletes the stack's objects and keeps the retained roles attribute", async () => {
    const unprotect = org.logged();
    await org.apply("prod", { config: { protect: false, accessTokenLifetimeMinutes: 45 } });
    // Protection is engine state: turning it off changes nothing in the org.
    expect(org.writesSince(unprotect)).toEqual([]);

    const from = org.logged();
    const destroyed = await org.apply("prod", { destroy: true });
    const state = org.okta.store.state;
    expect(destroyed.outputs).toEqual({});
    expect(destroyed.resources).toEqual([]);
    expect(Object.keys(state.apps)).toEqual([]);
    expect(Object.values(state.authorizationServers).map((s) => s["name"])).toEqual(["default"]);
    expect(Object.values(state.groups).map((g) => obj(g["profile"])["name"])).not.toContain("stacklok-prod-users");
    expect(state.userSchemaCustomProperties["roles"]).toBeDefined();
    const writes = org.writesSince(from);
    // Apps are deactivated before they are deleted; children go before their server.
    const appDeletes = writes.filter((w) => /^\/api\/v1\/apps\/0oa\w+$/.test(w.path));
    expect(appDeletes.map((w) => w.method)).toEqual(["DELETE", "DELETE"]);
    expect(writes.filter((w) => w.path.endsWith("/lifecycle/deactivate") && w.path.startsWith("/api/v1/apps/"))).toHaveLength(2);
    const serverDelete = writes.findIndex((w) => w.method === "DELETE" && /^\/api\/v1\/authorizationServers\/aus\w+$/.test(w.path));
    const ruleDelete = writes.findIndex((w) => w.method === "DELETE" && w.path.includes("/rules/"));
    expect(ruleDelete).toBeGreaterThanOrEqual(0);
    expect(ruleDelete).toBeLessThan(serverDelete);
  });
});

describe("resources the program no longer registers", () => {
  let org: Org;
  beforeAll(async () => {
    org = await freshOrg();
    await org.apply("prod");
  }, HOOK_TIMEOUT);
  afterAll(() => dispose(org), HOOK_TIMEOUT);

  it("a dropped claim is deleted from every server; the unmanaged roles attribute stays in the org", async () => {
    const from = org.logged();
    const result = await org.apply("prod", {
      config: { claims: { groups: { groupsRegex: "stacklok-.*" }, email: { enabled: false } }, manageRolesAttribute: false },
    });
    const writes = org.writesSince(from);
    // prod has four servers (two components, two MCP servers), each with its own email claim.
    const servers = result.resources.filter((r) => r.type === "okta:auth/server:Server");
    expect(servers).toHaveLength(4);
    expect(writes.map((w) => w.method)).toEqual(Array<string>(servers.length).fill("DELETE"));
    for (const write of writes) expect(write.path).toMatch(/^\/api\/v1\/authorizationServers\/aus\w+\/claims\/ocl\w+$/);
    // Access-token claims only: a new server also has Okta's system ID-token claims (email among them).
    const claimNames = Object.values(org.okta.store.state.claims).flatMap((byId) =>
      Object.values(byId)
        .filter((c) => c["claimType"] === "RESOURCE")
        .map((c) => c["name"]),
    );
    expect(claimNames).not.toContain("email");
    expect(claimNames).toContain("groups");
    // retainOnDelete: gone from the stack, still in the org for every user's roles.
    expect(result.resources.map((r) => r.type)).not.toContain("okta:index/userSchemaProperty:UserSchemaProperty");
    expect(org.okta.store.state.userSchemaCustomProperties["roles"]).toBeDefined();
  });
});

describe("an authentication policy given in config", () => {
  let org: Org;
  afterAll(() => dispose(org), HOOK_TIMEOUT);

  it("is assigned to both apps through the app-policy call, and read back so a second apply writes nothing", async () => {
    org = await freshOrg();
    const listed = await fetch(`${org.okta.url}/api/v1/policies?type=ACCESS_POLICY`, {
      headers: { Authorization: `SSWS ${org.okta.apiToken}`, Accept: "application/json" },
    });
    const policyId = String(((await listed.json()) as Json[]).find((p) => p["system"] === true)?.["id"]);
    const from = org.logged();
    const result = await org.apply("prod", { config: { authenticationPolicyId: policyId, protect: false } });
    const requests = org.okta.requests().slice(from);
    const clientIds = [obj(result.outputs["enterpriseManager"])["clientId"], obj(result.outputs["cloudUi"])["clientId"]];
    for (const clientId of clientIds) {
      expect(requests).toContainEqual(expect.objectContaining({ method: "PUT", path: `/api/v1/apps/${String(clientId)}/policies/${policyId}` }));
    }
    // Classic or Identity Engine is asked once per run, as the provider caches it.
    expect(requests.filter((r) => r.path === "/.well-known/okta-organization")).toHaveLength(1);

    const again = org.logged();
    await org.apply("prod", { config: { authenticationPolicyId: policyId, protect: false } });
    expect(org.writesSince(again)).toEqual([]);
  });
});

describe("apps assigned more than one group", () => {
  let org: Org;
  afterAll(() => dispose(org), HOOK_TIMEOUT);

  it("a second apply writes nothing, whatever priorities Okta numbered the assignments with", async () => {
    org = await freshOrg();
    const config = { allowEveryone: true, protect: false };
    const first = await org.apply("prod", { config });
    const ui = obj(first.outputs["cloudUi"]);
    const assignments = Object.values(org.okta.store.state.appGroupAssignments[String(ui["clientId"])] ?? {});
    // The users group, the admins group and Everyone.
    expect(assignments).toHaveLength(3);
    const again = org.logged();
    await org.apply("prod", { config });
    expect(org.writesSince(again)).toEqual([]);
  });
});

describe("changed redirect URIs", () => {
  let org: Org;
  afterAll(() => dispose(org), HOOK_TIMEOUT);

  it("update both apps in place: the same client ids, the Cloud UI's secret unchanged and still Okta's", async () => {
    org = await freshOrg();
    const first = await org.apply("prod");
    const from = org.logged();
    const moved = await org.apply("prod", { config: { cloudUiUrl: "https://ui.example.org", cliRedirectUris: ["http://localhost:9999/callback"] } });
    const writes = org.writesSince(from);
    const before = { cli: obj(first.outputs["enterpriseManager"]), ui: obj(first.outputs["cloudUi"]) };
    const after = { cli: obj(moved.outputs["enterpriseManager"]), ui: obj(moved.outputs["cloudUi"]) };
    expect(after.cli["clientId"]).toBe(before.cli["clientId"]);
    expect(after.ui["clientId"]).toBe(before.ui["clientId"]);
    expect(writes.map((w) => `${w.method} ${w.path}`).sort()).toEqual(
      [`PUT /api/v1/apps/${String(before.cli["clientId"])}`, `PUT /api/v1/apps/${String(before.ui["clientId"])}`].sort(),
    );
    expect(after.ui["clientSecret"]).toBe(before.ui["clientSecret"]);
    expect(after.ui["clientSecret"]).toBe(org.okta.store.state.clientSecrets[String(after.ui["clientId"])]);
    const settings = (clientId: unknown) => obj(obj(org.okta.store.state.apps[String(clientId)]?.["settings"])["oauthClient"]);
    expect(settings(after.ui["clientId"])["redirect_uris"]).toEqual([expect.stringMatching(/^https:\/\/ui\.example\.org\/\S+/)]);
    expect(settings(after.cli["clientId"])["redirect_uris"]).toEqual(["http://localhost:9999/callback"]);
  });
});

describe("the dev example stack on okta-local", () => {
  let org: Org;
  let first: ApplyResult;
  beforeAll(async () => {
    org = await freshOrg();
    first = await org.apply("dev");
  }, HOOK_TIMEOUT);
  afterAll(() => dispose(org), HOOK_TIMEOUT);

  it("applies single mode on its own custom server: one audience, one issuer for both components, default left alone", () => {
    const state = org.okta.store.state;
    const em = obj(first.outputs["enterpriseManager"]);
    const ui = obj(first.outputs["cloudUi"]);
    expect(first.outputs["mode"]).toBe("single");
    // One server serves both components: the same issuer and audience in both outputs.
    expect(ui["issuer"]).toBe(em["issuer"]);
    expect(ui["audience"]).toBe(em["audience"]);
    expect(String(em["issuer"]).startsWith(`${org.okta.url}/oauth2/aus`)).toBe(true);
    const server = state.authorizationServers[idFromIssuer(em["issuer"])];
    expect(server).toMatchObject({ name: "stacklok-dev", issuer: em["issuer"], audiences: [em["audience"]], status: "ACTIVE" });
    expect(server?.["default"]).not.toBe(true);
    const servers = Object.values(state.authorizationServers);
    expect(servers.map((s) => s["name"]).sort()).toEqual(["default", "stacklok-dev"]);
    expect(servers.find((s) => s["default"] === true)?.["audiences"]).toEqual(["api://default"]);
    const scopeNames = Object.values(state.scopes[String(server?.["id"])] ?? {}).map((s) => s["name"]);
    expect(scopeNames).toContain(em["requiredScope"]);

    // Both apps get tokens from that server; the Cloud UI is a dashboard tile opening its URL, the CLI is hidden.
    const policies = Object.values(state.policies[String(server?.["id"])] ?? {});
    const admitted = policies.flatMap((p) => obj(obj(p["conditions"])["clients"])["include"] as unknown[]);
    expect(admitted.sort()).toEqual([em["clientId"], ui["clientId"]].sort());
    const cli = state.apps[String(em["clientId"])];
    const cloudUi = state.apps[String(ui["clientId"])];
    expect(cli?.["label"]).toMatch(/dev/);
    expect(obj(cli?.["visibility"])["hide"]).toEqual({ iOS: true, web: true });
    expect(obj(cloudUi?.["visibility"])["hide"]).toEqual({ iOS: true, web: false });
    expect(obj(obj(cloudUi?.["settings"])["oauthClient"])).toMatchObject({
      initiate_login_uri: "https://stacklok.dev.example.com",
      idp_initiated_login: { mode: "SPEC", default_scope: [] },
    });
    expect(ui["clientSecret"]).toBe(state.clientSecrets[String(ui["clientId"])]);
  });

  it("a second apply writes nothing", async () => {
    const from = org.logged();
    const second = await org.apply("dev");
    expect(org.writesSince(from)).toEqual([]);
    expect(second.steps.every((s) => s.step === "same")).toBe(true);
    expect(second.outputs).toEqual(first.outputs);
  });

  it("applies the dev stack per component, each server with its own issuer", async () => {
    const fresh = await freshOrg();
    try {
      const result = await fresh.apply("dev", { config: { mode: "per-component", authorizationServer: null } });
      const em = obj(result.outputs["enterpriseManager"]);
      const ui = obj(result.outputs["cloudUi"]);
      expect(em["issuer"]).not.toBe(ui["issuer"]);
      for (const issuer of [em["issuer"], ui["issuer"]]) {
        expect(fresh.okta.store.state.authorizationServers[idFromIssuer(issuer)]?.["issuer"]).toBe(issuer);
      }
      expect(fresh.okta.store.state.apps[String(em["clientId"])]?.["label"]).toMatch(/dev/);
    } finally {
      await dispose(fresh);
    }
  });
});

describe("single mode adopting default", () => {
  let org: Org;
  let defaultId: string;
  let first: ApplyResult;
  let firstWrites: { method: string; path: string }[];
  beforeAll(async () => {
    org = await freshOrg();
    // An org whose default server issues with DYNAMIC, not the ORG_URL a new server gets.
    const found = Object.values(org.okta.store.state.authorizationServers).find((s) => s["default"] === true);
    defaultId = String(found?.["id"]);
    const put = await fetch(`${org.okta.url}/api/v1/authorizationServers/${defaultId}`, {
      method: "PUT",
      headers: { authorization: `SSWS ${org.okta.apiToken}`, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ name: "default", description: "Default Authorization Server for your Applications", audiences: ["api://default"], issuerMode: "DYNAMIC" }),
    });
    if (put.status !== 200) throw new Error(`setting default's issuer mode: ${put.status} ${await put.text()}`);
    const from = org.logged();
    first = await org.apply("dev", { config: { authorizationServer: "default" } });
    firstWrites = org.writesSince(from);
  }, HOOK_TIMEOUT);
  afterAll(() => dispose(org), HOOK_TIMEOUT);

  it("PUTs default with the one audience and the issuer mode it already had, and creates no server", () => {
    const em = obj(first.outputs["enterpriseManager"]);
    const ui = obj(first.outputs["cloudUi"]);
    expect(em["issuer"]).toBe(`${org.okta.url}/oauth2/default`);
    expect(ui["issuer"]).toBe(em["issuer"]);
    expect(ui["audience"]).toBe(em["audience"]);
    expect(firstWrites.filter((w) => w.method === "PUT" && w.path === `/api/v1/authorizationServers/${defaultId}`)).toHaveLength(1);
    expect(firstWrites.filter((w) => w.method === "POST" && w.path === "/api/v1/authorizationServers")).toEqual([]);
    const servers = Object.values(org.okta.store.state.authorizationServers);
    expect(servers.map((s) => s["name"])).toEqual(["default"]);
    expect(servers[0]).toMatchObject({ audiences: [em["audience"]], issuerMode: "DYNAMIC" });
    // The program asks for that mode itself (the provider keeps what it is given), not Okta keeping the old one.
    const adopted = first.resources.find((r) => r.type === "okta:index/authServerDefault:AuthServerDefault");
    expect(adopted?.inputs).toMatchObject({ name: "default", audiences: [em["audience"]], issuerMode: "DYNAMIC" });
  });

  it("a second apply writes nothing", async () => {
    const from = org.logged();
    const second = await org.apply("dev", { config: { authorizationServer: "default" } });
    expect(org.writesSince(from)).toEqual([]);
    expect(second.outputs).toEqual(first.outputs);
  });
});

describe("two audiences on one server", () => {
  let org: Org;
  beforeAll(async () => {
    org = await freshOrg();
  }, HOOK_TIMEOUT);
  afterAll(() => dispose(org), HOOK_TIMEOUT);

  it("okta-local refuses them with Okta's error", async () => {
    const created = await fetch(`${org.okta.url}/api/v1/authorizationServers`, {
      method: "POST",
      headers: { authorization: `SSWS ${org.okta.apiToken}`, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ name: "shared", description: "two audiences", audiences: ["enterprise-manager", "cloud-ui"] }),
    });
    expect(created.status).toBe(400);
    const error = obj(await created.json());
    expect(error["errorCode"]).toBe("E0000001");
    expect(error["errorCauses"]).toEqual([{ errorSummary: "audiences: 'audiences' must be an array with exactly one value." }]);
    expect(Object.values(org.okta.store.state.authorizationServers).map((s) => s["name"])).toEqual(["default"]);
  });

  it("the program refuses a second audience in single mode before any request", async () => {
    const before = org.logged();
    const refused = org.apply("dev", { config: { audiences: { enterpriseManager: "enterprise-manager", cloudUi: "cloud-ui" } } });
    await expect(refused).rejects.toThrow(ApplyFailedError);
    await expect(refused).rejects.toThrow(/audiences\.cloudUi[\s\S]*exactly one audience per authorization server/);
    expect(org.logged()).toBe(before);
  });
});

describe("what is refused before any request", () => {
  let org: Org;
  beforeAll(async () => {
    org = await freshOrg();
  }, HOOK_TIMEOUT);
  afterAll(() => dispose(org), HOOK_TIMEOUT);

  it("an org URL that is not loopback", async () => {
    await expect(
      applyStack({ projectDir, stack: "prod", orgUrl: "https://acme.okta.com", apiToken: org.okta.apiToken, stateDir: org.stateDir, log: quiet }),
    ).rejects.toThrow(LoopbackOnlyError);
  });

  it("bad config: the program's validation error, and okta-local sees nothing at all", async () => {
    const before = org.logged();
    await expect(org.apply("prod", { config: { accessTokenLifetimeMinutes: 1 } })).rejects.toThrow(/accessTokenLifetimeMinutes/);
    expect(org.logged()).toBe(before);
    expect(before).toBe(0);
  });
});

describe("npm run local:apply", () => {
  let org: Org;
  beforeAll(async () => {
    org = await freshOrg();
  }, HOOK_TIMEOUT);
  afterAll(() => dispose(org), HOOK_TIMEOUT);

  function cli(...args: string[]): Promise<NodeRun> {
    return runNode([join(projectDir, "tools", "local-apply", "main.cjs"), ...args], {
      cwd: projectDir,
      env: { ...process.env, OKTA_API_TOKEN: org.okta.apiToken },
    });
  }

  it("with --show-secrets, prints only the stack outputs on stdout, secrets shown, and keeps them off stderr", async () => {
    const run = await cli("--stack", "prod", "--org", org.okta.url, "--state-dir", org.stateDir, "--show-secrets");
    expect(run.code).toBe(0);
    const outputs = JSON.parse(run.stdout) as Json;
    // Nothing but the outputs, printed as the Pulumi CLI prints JSON (keys sorted, as Go marshals maps).
    expect(run.stdout).toBe(`${JSON.stringify(outputs, null, 2)}\n`);
    expect(Object.keys(outputs)).toEqual([...Object.keys(outputs)].sort());
    expect(Object.keys(obj(outputs["cloudUi"]))).toEqual(["audience", "clientId", "clientSecret", "issuer", "jwksUri"]);
    const ui = obj(outputs["cloudUi"]);
    expect(ui["clientSecret"]).toBe(org.okta.store.state.clientSecrets[String(ui["clientId"])]);
    expect(outputs["mode"]).toBe("per-component");
    expect(run.stderr).toContain("create");
    expect(run.stderr).not.toContain(String(ui["clientSecret"]));
    expect(run.stderr).not.toContain(org.okta.apiToken);
  });

  it("without --show-secrets, prints each output the program made secret as [secret], as pulumi stack output does", async () => {
    const run = await cli("--stack", "prod", "--org", org.okta.url, "--state-dir", org.stateDir);
    expect(run.code).toBe(0);
    const outputs = JSON.parse(run.stdout) as Json;
    expect(run.stdout).toBe(`${JSON.stringify(outputs, null, 2)}\n`);
    // The masked outputs are exactly the ones the program marked secret (the library reports where they were).
    const applied = await org.apply("prod");
    const masked = Object.keys(outputs).filter((key) => outputs[key] === "[secret]");
    expect(masked.sort()).toEqual([...applied.secretOutputPaths].sort());
    expect(masked.sort()).toEqual(["chartValues", "chartValuesYaml", "cloudUi"]);
    // Everything else is printed as the library returns it.
    for (const key of Object.keys(applied.outputs).filter((k) => !masked.includes(k))) expect(outputs[key]).toEqual(applied.outputs[key]);
    const secret = String(obj(applied.outputs["cloudUi"])["clientSecret"]);
    expect(secret.length).toBeGreaterThan(20);
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  });

  it("keeps the state file, which holds the client secret in clear, readable by its owner only", async () => {
    const applied = await org.apply("prod");
    expect(readFileSync(applied.statePath, "utf8")).toContain(String(obj(applied.outputs["cloudUi"])["clientSecret"]));
    expect(statSync(applied.statePath).mode & 0o777).toBe(0o600);
  });

  it("exits 2 on a non-loopback org without a request", async () => {
    const before = org.logged();
    const run = await cli("--stack", "prod", "--org", "https://acme.okta.com");
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/refusing "https:\/\/acme\.okta\.com"/);
    expect(org.logged()).toBe(before);
  });
});
