/**
 * `runDoctor`: holds a stack's state against its Okta org and reports what an
 * interrupted, throttled or failed apply left behind, and what stops tokens
 * from working although `pulumi preview` is clean; with `fix`, runs the safe
 * repairs. The library entry the CLI (`npm run doctor`) and the engine
 * suite share. Read-only unless `fix` is set; see docs/operations.md
 * ("npm run doctor") for the findings, exit codes and read scopes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEFAULT_STATE_DIR, statePath } from "../local-apply/state";
import { brokenSidecars } from "./checkpoint";
import { configValues, CredentialsError, resolveCredentials } from "./credentials";
import { desiredResources, type DesiredResource } from "./desired";
import { diagnose, type Finding } from "./findings";
import { findLocks, type LockFile } from "./lock";
import { OrgReader, OrgReadError } from "./org";
import { describeStranded, endStranded, killCommand, listProcesses, strandedPlugins, type ProcessEntry } from "./plugins";
import { backendUrl, exportStack, PulumiCliError, spawnPulumi, stackConfig, type PulumiRunner } from "./pulumiCli";
import { commandsFor, importable, importFileOf, repairPlan, type RepairPlan } from "./repairs";
import { readLocalApplyState, snapshotFromExport, StackReadError, type StackSnapshot } from "./stack";

export type { Finding, FindingKind, ImportSpec } from "./findings";
export { FINDING_KINDS } from "./findings";
export type { CliResult, PulumiRunner } from "./pulumiCli";
export { spawnPulumi } from "./pulumiCli";
export type { RepairPlan } from "./repairs";

/** Exit codes, so a pipeline can gate on the doctor. */
export const EXIT = {
  /** Nothing found (after `--fix`: nothing left). */
  clean: 0,
  /** Findings (after `--fix`: findings it could not repair). */
  findings: 1,
  /** Usage error, or the stack, its config or the credentials cannot be read or are refused. */
  usage: 2,
  /** The org or the Pulumi CLI failed (network, 5xx, a command that failed), or an unexpected error. */
  failure: 3,
} as const;

export interface DoctorOptions {
  stack: string;
  /** The Pulumi project (default: this repository). */
  projectDir?: string;
  /** Read local-apply's state instead of `pulumi stack export`. */
  localApply?: { stateDir?: string };
  /** Run the safe repairs (docs/operations.md); without it nothing is written anywhere. */
  fix?: boolean;
  /** Override the org URL and API token the stack's config and environment give. */
  orgUrl?: string;
  apiToken?: string;
  env?: NodeJS.ProcessEnv;
  /** How to run the Pulumi CLI (default: `pulumi` from PATH in the project directory). */
  pulumi?: PulumiRunner;
  /** Write the import file for `pulumi import --file` here. */
  importFilePath?: string;
  /** Progress (the commands `--fix` runs). */
  log?: (line: string) => void;
  /** This host's processes (default: `ps`), and how to end one (default: SIGKILL); for tests. */
  processes?: () => ProcessEntry[] | undefined;
  kill?: (pid: number) => void;
}

export interface FindingWithRepair extends Finding {
  commands: string[];
}

export interface DoctorReport {
  exitCode: number;
  stack: string;
  project?: string;
  source?: "pulumi" | "local-apply";
  orgUrl?: string;
  findings: FindingWithRepair[];
  repairs: RepairPlan;
  /** What `--fix` did, in order. */
  fixed: string[];
  /** What the doctor could not check, and why. */
  notes: string[];
  /** Set when the run stopped early (exit code 2 or 3). */
  error?: string;
}

const REPO_ROOT = resolve(__dirname, "..", "..");

interface Gathered {
  snapshot: StackSnapshot;
  desired?: DesiredResource[];
  locks: LockFile[];
  org: OrgReader;
  notes: string[];
  /** What `--fix` had to repair before the stack could be read at all. */
  repaired: string[];
  /** Plugins a killed CLI left running (./plugins.ts), still running. */
  stranded: ProcessEntry[];
}

/**
 * Plugins a killed CLI left running, looked for before anything is read,
 * since the provider among them may still create objects; `--fix` ends them.
 */
async function strandedCheck(options: DoctorOptions, notes: string[], repaired: string[]): Promise<ProcessEntry[]> {
  const list = options.processes ?? listProcesses;
  const processes = list();
  if (processes === undefined) {
    notes.push("could not list this host's processes (no ps): plugins a killed pulumi CLI may have left running not checked");
    return [];
  }
  const stranded = strandedPlugins(processes);
  if (stranded.length === 0 || !options.fix) return stranded;
  options.log?.(`doctor --fix: ${killCommand(stranded)} (Pulumi plugins a killed CLI left running)`);
  const left = await endStranded(stranded, list, options.kill ?? ((pid) => process.kill(pid, "SIGKILL")));
  const ended = stranded.filter((p) => !left.includes(p));
  if (ended.length > 0) repaired.push(`ended ${ended.length} Pulumi plugin(s) a killed CLI left running (pid ${ended.map((p) => p.pid).join(", ")})`);
  return left;
}

