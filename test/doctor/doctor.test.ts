/**
 * `npm run doctor`'s diagnosis and repairs, held against okta-local orgs the
 * `local` stack was applied to (by local-apply) and then broken the ways an
 * interrupted, retried or shared apply breaks them; the Pulumi side comes
 * from export documents and a stand-in CLI that records the repairs.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OktaType } from "../../components/facts";
import { EXIT, type DoctorReport } from "../../tools/doctor";
import { renderJson, renderText } from "../../tools/doctor/render";
import type { OktaLocal } from "../../tools/okta-local";
import { API_TOKEN, appliedOrg, call, exportOf, fakePulumi, localConfig, projectDir, runDoctor, type AppliedOrg } from "./support";

const T = OktaType;
let applied: AppliedOrg;
let org: OktaLocal | undefined;

beforeAll(async () => {
  applied = await appliedOrg("local");
}, 120_000);
afterAll(() => applied?.dispose());
afterEach(async () => {
  await org?.close();
  org = undefined;
});

async function fork(): Promise<OktaLocal> {
  org = await applied.fork();
  return org;
}

const localApply = (o: OktaLocal, fix = false) => runDoctor({ stack: "local", projectDir, localApply: { stateDir: applied.stateDir }, orgUrl: o.url, apiToken: API_TOKEN, fix, env: {} });
const kinds = (report: DoctorReport) => report.findings.map((f) => f.kind).sort();
const resource = (type: string, name: string) => {
  const found = applied.state.resources.find((r) => r.type === type && r.urn.endsWith(`::${name}`));
  if (!found?.id) throw new Error(`no ${type} ${name} in the state`);
  return found;
};

/** A second app with the first's label and settings, as a retried POST /api/v1/apps makes. */
async function duplicateApp(o: OktaLocal, appId: string, notes?: unknown): Promise<string> {
  const app = await call(o, "GET", `/api/v1/apps/${appId}`);
  const credentials = app["credentials"] as { oauthClient: Record<string, unknown> };
  const { client_id: _clientId, ...oauthClient } = credentials.oauthClient;
  const settings = app["settings"] as Record<string, unknown>;
  const copy = { name: app["name"], label: app["label"], signOnMode: "OPENID_CONNECT", credentials: { oauthClient }, settings: notes === undefined ? settings : { ...settings, notes } };
  return String((await call(o, "POST", "/api/v1/apps?activate=true", copy))["id"]);
}

describe("a stack that matches its org", () => {
  it("has no findings and exits 0, reading only (GET requests alone)", async () => {
    const o = await fork();
    const before = o.requests().length;
    const report = await localApply(o);
    expect(report.error).toBeUndefined();
    expect(report.findings).toEqual([]);
    expect(report.exitCode).toBe(EXIT.clean);
    const sent = o.requests().slice(before);
    expect(sent.length).toBeGreaterThan(5);
    expect(sent.filter((r) => r.method !== "GET")).toEqual([]);
  });
});

