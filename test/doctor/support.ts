/**
 * Orgs for the doctor's tests: the `local` stack applied once by local-apply
 * to an okta-local org saved to a state file, then a fresh copy of that org
 * (same ids, its own port) for each test to break; and a Pulumi runner that
 * answers `stack export`, `config` and `whoami` from fixtures and records the
 * repairs it is asked to run.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { applyStack } from "../../tools/local-apply";
import type { StackState } from "../../tools/local-apply/state";
import { start, type OktaLocal, type SeedFile } from "../../tools/okta-local";
import { runDoctor as runDoctorOnHost, type CliResult, type DoctorOptions, type DoctorReport, type PulumiRunner } from "../../tools/doctor";

/**
 * The doctor with an empty process table unless a test gives one: these
 * tests never look at, let alone end, the plugins of Pulumi CLIs that other
 * suites run on this machine.
 */
export const runDoctor = (options: DoctorOptions): Promise<DoctorReport> => runDoctorOnHost({ processes: () => [], ...options });

export const projectDir = resolve(__dirname, "..", "..");
export const API_TOKEN = "00doctor-tests-000000000000000000000000000";

export interface AppliedOrg {
  dir: string;
  /** okta-local's saved org, after the apply. */
  orgFile: string;
  stateDir: string;
  state: StackState;
  /** A fresh org from the saved one. */
  fork(): Promise<OktaLocal>;
  dispose(): void;
}

/** Applies `stack` with local-apply to a new okta-local org and keeps both for forking. */
export async function appliedOrg(stack: string, seed?: SeedFile): Promise<AppliedOrg> {
  const dir = mkdtempSync(join(tmpdir(), "doctor-test-"));
  const orgFile = join(dir, "org.json");
  const stateDir = join(dir, "local-apply");
  const org = await start({ quiet: true, apiToken: API_TOKEN, statePath: orgFile, ...(seed ? { seed } : {}) });
  try {
    await applyStack({ projectDir, stack, orgUrl: org.url, apiToken: API_TOKEN, stateDir, log: () => undefined });
  } finally {
    await org.close();
  }
  const state = JSON.parse(readFileSync(join(stateDir, "stacklok-identity", `${stack}.json`), "utf8")) as StackState;
  let forks = 0;
  return {
    dir,
    orgFile,
    stateDir,
    state,
    fork: async () => {
      const copy = join(dir, `fork-${++forks}.json`);
      copyFileSync(orgFile, copy);
      return start({ quiet: true, apiToken: API_TOKEN, statePath: copy });
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A `pulumi stack export` document (deployment v3) holding a local-apply state's resources. */
export function exportOf(state: StackState, pending: { type: string; urn: string }[] = []): Record<string, unknown> {
  const stackUrn = `urn:pulumi:${state.stack}::${state.project}::pulumi:pulumi:Stack::${state.project}-${state.stack}`;
  const resource = (r: StackState["resources"][number]) => ({
    urn: r.urn,
    custom: r.custom,
    ...(r.id ? { id: r.id } : {}),
    type: r.type,
    inputs: r.inputs,
    outputs: r.outputs,
    parent: r.parent ?? stackUrn,
    ...(r.protect ? { protect: true } : {}),
  });
  const pendingUrns = new Set(pending.map((p) => p.urn));
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-01-01T00:00:00Z", magic: "", version: "v3.274.1" },
      resources: [
        { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: {} },
        ...state.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !pendingUrns.has(r.urn)).map(resource),
      ],
      ...(pending.length > 0
        ? {
            pending_operations: pending.map((p) => {
              const r = state.resources.find((x) => x.urn === p.urn);
              if (!r) throw new Error(`no ${p.urn} in the state`);
              const { id: _id, outputs: _outputs, ...created } = resource(r);
              return { resource: { ...created, outputs: {} }, type: p.type };
            }),
          }
        : {}),
    },
  };
}

export interface FakePulumi {
  runner: PulumiRunner;
  /** Every command asked for, as its arguments. */
  calls: string[][];
}

/**
 * A stand-in for the Pulumi CLI: `stack export` answers `exports()` (so a
 * test can change what it answers after a repair), `config` the given config,
 * `whoami` the given backend; anything else is recorded and answered by
 * `onCommand` (exit 0 by default).
 */
export function fakePulumi(options: {
  exports: () => unknown;
  config: Record<string, { value: string; secret: boolean }>;
  backendUrl?: string;
  onCommand?: (args: string[]) => CliResult | void;
}): FakePulumi {
  const calls: string[][] = [];
  const ok = (stdout: unknown): CliResult => ({ code: 0, stdout: JSON.stringify(stdout), stderr: "" });
  const runner: PulumiRunner = (args) => {
    calls.push(args);
    if (args[0] === "stack" && args[1] === "export") return Promise.resolve(ok(options.exports()));
    if (args[0] === "config") return Promise.resolve(ok(options.config));
    if (args[0] === "whoami") return Promise.resolve(options.backendUrl ? ok({ user: "ci", url: options.backendUrl }) : { code: 1, stdout: "", stderr: "not logged in" });
    return Promise.resolve(options.onCommand?.(args) ?? { code: 0, stdout: "", stderr: "" });
  };
  return { runner, calls };
}

/** The provider config a stack on okta-local carries (Pulumi.local.yaml plus the secret token). */
export function localConfig(orgUrl: string): Record<string, { value: string; secret: boolean }> {
  return {
    "okta:orgName": { value: "okta-local", secret: false },
    "okta:baseUrl": { value: "example.com", secret: false },
    "okta:httpProxy": { value: orgUrl, secret: false },
    "okta:apiToken": { value: API_TOKEN, secret: true },
  };
}

/** Calls the org's management API with the doctor tests' token. */
export async function call<T = Record<string, unknown>>(org: OktaLocal, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${org.url}${path}`, {
    method,
    headers: { authorization: `SSWS ${API_TOKEN}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