/**
 * `pulumi stack export`; when it fails on a file backend whose checkpoint
 * sidecar a killed CLI left empty (./checkpoint.ts), `--fix` removes the
 * sidecar and exports again, and without it the error names the file and
 * the command that repairs it.
 */
async function exportReadable(pulumi: PulumiRunner, stack: string, project: string, fix: boolean, log: (line: string) => void, repaired: string[]): Promise<unknown> {
  try {
    return await exportStack(pulumi, stack);
  } catch (error) {
    const url = error instanceof PulumiCliError ? await backendUrl(pulumi) : undefined;
    const broken = url === undefined ? [] : brokenSidecars(url, project, stack);
    if (broken.length === 0) throw error;
    if (!fix) {
      throw new StackReadError(
        `${(error as Error).message}\n${broken.map((path) => `${path} holds no JSON: a Pulumi CLI was killed while writing it; the checkpoint is intact. Remove it: rm '${path}' (or run the doctor with --fix)`).join("\n")}`,
      );
    }
    for (const path of broken) {
      log(`doctor --fix: rm '${path}' (a checkpoint sidecar a killed CLI left empty)`);
      rmSync(path);
      repaired.push(`removed ${path}, a checkpoint sidecar a killed CLI left empty`);
    }
    return exportStack(pulumi, stack);
  }
}

async function gather(options: DoctorOptions, pulumi: PulumiRunner): Promise<Gathered> {
  const projectDir = options.projectDir ?? REPO_ROOT;
  const env = options.env ?? process.env;
  const notes: string[] = [];
  const repaired: string[] = [];
  const stranded = options.localApply ? [] : await strandedCheck(options, notes, repaired);
  const desired = await desiredResources(projectDir, options.stack);
  if (!desired.ok) notes.push(`the program's declarations are not available (${desired.reason}): orphans are found by marker only, and imports of objects not in the state have no --parent`);
  let snapshot: StackSnapshot;
  let config: Record<string, string> = {};
  let locks: LockFile[] = [];
  if (options.localApply) {
    const stateDir = resolve(projectDir, options.localApply.stateDir ?? DEFAULT_STATE_DIR);
    snapshot = readLocalApplyState(statePath(stateDir, desired.ok ? desired.project : "stacklok-identity", options.stack));
    notes.push("local-apply has no locks or pending creates: it reports an interrupted replace as a pending delete");
  } else {
    const project = desired.ok ? desired.project : "stacklok-identity";
    snapshot = snapshotFromExport(await exportReadable(pulumi, options.stack, project, options.fix === true, options.log ?? (() => undefined), repaired), options.stack);
    config = configValues(await stackConfig(pulumi, options.stack));
    const url = await backendUrl(pulumi);
    if (url === undefined) notes.push("could not tell the Pulumi backend (pulumi whoami failed): locks not checked");
    else {
      const scan = findLocks(url, "organization", snapshot.project, snapshot.stack);
      if (scan.readable) locks = scan.locks;
      else notes.push(scan.reason);
    }
  }
  const credentials = resolveCredentials(config, env, {
    ...((options.orgUrl ?? snapshot.orgUrl) ? { orgUrl: options.orgUrl ?? snapshot.orgUrl } : {}),
    ...(options.apiToken ? { apiToken: options.apiToken } : {}),
  });
  return { snapshot, ...(desired.ok ? { desired: desired.resources } : {}), locks, org: new OrgReader(credentials), notes, repaired, stranded };
}

async function check(g: Gathered): Promise<Finding[]> {
  const plugins: Finding[] = g.stranded.length > 0 ? [{ kind: "plugins_running", message: describeStranded(g.stranded), processes: g.stranded, advice: `end them (${killCommand(g.stranded)}) or wait, then run the doctor again` }] : [];
  return [...plugins, ...(await diagnose({ snapshot: g.snapshot, org: g.org, locks: g.locks, ...(g.desired ? { desired: g.desired } : {}) }))];
}

/**
 * The safe repairs, in order: clear a provably stale lock; clear pending
 * creates and import the ones that happened (never when one matched two
 * objects); refresh away what the org lost; delete duplicate apps that carry
 * this stack's marker while the state holds another, existing app for the
 * same resource. Nothing else is deleted.
 */
