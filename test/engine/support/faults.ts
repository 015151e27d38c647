/**
 * Faults with the real engine: what the fault suite does to a stack
 * (okta-local's 429s, 5xx and drops, a `pulumi up` killed right after the
 * org commits its k-th write, with its process group or alone), the recovery
 * docs/operations.md gives (`npm run doctor -- --fix`, then `pulumi up`), and
 * what must hold afterwards:
 * - the org equals the state: everything the state holds exists, and no app
 *   label, group name or server name is there twice;
 * - no object carries this stack's marker without being in the state;
 * - objects that existed before the stack ran (another team's app, group and
 *   server, the `default` server, the users) are exactly as they were.
 */
import { readdirSync, readFileSync } from "node:fs";
import { expect } from "vitest";
import { OktaType } from "../../../components/facts";
import { markerIn } from "../../../components/naming";
import { seedFor, startOrg } from "../../e2e/support/harness";
import type { ProjectCopies } from "../../support/projectCopy";
import type { OktaLocal, OrgState } from "../../../tools/okta-local/index";
import { routeMatcher } from "../../../tools/okta-local/faults";
import { FRONT_ORG, httpsFront, type HttpsFront } from "./httpsFront";
import { SHORT_WAITS } from "./storm";
import { PulumiProject, type CommandRun } from "./pulumi";
import { EngineStack, inProcess, writes, type ExportedResource, type StackExport, type Step } from "./stack";
import { setTimeout as sleep } from "node:timers/promises";

export const PROJECT = "stacklok-identity";
export const CALLBACK = "http://localhost:8666/callback";

export { SHORT_WAITS, stormAtFirstWrite, STORM_BUCKETS, STORM_SECONDS } from "./storm";

// ---------------------------------------------------------------------------
// Objects that exist before the stack runs

/**
 * Another team's objects, made through the management API before the stack
 * runs: an OIDC app, a group and a custom authorization server with a scope,
 * none of them named like the stack's. With the org's own `default` server,
 * Everyone group and users, nothing of these may change.
 */