describe("objects the state does not own", () => {
  it("a duplicate app with this stack's marker (a retried create): reported with its delete commands; --fix deletes it and only it", async () => {
    const o = await fork();
    const cli = resource(T.oauthApp, "cli-desktop");
    const duplicate = await duplicateApp(o, cli.id ?? "");
    const report = await localApply(o);
    expect(kinds(report)).toEqual(["duplicate"]);
    const [finding] = report.findings;
    expect(finding).toMatchObject({ kind: "duplicate", type: T.oauthApp, name: "cli-desktop", oktaId: duplicate, deletableApp: true, urn: cli.urn });
    expect(finding?.commands).toEqual([
      `curl -fsS -X POST -H "Authorization: SSWS $OKTA_API_TOKEN" ${o.url}/api/v1/apps/${duplicate}/lifecycle/deactivate`,
      `curl -fsS -X DELETE -H "Authorization: SSWS $OKTA_API_TOKEN" ${o.url}/api/v1/apps/${duplicate}`,
    ]);
    expect(report.exitCode).toBe(EXIT.findings);

    const appsBefore = Object.keys(o.store.state.apps).length;
    const fixed = await localApply(o, true);
    expect(fixed.fixed).toEqual([`deleted the duplicate app ${duplicate} of cli-desktop`]);
    expect(fixed.findings).toEqual([]);
    expect(fixed.exitCode).toBe(EXIT.clean);
    expect(Object.keys(o.store.state.apps).sort()).toEqual(Object.keys(o.store.state.apps).filter((id) => id !== duplicate).sort());
    expect(Object.keys(o.store.state.apps)).toHaveLength(appsBefore - 1);
    expect(o.store.state.apps[cli.id ?? ""]).toBeDefined();
  });

  it("a marked duplicate is not deleted when the state's own app is gone too: it may be the one to keep", async () => {
    const o = await fork();
    const cli = resource(T.oauthApp, "cli-desktop");
    const duplicate = await duplicateApp(o, cli.id ?? "");
    await call(o, "POST", `/api/v1/apps/${cli.id ?? ""}/lifecycle/deactivate`);
    await call(o, "DELETE", `/api/v1/apps/${cli.id ?? ""}`);
    const report = await localApply(o, true);
    expect(report.fixed).toEqual([]);
    expect(report.findings.find((f) => f.kind === "duplicate")).toMatchObject({ oktaId: duplicate, deletableApp: false });
    expect(o.store.state.apps[duplicate]).toBeDefined();
  });

  it("an app with the stack's label but no marker is reported, never deleted", async () => {
    const o = await fork();
    const cli = resource(T.oauthApp, "cli-desktop");
    const unmarked = await duplicateApp(o, cli.id ?? "", { admin: null, enduser: null });
    const report = await localApply(o, true);
    expect(report.fixed).toEqual([]);
    expect(report.findings).toMatchObject([{ kind: "name_taken", oktaId: unmarked, name: "cli-desktop" }]);
    expect(report.findings[0]?.message).toContain("no stack's marker");
    expect(o.store.state.apps[unmarked]).toBeDefined();
  });

  it("an app marked by another stack with this stack's label is another stack's: reported, not deleted", async () => {
    const o = await fork();
    const cli = resource(T.oauthApp, "cli-desktop");
    const other = await duplicateApp(o, cli.id ?? "", { admin: "resource cli-desktop managed by Pulumi stack stacklok-identity/other", enduser: null });
    const report = await localApply(o, true);
    expect(report.findings).toMatchObject([{ kind: "name_taken", oktaId: other }]);
    expect(report.findings[0]?.advice).toContain("environment");
    expect(o.store.state.apps[other]).toBeDefined();
  });

  it("an object in the state but gone from the org", async () => {
    const o = await fork();
    const group = resource(T.group, "admin-group");
    await call(o, "DELETE", `/api/v1/groups/${group.id ?? ""}`);
    const report = await localApply(o);
    expect(report.findings).toMatchObject([{ kind: "missing", urn: group.urn, oktaId: group.id }]);
  });
});

