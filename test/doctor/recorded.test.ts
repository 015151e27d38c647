/**
 * The doctor on what real `pulumi up` runs left behind (test/fixtures/doctor/:
 * exports, okta-local orgs and lock files recorded with the real engine, killed
 * or faulted), with the Pulumi CLI's answers replayed and its repairs recorded.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { OktaType } from "../../components/facts";
import { EXIT } from "../../tools/doctor";
import { listProcesses, type ProcessEntry } from "../../tools/doctor/plugins";
import { start, type OktaLocal } from "../../tools/okta-local";
import { API_TOKEN, fakePulumi, localConfig, projectDir, runDoctor } from "./support";

const T = OktaType;
const FIXTURES = join(projectDir, "test", "fixtures", "doctor");
const COMPONENT = "urn:pulumi:local::stacklok-identity::stacklok:identity:PlatformIdentity$stacklok:identity";

interface Recorded {
  org: OktaLocal;
  exported: unknown;
  backend: string;
  dispose: () => Promise<void>;
}

let recorded: Recorded | undefined;
afterEach(async () => {
  await recorded?.dispose();
  recorded = undefined;
});

/** The recording's org on a fresh port, its export, and a file backend holding its lock as left on this host by a process that is gone. */
async function replay(name: string): Promise<Recorded> {
  const dir = mkdtempSync(join(tmpdir(), `doctor-${name}-`));
  copyFileSync(join(FIXTURES, name, "org.json"), join(dir, "org.json"));
  const org = await start({ quiet: true, apiToken: API_TOKEN, statePath: join(dir, "org.json") });
  const backend = join(dir, "backend");
  const lockDir = join(backend, ".pulumi", "locks", "organization", "stacklok-identity", "local");
  mkdirSync(lockDir, { recursive: true });
  try {
    const lock = JSON.parse(readFileSync(join(FIXTURES, name, "lock.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(lockDir, "recorded.json"), JSON.stringify({ ...lock, hostname: hostname(), pid: 2 ** 22 + 11 }));
  } catch {
    // No lock in this recording.
  }
  const exported = JSON.parse(readFileSync(join(FIXTURES, name, "export.json"), "utf8")) as unknown;
  recorded = {
    org,
    exported,
    backend,
    dispose: async () => {
      await org.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return recorded;
}

function doctorOn(r: Recorded, onCommand?: (args: string[]) => void) {
  const pulumi = fakePulumi({
    exports: () => r.exported,
    config: localConfig(r.org.url),
    backendUrl: pathToFileURL(r.backend).href,
    onCommand: (args) => {
      onCommand?.(args);
      if (args[0] === "cancel") rmSync(join(r.backend, ".pulumi", "locks"), { recursive: true, force: true });
    },
  });
  return { pulumi, run: (fix = false) => runDoctor({ stack: "local", projectDir, pulumi: pulumi.runner, env: {}, fix }) };
}

const idOf = (org: OktaLocal, type: string, label: string): string => {
  const found = type === T.oauthApp ? Object.values(org.store.state.apps).filter((a) => a["label"] === label) : Object.values(org.store.state.authorizationServers).filter((s) => s["name"] === label);
  if (found.length !== 1) throw new Error(`${found.length} objects named ${label}`);
  return String(found[0]?.["id"]);
};

describe("an up killed with its whole process group at the first app create", () => {
  it("finds the stale lock and four pending creates that all happened, each with its import command", async () => {
    const r = await replay("killed-group-at-app-create");
    const report = await doctorOn(r).run();
    expect(report.exitCode).toBe(EXIT.findings);
    expect(report.findings.map((f) => [f.kind, f.type, f.name])).toEqual([
      ["lock", undefined, undefined],
      ["pending_create_succeeded", T.authServer, "cloud-ui"],
      ["pending_create_succeeded", T.authServer, "enterprise-manager"],
      ["pending_create_succeeded", T.oauthApp, "cli-desktop"],
      ["pending_create_succeeded", T.oauthApp, "cloud-ui"],
    ]);
    const cli = idOf(r.org, T.oauthApp, "Stacklok CLI and Desktop (local)");
    const ui = idOf(r.org, T.oauthApp, "Stacklok Enterprise Cloud UI (local)");
    const em = idOf(r.org, T.authServer, "stacklok-local-enterprise-manager");
    const uiServer = idOf(r.org, T.authServer, "stacklok-local-cloud-ui");
    expect(report.repairs.steps).toEqual([
      "pulumi cancel --yes --stack local",
      "pulumi refresh --clear-pending-creates --yes --stack local",
      `pulumi import okta:auth/server:Server cloud-ui ${uiServer} --parent 'parent=${COMPONENT}:AuthorizationServer::cloud-ui' --protect=false --generate-code=false --yes --stack local`,
      `pulumi import okta:auth/server:Server enterprise-manager ${em} --parent 'parent=${COMPONENT}:AuthorizationServer::enterprise-manager' --protect=false --generate-code=false --yes --stack local`,
      `pulumi import okta:app/oAuth:OAuth cli-desktop ${cli} --parent 'parent=${COMPONENT}:OAuthApp::cli-desktop' --protect=false --generate-code=false --yes --stack local`,
      `pulumi import okta:app/oAuth:OAuth cloud-ui ${ui} --parent 'parent=${COMPONENT}:OAuthApp::cloud-ui' --protect=false --generate-code=false --yes --stack local`,
      "pulumi up --stack local",
    ]);
  });

  it("--fix cancels the lock, clears the pending creates and imports all four from one file, writing nothing to the org", async () => {
    const r = await replay("killed-group-at-app-create");
    type ImportFile = { nameTable: Record<string, string>; resources: { type: string; name: string; id: string; parent: string }[] };
    let imported: ImportFile | undefined;
    const deployment = (r.exported as { deployment: { resources: object[] } }).deployment;
    const { pulumi, run } = doctorOn(r, (args) => {
      if (args[0] === "refresh") r.exported = { version: 3, deployment: { ...deployment, pending_operations: [] } };
      if (args[0] !== "import") return;
      imported = JSON.parse(readFileSync(args[args.indexOf("--file") + 1] ?? "", "utf8")) as ImportFile;
      // What the import leaves in the state: each resource under its parent, with its id.
      const added = imported.resources.map((x) => {
        const parent = imported?.nameTable[x.parent] ?? "";
        const qualified = parent.split("::")[2] ?? "";
        return { urn: `urn:pulumi:local::stacklok-identity::${qualified}$${x.type}::${x.name}`, custom: true, id: x.id, type: x.type, parent, inputs: {}, outputs: {} };
      });
      r.exported = { version: 3, deployment: { ...deployment, resources: [...deployment.resources, ...added], pending_operations: [] } };
    });
    const writesBefore = r.org.writeCount();
    const report = await run(true);
    expect(pulumi.calls.filter((c) => ["cancel", "refresh", "import"].includes(c[0] ?? "")).map((c) => c.filter((a) => !a.startsWith("/")).join(" "))).toEqual([
      "cancel --yes --stack local",
      "refresh --clear-pending-creates --yes --skip-preview --stack local",
      "import --file --protect=false --generate-code=false --yes --skip-preview --stack local",
    ]);
    expect(imported?.resources.map((x) => `${x.type} ${x.name} ${imported?.nameTable[x.parent] ?? ""}`).sort()).toEqual([
      `${T.oauthApp} cli-desktop ${COMPONENT}:OAuthApp::cli-desktop`,
      `${T.oauthApp} cloud-ui ${COMPONENT}:OAuthApp::cloud-ui`,
      `${T.authServer} cloud-ui ${COMPONENT}:AuthorizationServer::cloud-ui`,
      `${T.authServer} enterprise-manager ${COMPONENT}:AuthorizationServer::enterprise-manager`,
    ]);
    expect(r.org.writeCount()).toBe(writesBefore);
    expect(report).toMatchObject({ exitCode: EXIT.clean, findings: [] });
    expect(report.fixed).toEqual([
      "pulumi cancel --yes --stack local",
      "pulumi refresh --clear-pending-creates --yes --skip-preview --stack local",
      "pulumi import --file <4 resources> --protect=false --generate-code=false --yes --skip-preview --stack local",
    ]);
  });
});

describe("an up whose CLI alone was killed at the first server create (its plugins ran on)", () => {
  it("finds both servers the plugins created after the kill", async () => {
    const r = await replay("killed-cli-at-server-create");
    const report = await doctorOn(r).run();
    expect(report.findings.filter((f) => f.kind === "pending_create_succeeded").map((f) => f.importSpec)).toEqual([
      { type: T.authServer, name: "cloud-ui", id: idOf(r.org, T.authServer, "stacklok-local-cloud-ui"), parentUrn: `${COMPONENT}:AuthorizationServer::cloud-ui` },
      { type: T.authServer, name: "enterprise-manager", id: idOf(r.org, T.authServer, "stacklok-local-enterprise-manager"), parentUrn: `${COMPONENT}:AuthorizationServer::enterprise-manager` },
    ]);
    expect(report.findings.map((f) => f.kind)).toEqual(["lock", "pending_create_succeeded", "pending_create_succeeded"]);
  });
});

describe("a dropped POST /api/v1/apps that the provider sent again", () => {
  it("finds the second app; --fix deletes it and keeps the one the state holds", async () => {
    const r = await replay("dropped-app-create");
    const apps = () => Object.values(r.org.store.state.apps).filter((a) => a["label"] === "Stacklok CLI and Desktop (local)").map((a) => String(a["id"]));
    const [first, second] = apps();
    const inState = (r.exported as { deployment: { resources: { type: string; id?: string; urn: string }[] } }).deployment.resources.find((x) => x.type === T.oauthApp && x.urn.endsWith("::cli-desktop"))?.id;
    const orphan = first === inState ? second : first;
    const { run } = doctorOn(r);
    const report = await run();
    expect(report.findings).toMatchObject([{ kind: "duplicate", name: "cli-desktop", oktaId: orphan, deletableApp: true }]);
    const fixed = await run(true);
    expect(fixed).toMatchObject({ exitCode: EXIT.clean, findings: [], fixed: [`deleted the duplicate app ${orphan ?? ""} of cli-desktop`] });
    expect(apps()).toEqual([inState]);
  });
});

describe("a dropped POST /api/v1/authorizationServers, refused when sent again", () => {
  it("finds the server by its marker and imports it under the component the program declares", async () => {
    const r = await replay("dropped-server-create");
    const { pulumi, run } = doctorOn(r);
    const report = await run();
    const id = idOf(r.org, T.authServer, "stacklok-local-cloud-ui");
    expect(report.findings).toMatchObject([{ kind: "orphan", type: T.authServer, name: "cloud-ui", oktaId: id, importSpec: { id, parentUrn: `${COMPONENT}:AuthorizationServer::cloud-ui` } }]);
    await run(true);
    expect(pulumi.calls.filter((c) => c[0] === "refresh" || c[0] === "import").map((c) => c[0])).toEqual(["import"]);
  });
});

describe("a CLI killed while its file backend wrote the checkpoint's sidecar", () => {
  /** The sidecar fileblob writes in place, left empty by the kill (tools/doctor/checkpoint.ts). */
  function emptySidecar(r: Recorded): { path: string; doctor: ReturnType<typeof doctorOn> } {
    const dir = join(r.backend, ".pulumi", "stacks", "stacklok-identity");
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "local.json.attrs");
    writeFileSync(path, "");
    const doctor = doctorOn(r);
    const inner = doctor.pulumi.runner;
    // What the real CLI answers while the sidecar is empty.
    doctor.pulumi.runner = (args) =>
      args[0] === "stack" && args[1] === "export" && existsSync(path) && readFileSync(path).length === 0
        ? Promise.resolve({ code: 255, stdout: "", stderr: "error: failed to load checkpoint: EOF\n" })
        : inner(args);
    return { path, doctor };
  }

  it("says which file holds no JSON and the command that removes it, changing nothing", async () => {
    const r = await replay("killed-cli-at-server-create");
    const { path, doctor } = emptySidecar(r);
    const report = await runDoctor({ stack: "local", projectDir, pulumi: doctor.pulumi.runner, env: {} });
    expect(report.exitCode).toBe(EXIT.usage);
    expect(report.error).toContain("failed to load checkpoint: EOF");
    expect(report.error).toContain(`${path} holds no JSON: a Pulumi CLI was killed while writing it; the checkpoint is intact. Remove it: rm '${path}'`);
    expect(readFileSync(path, "utf8")).toBe("");
  });

  it("--fix removes the sidecar, then repairs the rest as usual", async () => {
    const r = await replay("killed-cli-at-server-create");
    const { path, doctor } = emptySidecar(r);
    const report = await runDoctor({ stack: "local", projectDir, pulumi: doctor.pulumi.runner, env: {}, fix: true });
    expect(existsSync(path)).toBe(false);
    expect(report.error).toBeUndefined();
    expect(report.fixed[0]).toBe(`removed ${path}, a checkpoint sidecar a killed CLI left empty`);
    expect(report.fixed.slice(1, 3)).toEqual(["pulumi cancel --yes --stack local", "pulumi refresh --clear-pending-creates --yes --skip-preview --stack local"]);
  });
});

describe("the plugins of a CLI killed alone, still running when the doctor starts", () => {
  /** A host's process table: a live CLI with its provider, and the plugins of a killed one (reparented to init). */
  function host() {
    const table: ProcessEntry[] = [
      { pid: 1, ppid: 0, command: "/sbin/init" },
      { pid: 500, ppid: 1, command: "-bash" },
      { pid: 600, ppid: 500, command: "/home/me/.pulumi/bin/pulumi up --stack other" },
      { pid: 601, ppid: 600, command: "/home/me/.pulumi/plugins/resource-okta-v6.12.0/pulumi-resource-okta" },
      { pid: 700, ppid: 1, command: "/root/.cache/stacklok-engine/bin/pulumi-resource-okta" },
      { pid: 701, ppid: 1, command: "/root/.cache/stacklok-engine/bin/pulumi-language-nodejs -root /work/stacklok-identity 127.0.0.1:40123" },
      { pid: 702, ppid: 1, command: "[pulumi-resource-okta] <defunct>" },
    ];
    const killed: number[] = [];
    const refuse = new Set<number>();
    const kill = (pid: number) => {
      killed.push(pid);
      if (refuse.has(pid)) throw Object.assign(new Error("kill EPERM"), { code: "EPERM" });
      table.splice(table.findIndex((p) => p.pid === pid), 1);
    };
    return { processes: () => [...table], kill, killed, refuse };
  }

  it("names them and the command that ends them, before anything else, ending nothing", async () => {
    const r = await replay("killed-cli-at-server-create");
    const h = host();
    const { pulumi } = doctorOn(r);
    const report = await runDoctor({ stack: "local", projectDir, pulumi: pulumi.runner, env: {}, processes: h.processes, kill: h.kill });
    expect(report.findings.map((f) => f.kind)).toEqual(["plugins_running", "lock", "pending_create_succeeded", "pending_create_succeeded"]);
    expect(report.findings[0]?.message).toContain("2 Pulumi plugin(s) run on without their CLI (700 pulumi-resource-okta, 701 pulumi-language-nodejs)");
    expect(report.findings[0]?.commands).toEqual(["kill -9 700 701"]);
    expect(report.repairs.steps.slice(0, 2)).toEqual(["kill -9 700 701", "pulumi cancel --yes --stack local"]);
    expect(h.killed).toEqual([]);
  });

  it("--fix ends them first, leaves the live CLI's provider alone, then repairs the rest as usual", async () => {
    const r = await replay("killed-cli-at-server-create");
    const h = host();
    const { pulumi } = doctorOn(r);
    const report = await runDoctor({ stack: "local", projectDir, pulumi: pulumi.runner, env: {}, fix: true, processes: h.processes, kill: h.kill });
    expect(h.killed).toEqual([700, 701]);
    expect(report.fixed[0]).toBe("ended 2 Pulumi plugin(s) a killed CLI left running (pid 700, 701)");
    expect(report.fixed.slice(1, 3)).toEqual(["pulumi cancel --yes --stack local", "pulumi refresh --clear-pending-creates --yes --skip-preview --stack local"]);
    expect(report.findings.map((f) => f.kind)).not.toContain("plugins_running");
    expect(h.processes().map((p) => p.pid)).toContain(601);
  });

  it("--fix repairs nothing while one it may not end still runs", async () => {
    const r = await replay("killed-cli-at-server-create");
    const h = host();
    h.refuse.add(701);
    const { pulumi } = doctorOn(r);
    const report = await runDoctor({ stack: "local", projectDir, pulumi: pulumi.runner, env: {}, fix: true, processes: h.processes, kill: h.kill });
    expect(report.fixed).toEqual(["ended 1 Pulumi plugin(s) a killed CLI left running (pid 700)"]);
    expect(report.exitCode).toBe(EXIT.findings);
    expect(report.findings[0]).toMatchObject({ kind: "plugins_running", commands: ["kill -9 701"] });
    expect(pulumi.calls.filter((c) => ["cancel", "refresh", "import"].includes(c[0] ?? ""))).toEqual([]);
  });
});

describe("this host's process table", () => {
  it("lists this process with its parent, as ps shows them", () => {
    const table = listProcesses();
    expect(table).toBeDefined();
    expect(table?.find((p) => p.pid === process.pid)).toMatchObject({ ppid: process.ppid, command: expect.stringContaining("node") as unknown });
  });
});