export async function seedUnrelated(org: Pick<OktaLocal, "url" | "apiToken">): Promise<void> {
  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${org.url}${path}`, {
      method,
      headers: { Authorization: `SSWS ${org.apiToken}`, "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  await call("POST", "/api/v1/groups", { profile: { name: "billing-team", description: "Another team's group" } });
  await call("POST", "/api/v1/apps?activate=true", {
    name: "oidc_client",
    label: "Billing Portal",
    signOnMode: "OPENID_CONNECT",
    credentials: { oauthClient: { token_endpoint_auth_method: "client_secret_basic" } },
    settings: { oauthClient: { application_type: "web", grant_types: ["authorization_code"], response_types: ["code"], redirect_uris: ["https://billing.example.com/callback"] } },
  });
  const server = await call("POST", "/api/v1/authorizationServers", { name: "billing-api", description: "Another team's API", audiences: ["api://billing"] });
  await call("POST", `/api/v1/authorizationServers/${String(server["id"])}/scopes`, { name: "billing:read", consent: "IMPLICIT" });
}

/** Every object the org holds now, by kind and id: what must still be there, unchanged, after a fault and its recovery. */
export function preexisting(state: OrgState): Record<string, Record<string, unknown>> {
  const servers = Object.keys(state.authorizationServers);
  const apps = Object.keys(state.apps);
  const policies = servers.flatMap((s) => Object.keys(state.policies[s] ?? {}));
  const pick = <T>(record: Record<string, T>, ids: readonly string[]) => structuredClone(Object.fromEntries(ids.filter((id) => id in record).map((id) => [id, record[id]])));
  return {
    authorizationServers: pick(state.authorizationServers, servers),
    scopes: pick(state.scopes, servers),
    claims: pick(state.claims, servers),
    policies: pick(state.policies, servers),
    policyRules: pick(state.policyRules, policies),
    apps: pick(state.apps, apps),
    appGroupAssignments: pick(state.appGroupAssignments, apps),
    groups: pick(state.groups, Object.keys(state.groups)),
    groupMembers: pick(state.groupMembers, Object.keys(state.groups)),
    users: pick(state.users, Object.keys(state.users)),
    userSchemaCustomProperties: pick(state.userSchemaCustomProperties, Object.keys(state.userSchemaCustomProperties)),
    orgPolicies: pick(state.orgPolicies, Object.keys(state.orgPolicies)),
  };
}

/** Nothing that existed before is gone or changed; returns how many objects were held. */
export function expectNothingLost(before: ReturnType<typeof preexisting>, state: OrgState): number {
  const now = preexisting(state);
  let held = 0;
  for (const [kind, objects] of Object.entries(before)) {
    for (const [id, object] of Object.entries(objects)) {
      expect({ kind, id, object: (now[kind] ?? {})[id] }).toEqual({ kind, id, object });
      held += 1;
    }
  }
  return held;
}

// ---------------------------------------------------------------------------
// The org against the state

type OrgObject = Record<string, unknown>;

/** Where the object a state resource names lives in the org, or undefined. */
function inOrg(state: OrgState, resource: ExportedResource): unknown {
  const id = resource.id ?? "";
  const across = (record: Record<string, Record<string, OrgObject>>) => Object.values(record).find((objects) => id in objects)?.[id];
  switch (resource.type) {
    case OktaType.authServer:
      return state.authorizationServers[id];
    case OktaType.authServerDefault:
      return Object.values(state.authorizationServers).find((s) => s["default"] === true);
    case OktaType.serverScope:
      return across(state.scopes);
    case OktaType.serverClaim:
      return across(state.claims);
    case OktaType.serverPolicy:
      return across(state.policies);
    case OktaType.serverPolicyRule:
      return across(state.policyRules);
    case OktaType.oauthApp:
      return state.apps[id];
    case OktaType.group:
      return state.groups[id];
    case OktaType.userSchemaProperty:
      return state.userSchemaCustomProperties[id];
    case OktaType.appGroupAssignments: {
      const groups = ((resource.outputs?.["groups"] as { id: string }[] | undefined) ?? []).map((g) => g.id);
      const assigned = state.appGroupAssignments[id] ?? {};
      return groups.length > 0 && groups.every((g) => g in assigned) ? assigned : undefined;
    }
    default:
      throw new Error(`no org check for ${resource.type}`);
  }
}

const count = (names: string[]) => Object.entries(names.reduce<Record<string, number>>((n, name) => ({ ...n, [name]: (n[name] ?? 0) + 1 }), {}));

/**
 * The org equals the state: no pending operation is left, every Okta
 * resource the state holds exists, no app label, group name or server name
 * is there twice, and no object carries this stack's marker without being in
 * the state. Returns the number of Okta resources held.
 */
export function expectOrgEqualsState(exported: StackExport, state: OrgState, stack: string): number {
  const resources = (exported.deployment.resources ?? []).filter((r) => r.custom && r.type.startsWith("okta:") && !r.type.startsWith("pulumi:providers:"));
  expect(exported.deployment.pending_operations ?? []).toEqual([]);
  const missing = resources.filter((r) => inOrg(state, r) === undefined).map((r) => `${r.type} ${r.urn.split("::").pop() ?? ""} ${r.id ?? ""}`);
  expect(missing, "in the state, not in the org").toEqual([]);

  const twice = (kind: string, names: string[]) => count(names).filter(([, n]) => n > 1).map(([name, n]) => `${kind} "${name}" x${n}`);
  const duplicates = [
    ...twice("app", Object.values(state.apps).map((a) => String(a["label"]))),
    ...twice("group", Object.values(state.groups).map((g) => String((g["profile"] as OrgObject)["name"]))),
    ...twice("server", Object.values(state.authorizationServers).map((s) => String(s["name"]))),
  ];
  expect(duplicates, "the same name twice in the org").toEqual([]);

  const stackId = `${PROJECT}/${stack}`;
  const held = new Set(resources.map((r) => r.id));
  const marked: [string, string, string | undefined][] = [
    ...Object.entries(state.authorizationServers).map(([id, s]) => ["server", id, s["description"] as string | undefined] as [string, string, string | undefined]),
    ...Object.values(state.policies).flatMap((policies) => Object.entries(policies).map(([id, p]) => ["policy", id, p["description"] as string | undefined] as [string, string, string | undefined])),
    ...Object.entries(state.apps).map(([id, a]) => ["app", id, ((a["settings"] as OrgObject | undefined)?.["notes"] as OrgObject | null | undefined)?.["admin"] as string | undefined] as [string, string, string | undefined]),
    ...Object.entries(state.groups).map(([id, g]) => ["group", id, (g["profile"] as OrgObject)["description"] as string | undefined] as [string, string, string | undefined]),
  ];
  const orphans = marked.filter(([, id, text]) => markerIn(text)?.stackId === stackId && !held.has(id)).map(([kind, id, text]) => `${kind} ${id} (${text ?? ""})`);
  expect(orphans, `objects marked ${stackId} that the state does not hold`).toEqual([]);
  return resources.length;
}

// ---------------------------------------------------------------------------
// A stack on its own org, reached through httpProxy or as a real org is

export interface FaultStack {
  org: OktaLocal;
  project: PulumiProject;
  stack: EngineStack;
  /** Present when the provider reaches the org as a real one (./httpsFront.ts). */
  front?: HttpsFront;
  /** The org's objects before the stack's first command. */
  before: ReturnType<typeof preexisting>;
  dispose(): Promise<void>;
}

/**
 * A fresh org seeded with the stack's member and outsider and another team's
 * objects, a project copy, and the stack initialised on it with the short
 * waits. `path: "proxy"` is the README's `okta:httpProxy`; `"https"` reaches
 * the org at `https://okta-local.example.com` through the front, as a real
 * org (the provider's retrying client and governor in the path).
 */
export async function faultStack(copies: ProjectCopies, label: string, name: "local" | "dev" | "prod", path: "proxy" | "https"): Promise<FaultStack> {
  const org = await startOrg(seedFor(name));
  await seedUnrelated(org);
  const before = preexisting(org.store.state);
  const project = new PulumiProject(copies, label);
  let front: HttpsFront | undefined;
  let stack: EngineStack;
  if (path === "https") {
    front = await httpsFront(org.url);
    Object.assign(project.env, front.env);
    await project.pulumi(["stack", "init", name]);
    stack = EngineStack.attach(project, name, inProcess(org));
    await stack.configSet("okta:apiToken", org.apiToken, { secret: true });
    await stack.configSet("okta:orgName", FRONT_ORG.orgName);
    await stack.configSet("okta:baseUrl", FRONT_ORG.baseUrl);
    // Pulumi.local.yaml names okta-local by httpProxy: the front replaces it.
    if (name === "local") await stack.configRemove("okta:httpProxy");
  } else {
    stack = await EngineStack.init(project, name, org);
  }
  for (const [key, value] of Object.entries(SHORT_WAITS)) await stack.configSet(key, value);
  return {
    org,
    project,
    stack,
    ...(front ? { front } : {}),
    before,
    dispose: async () => {
      await org.close();
      await front?.close();
      project.dispose();
    },
  };
}

// ---------------------------------------------------------------------------
// Killing `pulumi up` at a committed write

export type KillWay = "group" | "cli";

export interface KillPoint {
  stack: "local" | "dev" | "prod";
  way: KillWay;
  /** The k-th write this `up` makes, or the first write matching a route (okta-local's route syntax). */
  at: { write: number } | { route: string };
  /** What the point covers, for the report. */
  covers: string;
}

export function describePoint(point: KillPoint): string {
  const at = "write" in point.at ? `write ${point.at.write}` : `the first ${point.at.route}`;
  return `${point.stack}: ${point.way === "group" ? "the process group" : "the CLI alone"} killed at ${at} (${point.covers})`;
}

export interface Killed {
  run: CommandRun;
  /** The write the kill followed; undefined when the up finished first. */
  write?: { k: number; method: string; path: string };
  /** Writes the org committed after the kill (the plugins of a CLI killed alone run on). */
  writesAfter: { method: string; path: string; ms: number }[];
  /** How many of the CLI's plugins (language host, policy analyzer, provider) still ran once the org had heard nothing for a while. */
  pluginsRanOn: number;
  /** Ends the plugins still running (the doctor's --fix should have): call it when done. */
  endPlugins: () => void;
}

/** A process's state letter and parent, from /proc/<pid>/stat (proc(5)); undefined once it is gone. */
function statOf(pid: number): { state: string; parent: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const [state, parent] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: state ?? "?", parent: Number(parent) };
  } catch {
    return undefined;
  }
}