describe("what stops tokens although a preview is clean", () => {
  it("another active policy evaluated first for the stack's clients, and a claim of the same name from another source", async () => {
    const o = await fork();
    const server = resource(T.authServer, "enterprise-manager");
    const policy = await call(o, "POST", `/api/v1/authorizationServers/${server.id ?? ""}/policies`, { type: "OAUTH_AUTHORIZATION_POLICY", name: "someone-elses", description: "made by hand", priority: 1, status: "ACTIVE", conditions: { clients: { include: ["ALL_CLIENTS"] } } });
    const claim = await call(o, "POST", `/api/v1/authorizationServers/${server.id ?? ""}/claims`, { name: "groups", claimType: "IDENTITY", valueType: "GROUPS", group_filter_type: "REGEX", value: ".*", status: "ACTIVE", alwaysIncludeInToken: true });
    // An inactive policy decides nothing.
    await call(o, "POST", `/api/v1/authorizationServers/${server.id ?? ""}/policies`, { type: "OAUTH_AUTHORIZATION_POLICY", name: "inactive", description: "off", priority: 1, status: "INACTIVE", conditions: { clients: { include: ["ALL_CLIENTS"] } } });
    const report = await localApply(o);
    expect(kinds(report)).toEqual(["claim_conflict", "policy_shadowed"]);
    expect(report.findings.find((f) => f.kind === "policy_shadowed")).toMatchObject({ oktaId: policy["id"] });
    expect(report.findings.find((f) => f.kind === "claim_conflict")).toMatchObject({ oktaId: claim["id"], urn: resource(T.serverClaim, "enterprise-manager-claim-groups").urn });
  });

  it("users in more groups than the groups claim allows (Okta's 100)", async () => {
    const o = await fork();
    const user = await call(o, "POST", "/api/v1/users?activate=true", { profile: { login: "many.groups@example.com", email: "many.groups@example.com", firstName: "Many", lastName: "Groups" }, credentials: { password: { value: "Many-Groups-1" } } });
    const usersGroup = resource(T.group, "access-group");
    await call(o, "PUT", `/api/v1/groups/${usersGroup.id ?? ""}/users/${String(user["id"])}`);
    // With Everyone and the users group, 99 more make 101 names matching ".*".
    for (let i = 0; i < 99; i++) {
      const group = await call(o, "POST", "/api/v1/groups", { profile: { name: `team-${i}` } });
      await call(o, "PUT", `/api/v1/groups/${String(group["id"])}/users/${String(user["id"])}`);
    }
    const report = await localApply(o);
    const overflow = report.findings.filter((f) => f.kind === "groups_claim_overflow");
    // The local stack has two servers, each with its own groups claim.
    expect(overflow).toHaveLength(2);
    for (const finding of overflow) expect(finding.message).toContain("many.groups@example.com (101)");
  }, 60_000);
});