async function fix(g: Gathered, findings: Finding[], pulumi: PulumiRunner, log: (line: string) => void): Promise<string[]> {
  const done: string[] = [];
  const run = async (args: string[], line = `pulumi ${args.join(" ")}`) => {
    log(`doctor --fix: ${line}`);
    const result = await pulumi(args);
    if (result.code !== 0) throw new PulumiCliError(`${line} failed (exit ${result.code}): ${result.stderr.trim().split("\n").slice(-5).join(" ")}`);
    done.push(line);
  };
  const stack = g.snapshot.stack;
  const has = (...kinds: Finding["kind"][]) => findings.some((f) => kinds.includes(f.kind));
  if (g.snapshot.source === "pulumi") {
    if (findings.some((f) => f.kind === "lock" && f.lock?.stale === true)) await run(["cancel", "--yes", "--stack", stack]);
    const ambiguous = has("pending_create_ambiguous");
    if (!ambiguous && has("pending_create_succeeded", "pending_create_absent")) await run(["refresh", "--clear-pending-creates", "--yes", "--skip-preview", "--stack", stack]);
    else if (has("missing", "pending_operation")) await run(["refresh", "--yes", "--skip-preview", "--stack", stack]);
    const specs = importable(findings).filter((spec) => !ambiguous || findings.some((f) => f.kind === "orphan" && f.importSpec === spec));
    if (specs.length > 0) {
      const dir = mkdtempSync(join(tmpdir(), "doctor-import-"));
      try {
        const file = join(dir, "import.json");
        writeFileSync(file, JSON.stringify(importFileOf(specs), null, 2));
        const flags = ["--protect=false", "--generate-code=false", "--yes", "--skip-preview", "--stack", stack];
        await run(["import", "--file", file, ...flags], `pulumi import --file <${specs.length} resources> ${flags.join(" ")}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  for (const finding of findings.filter((f) => f.kind === "duplicate" && f.deletableApp && f.oktaId)) {
    log(`doctor --fix: delete the duplicate app ${finding.oktaId ?? ""} (deactivate, then DELETE)`);
    await g.org.deleteApp(finding.oktaId ?? "");
    done.push(`deleted the duplicate app ${finding.oktaId ?? ""} of ${finding.name ?? "?"}`);
  }
  return done;
}

function withCommands(findings: Finding[], g: Gathered): FindingWithRepair[] {
  return findings.map((f) => ({ ...f, commands: commandsFor(f, g.snapshot, g.org.credentials.orgUrl) }));
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const log = options.log ?? (() => undefined);
  const pulumi = options.pulumi ?? spawnPulumi({ cwd: options.projectDir ?? REPO_ROOT, ...(options.env ? { env: options.env } : {}) });
  const empty = { stack: options.stack, findings: [], repairs: { steps: [] }, fixed: [], notes: [] };
  let g: Gathered;
  try {
    g = await gather(options, pulumi);
  } catch (error) {
    const usage = error instanceof CredentialsError || error instanceof StackReadError || error instanceof PulumiCliError;
    if (!usage && !(error instanceof OrgReadError)) throw error;
    return { ...empty, exitCode: usage ? EXIT.usage : EXIT.failure, error: error.message };
  }
  const base = { stack: g.snapshot.stack, project: g.snapshot.project, source: g.snapshot.source, orgUrl: g.org.credentials.orgUrl, notes: g.notes };
  try {
    let findings = await check(g);
    let fixed: string[] = [...g.repaired];
    // While plugins run on (ones --fix could not end), the org may still change: repair nothing.
    if (options.fix && findings.length > 0 && g.stranded.length === 0) {
      const done = await fix(g, findings, pulumi, log);
      fixed = [...fixed, ...done];
      if (done.length > 0) {
        // Read everything again: the report says what is left.
        g = await gather(options, pulumi);
        findings = await check(g);
      }
    }
    const repairs = repairPlan(findings, g.snapshot, g.org.credentials.orgUrl, options.importFilePath);
    if (options.importFilePath && repairs.importFile) writeFileSync(options.importFilePath, `${JSON.stringify(repairs.importFile, null, 2)}\n`);
    return { ...base, exitCode: findings.length === 0 ? EXIT.clean : EXIT.findings, findings: withCommands(findings, g), repairs, fixed };
  } catch (error) {
    if (error instanceof OrgReadError) return { ...empty, ...base, exitCode: error.refused ? EXIT.usage : EXIT.failure, error: error.message };
    if (error instanceof PulumiCliError) return { ...empty, ...base, exitCode: EXIT.failure, error: error.message };
    throw error;
  }
}