/** Whether a process runs (exists and is no zombie waiting to be reaped). */
const running = (pid: number) => {
  const stat = statOf(pid);
  return stat !== undefined && stat.state !== "Z" && stat.state !== "X";
};

/** The processes below `pid` now (Linux /proc, each process's stat read once). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const child of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).map(Number)) {
    const parent = statOf(child)?.parent;
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const below = children.get(queue.shift() as number) ?? [];
    found.push(...below);
    queue.push(...below);
  }
  return found;
}

/** SIGKILL to one process, if it is still there. */
function signal(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Gone already.
  }
}

/**
 * A normal `pulumi up --yes` in a process group of its own, SIGKILLed right
 * after okta-local commits the chosen write and before its answer is sent:
 * - `group`: everything the run started, at once, as a runner that ends a
 *   job's whole process tree does. `kill -9 -<pgid>` of the CLI's group is
 *   not enough: Pulumi starts each plugin in a process group of its own
 *   (pulumi/pulumi `sdk/go/common/resource/plugin/plugin.go`,
 *   `cmdutil.RegisterProcessGroup`: `Setpgid`), so that reaches the CLI
 *   alone. The test kills the group and every process below the CLI.
 * - `cli`: the CLI alone (`kill -9 <pid>`, or `kill -9 -<pgid>`).
 * The plugins of a CLI killed alone run on and finish what they had started;
 * they would stop at their next health check
 * of the engine, every 5 minutes (pulumi/pulumi `sdk/go/pulumi/provider/main.go`,
 * which the bridged provider serves through, and
 * `sdk/nodejs/cmd/pulumi-language-nodejs/main.go`). Once the org has heard
 * nothing from them for `quietMs` (so `writesAfter` holds what they did),
 * they are left running for the doctor, whose `--fix` ends them
 * (tools/doctor/plugins.ts); the caller's clean-up ends any it did not.
 */