describe("a Pulumi stack (export, config and backend from the CLI)", () => {
  const config = (o: OktaLocal) => localConfig(o.url);

  it("finds the org through the stack's config and never prints the token", async () => {
    const o = await fork();
    const pulumi = fakePulumi({ exports: () => exportOf(applied.state), config: config(o) });
    const report = await runDoctor({ stack: "local", projectDir, pulumi: pulumi.runner, env: {} });
    expect(report).toMatchObject({ exitCode: EXIT.clean, source: "pulumi", orgUrl: o.url, findings: [] });
    expect(pulumi.calls.map((c) => c.slice(0, 2).join(" "))).toEqual(["stack export", "config --show-secrets", "whoami --verbose"]);
    expect(report.notes.join(" ")).toContain("locks not checked");
    for (const text of [renderJson(report), renderText(report)]) expect(text).not.toContain(API_TOKEN);
  });

  it("a pending create that happened: the import command with type, name, id and parent; one that did not: cleared", async () => {
    const o = await fork();
    const server = resource(T.authServer, "cloud-ui");
    const app = resource(T.oauthApp, "cloud-ui");
    // The app's create never reached the org.
    await call(o, "POST", `/api/v1/apps/${app.id ?? ""}/lifecycle/deactivate`);
    await call(o, "DELETE", `/api/v1/apps/${app.id ?? ""}`);
    // Interrupted at the app's create, the app's assignments were never made either.
    const beforeAssignments = { ...applied.state, resources: applied.state.resources.filter((r) => !r.urn.endsWith("::cloud-ui-groups")) };
    const document = exportOf(beforeAssignments, [
      { type: "creating", urn: server.urn },
      { type: "creating", urn: app.urn },
    ]);
    const pulumi = fakePulumi({ exports: () => document, config: config(o) });
    const report = await runDoctor({ stack: "local", projectDir, pulumi: pulumi.runner, env: {} });
    const succeeded = report.findings.find((f) => f.kind === "pending_create_succeeded");
    const parent = "urn:pulumi:local::stacklok-identity::stacklok:identity:PlatformIdentity$stacklok:identity:AuthorizationServer::cloud-ui";
    expect(succeeded).toMatchObject({ urn: server.urn, importSpec: { type: T.authServer, name: "cloud-ui", id: server.id, parentUrn: parent } });
    expect(succeeded?.commands).toEqual([
      "pulumi refresh --clear-pending-creates --yes --stack local",
      `pulumi import okta:auth/server:Server cloud-ui ${server.id ?? ""} --parent 'parent=${parent}' --protect=false --generate-code=false --yes --stack local`,
    ]);
    expect(report.findings.find((f) => f.kind === "pending_create_absent")).toMatchObject({ urn: app.urn, commands: ["pulumi refresh --clear-pending-creates --yes --stack local"] });
    expect(report.repairs.steps).toEqual([
      "pulumi refresh --clear-pending-creates --yes --stack local",
      succeeded?.commands[1],
      "pulumi up --stack local",
    ]);
    expect(report.repairs.importFile).toEqual({ nameTable: { parent0: parent }, resources: [{ type: T.authServer, name: "cloud-ui", id: server.id, parent: "parent0" }] });
  });

  it("--fix clears the pending creates, imports the one that happened from a file, and reports what is left", async () => {
    const o = await fork();
    const server = resource(T.authServer, "cloud-ui");
    let repaired = false;
    let importFile: unknown;
    const pulumi = fakePulumi({
      exports: () => (repaired ? exportOf(applied.state) : exportOf(applied.state, [{ type: "creating", urn: server.urn }])),
      config: config(o),
      onCommand: (args) => {
        if (args[0] === "import") {
          importFile = JSON.parse(readFileSync(args[args.indexOf("--file") + 1] ?? "", "utf8"));
          repaired = true;
        }
      },
    });
    const report = await runDoctor({ stack: "local", projectDir, pulumi: pulumi.runner, env: {}, fix: true });
    const repairs = pulumi.calls.filter((c) => !["stack", "config", "whoami"].includes(c[0] ?? ""));
    expect(repairs.map((c) => c.filter((a) => !a.startsWith("/")).join(" "))).toEqual([
      "refresh --clear-pending-creates --yes --skip-preview --stack local",
      "import --file --protect=false --generate-code=false --yes --skip-preview --stack local",
    ]);
    const parent = "urn:pulumi:local::stacklok-identity::stacklok:identity:PlatformIdentity$stacklok:identity:AuthorizationServer::cloud-ui";
    expect(importFile).toEqual({ nameTable: { parent0: parent }, resources: [{ type: T.authServer, name: "cloud-ui", id: server.id, parent: "parent0" }] });
    expect(report.fixed).toHaveLength(2);
    expect(report).toMatchObject({ exitCode: EXIT.clean, findings: [] });
  });

  it("--fix leaves an ambiguous pending create (two apps match) to a person", async () => {
    const o = await fork();
    const app = resource(T.oauthApp, "cli-desktop");
    const second = await duplicateApp(o, app.id ?? "");
    const state = { ...applied.state, resources: applied.state.resources.filter((r) => !r.urn.endsWith("::cli-desktop-groups")) };
    const pulumi = fakePulumi({ exports: () => exportOf(state, [{ type: "creating", urn: app.urn }]), config: config(o) });
    const report = await runDoctor({ stack: "local", projectDir, pulumi: pulumi.runner, env: {}, fix: true });
    expect(report.fixed).toEqual([]);
    const ambiguous = report.findings.find((f) => f.kind === "pending_create_ambiguous");
    expect(ambiguous?.message).toContain(app.id ?? "");
    expect(ambiguous?.message).toContain(second);
    expect(o.store.state.apps[second]).toBeDefined();
    expect(pulumi.calls.filter((c) => c[0] === "refresh" || c[0] === "import")).toEqual([]);
  });

  it("a stale lock on a file backend: pulumi cancel; --fix runs it only when its process is provably gone", async () => {
    const o = await fork();
    const backend = mkdtempSync(join(tmpdir(), "doctor-backend-"));
    try {
      const lockDir = join(backend, ".pulumi", "locks", "organization", "stacklok-identity", "local");
      mkdirSync(lockDir, { recursive: true });
      // A pid no process has: the CLI that wrote it was killed.
      writeFileSync(join(lockDir, "4b1c2d3e.json"), JSON.stringify({ pid: 2 ** 22 + 7, username: "ci", hostname: hostname(), timestamp: "2026-01-01T00:00:00Z" }));
      const pulumi = fakePulumi({ exports: () => exportOf(applied.state), config: config(o), backendUrl: pathToFileURL(backend).href, onCommand: (args) => void (args[0] === "cancel" && rmSync(lockDir, { recursive: true, force: true })) });
      const report = await runDoctor({ stack: "local", projectDir, pulumi: pulumi.runner, env: {} });
      expect(report.findings).toMatchObject([{ kind: "lock", lock: { pid: 2 ** 22 + 7, stale: true }, commands: ["pulumi cancel --yes --stack local"] }]);
      const fixed = await runDoctor({ stack: "local", projectDir, pulumi: pulumi.runner, env: {}, fix: true });
      expect(pulumi.calls.filter((c) => c[0] === "cancel")).toEqual([["cancel", "--yes", "--stack", "local"]]);
      expect(fixed).toMatchObject({ exitCode: EXIT.clean, findings: [] });

      // A live process's lock is an update in progress: reported, never cancelled.
      mkdirSync(lockDir, { recursive: true });
      writeFileSync(join(lockDir, "live.json"), JSON.stringify({ pid: process.pid, username: "ci", hostname: hostname(), timestamp: "2026-01-01T00:00:00Z" }));
      const live = await runDoctor({ stack: "local", projectDir, pulumi: pulumi.runner, env: {}, fix: true });
      expect(live.findings).toMatchObject([{ kind: "lock", lock: { stale: false }, commands: [] }]);
      expect(pulumi.calls.filter((c) => c[0] === "cancel")).toHaveLength(1);
    } finally {
      rmSync(backend, { recursive: true, force: true });
    }
  });

  it("the default server adopted by this stack but marked by another", async () => {
    const o = await fork();
    const defaultServer = Object.values(o.store.state.authorizationServers).find((s) => s["default"] === true);
    await call(o, "PUT", `/api/v1/authorizationServers/${String(defaultServer?.["id"])}`, { name: "default", audiences: ["api://default"], description: "tokens (other); resource default managed by Pulumi stack stacklok-identity/other" });
    const adopted = {
      ...applied.state,
      resources: [
        ...applied.state.resources,
        { urn: "urn:pulumi:local::stacklok-identity::stacklok:identity:PlatformIdentity$stacklok:identity:AuthorizationServer$okta:index/authServerDefault:AuthServerDefault::default", type: T.authServerDefault, custom: true, id: String(defaultServer?.["id"]), inputs: { name: "default" }, outputs: {} },
      ],
    };
    const pulumi = fakePulumi({ exports: () => exportOf(adopted), config: config(o) });
    const report = await runDoctor({ stack: "local", projectDir, pulumi: pulumi.runner, env: {} });
    expect(report.findings).toMatchObject([{ kind: "default_server_taken", oktaId: defaultServer?.["id"] }]);
    expect(report.findings[0]?.message).toContain("stacklok-identity/other");
  });

  it("exits 2 naming what is missing when it cannot tell the org or has no credentials, and 2 when Okta refuses the token", async () => {
    const o = await fork();
    const noOrg = fakePulumi({ exports: () => exportOf(applied.state), config: {} });
    const first = await runDoctor({ stack: "local", projectDir, pulumi: noOrg.runner, env: {} });
    expect(first).toMatchObject({ exitCode: EXIT.usage });
    expect(first.error).toMatch(/okta:orgName \(or \$OKTA_ORG_NAME\) and okta:baseUrl \(or \$OKTA_BASE_URL\) not set/);
    const noToken = fakePulumi({ exports: () => exportOf(applied.state), config: { "okta:httpProxy": { value: o.url, secret: false } } });
    expect((await runDoctor({ stack: "local", projectDir, pulumi: noToken.runner, env: {} })).error).toMatch(/no Okta credentials/);
    const fromEnv = await runDoctor({ stack: "local", projectDir, pulumi: noToken.runner, env: { OKTA_API_TOKEN: API_TOKEN } });
    expect(fromEnv.exitCode).toBe(EXIT.clean);
    const refused = await runDoctor({ stack: "local", projectDir, pulumi: noToken.runner, env: { OKTA_API_TOKEN: "00wrong" } });
    expect(refused.exitCode).toBe(EXIT.usage);
    expect(refused.error).toMatch(/Okta refused the credentials/);
    expect(JSON.stringify(refused)).not.toContain("00wrong");
  });
});