export async function upKilledAt(stack: EngineStack, org: OktaLocal, point: KillPoint, quietMs = 5000): Promise<Killed> {
  const first = org.writeCount();
  const matches = "route" in point.at ? routeMatcher(point.at.route) : undefined;
  let cli: import("node:child_process").ChildProcess | undefined;
  let write: Killed["write"];
  let killedAt = 0;
  let requestsAtKill = 0;
  let plugins: number[] = [];
  const stop = org.onWriteCommitted((committed) => {
    const k = committed.ordinal - first;
    const hit = matches ? matches(committed.method, committed.path.split("?")[0] ?? committed.path) : "write" in point.at && k === point.at.write;
    if (write !== undefined || !hit || cli?.pid === undefined) return;
    write = { k, method: committed.method, path: committed.path };
    killedAt = Date.now();
    requestsAtKill = org.requests().length;
    plugins = descendants(cli.pid);
    if (point.way === "cli") {
      process.kill(cli.pid, "SIGKILL");
      return;
    }
    process.kill(-cli.pid, "SIGKILL");
    for (const pid of plugins) signal(pid);
  });
  try {
    const { run } = await stack.up([], { check: false, detached: true, started: (child) => (cli = child) });
    if (write !== undefined && point.way === "cli") {
      let seen = org.requests().length;
      let quietSince = Date.now();
      while (Date.now() - quietSince < quietMs) {
        await sleep(250);
        const now = org.requests().length;
        if (now !== seen) [seen, quietSince] = [now, Date.now()];
      }
    }
    // A SIGKILLed process takes a moment to go: give the group's up to 3 s.
    for (const since = Date.now(); point.way === "group" && plugins.some(running) && Date.now() - since < 3000; ) await sleep(50);
    // Those still running are left for the doctor's --fix to find and end.
    const pluginsRanOn = plugins.filter(running).length;
    const after = org.requests().slice(requestsAtKill || org.requests().length);
    return {
      run,
      ...(write ? { write } : {}),
      writesAfter: write ? after.filter((r) => r.method !== "GET" && r.status < 300).map((r) => ({ method: r.method, path: r.path, ms: Date.parse(r.at) - killedAt })) : [],
      pluginsRanOn,
      endPlugins: () => {
        for (const pid of plugins) signal(pid);
      },
    };
  } catch (error) {
    for (const pid of plugins) signal(pid);
    throw error;
  } finally {
    stop();
  }
}

// ---------------------------------------------------------------------------
// The documented recovery

export interface Recovery {
  doctor: CommandRun;
  /** The doctor's JSON report after --fix. */
  report: { exitCode: number; findings: { kind: string; name?: string; type?: string }[]; fixed: string[] };
  up: Step;
}

/** docs/operations.md "If pulumi up was interrupted": `npm run doctor -- --stack <s> --fix`, then `pulumi up`. */
export async function recover(fault: FaultStack, doctorArgs: string[] = []): Promise<Recovery> {
  const args = ["--stack", fault.stack.name, "--fix", "--json", ...(fault.front ? ["--org", fault.org.url] : []), ...doctorArgs];
  const doctor = await fault.project.npm("doctor", args, { check: false });
  let report: Recovery["report"];
  try {
    report = JSON.parse(doctor.stdout) as Recovery["report"];
  } catch {
    throw new Error(`npm run doctor printed no report (exit ${String(doctor.code)}):\n${doctor.stdout}\n${doctor.stderr}`);
  }
  const up = await fault.stack.up(["--skip-preview"]);
  return { doctor, report, up };
}

/**
 * The documented recovery leaves nothing for the doctor to report, and then
 * a preview expects no changes, the org equals the state and nothing
 * earlier changed. Returns what the doctor's --fix did.
 */
export async function expectRecovered(fault: FaultStack): Promise<string[]> {
  const recovery = await recover(fault);
  expect(recovery.report.findings).toEqual([]);
  const preview = await fault.stack.preview(["--expect-no-changes"]);
  expect(writes(preview.requests)).toEqual([]);
  expectOrgEqualsState(await fault.stack.export(), fault.org.store.state, fault.stack.name);
  expectNothingLost(fault.before, fault.org.store.state);
  return recovery.report.fixed;
}

/** How many 429s the org answered among these requests, each a retry the provider made. */
export function throttled(step: Pick<Step, "requests">): number {
  return step.requests.filter((r) => r.status === 429).length;
}

/** The faults the org answered with, by kind (and status), as okta-local's log names them. */
export function faultKinds(step: Pick<Step, "requests">): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const tag of step.requests.flatMap((r) => r.faults ?? [])) {
    const key = tag.kind === "server-error" ? `server-error ${tag.status}` : tag.kind;
    kinds[key] = (kinds[key] ?? 0) + 1;
  }
  return kinds;
}
