/**
 * One stack of the project on the real engine, against one okta-local org:
 * the commands a user types (`pulumi preview`, `up`, `destroy`, `stack
 * output`, `stack export`), each with the policy pack where the README uses
 * it, and what each command asked of the org.
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import type { OktaLocal, OrgState, RequestLogEntry } from "../../../tools/okta-local/index";
import type { CommandRun, PulumiProject, RunOptions } from "./pulumi";

/** The org a stack talks to: okta-local in this process, or one the test started as a user would. */
export interface OrgHandle {
  url: string;
  apiToken: string;
  /** okta-local's request log (`/_local/requests`). */
  requests(): Promise<RequestLogEntry[]>;
  /** The org's objects as okta-local holds them. */
  state(): Promise<OrgState>;
}

export function inProcess(org: OktaLocal): OrgHandle {
  return { url: org.url, apiToken: org.apiToken, requests: () => Promise.resolve(org.requests()), state: () => Promise.resolve(org.store.state) };
}

/** An okta-local of its own process: the request log over HTTP, the objects from its `--state` file. */
export function overHttp(url: string, apiToken: string, statePath: string): OrgHandle {
  return {
    url,
    apiToken,
    requests: async () => (await (await fetch(`${url}/_local/requests`)).json()) as RequestLogEntry[],
    state: () => Promise.resolve(JSON.parse(readFileSync(statePath, "utf8")) as OrgState),
  };
}

/** A resource of `pulumi stack export`, the fields read here. */
export interface ExportedResource {
  urn: string;
  type: string;
  id?: string;
  custom: boolean;
  protect?: boolean;
  parent?: string;
  dependencies?: string[];
  outputs?: Record<string, unknown>;
}

export interface StackExport {
  version: number;
  deployment: {
    resources?: ExportedResource[];
    pending_operations?: { resource: ExportedResource; type: string }[];
  };
}

/** What one command did: its output, and the org's request log entries it caused. */
export interface Step {
  run: CommandRun;
  requests: RequestLogEntry[];
}

export class EngineStack {
  private constructor(
    readonly project: PulumiProject,
    readonly name: string,
    readonly org: OrgHandle,
  ) {}

  /**
   * `pulumi stack init`, then the two settings a user sets for okta-local:
   * the API token (as a secret) and `okta:httpProxy` at this org's port.
   */
  static async init(project: PulumiProject, name: string, org: OktaLocal | OrgHandle): Promise<EngineStack> {
    const stack = new EngineStack(project, name, "store" in org ? inProcess(org) : org);
    await project.pulumi(["stack", "init", name]);
    await stack.configSet("okta:apiToken", org.apiToken, { secret: true });
    await stack.configSet("okta:httpProxy", org.url);
    return stack;
  }

  /** A stack some earlier command created (the README's `pulumi stack init`). */
  static attach(project: PulumiProject, name: string, org: OrgHandle): EngineStack {
    return new EngineStack(project, name, org);
  }

  configSet(key: string, value: string, options: { secret?: boolean; path?: boolean } = {}): Promise<CommandRun> {
    return this.project.pulumi([
      "config",
      "set",
      ...(options.secret ? ["--secret"] : []),
      ...(options.path ? ["--path"] : []),
      key,
      value,
      "--stack",
      this.name,
    ]);
  }

  configRemove(key: string, options: { path?: boolean } = {}): Promise<CommandRun> {
    return this.project.pulumi(["config", "rm", ...(options.path ? ["--path"] : []), key, "--stack", this.name]);
  }

  /** Runs a command and returns what it printed with the requests the org saw meanwhile. */
  async step(args: readonly string[], options: RunOptions = {}): Promise<Step> {
    const before = (await this.org.requests()).length;
    const run = await this.project.pulumi([...args, "--stack", this.name], options);
    return { run, requests: (await this.org.requests()).slice(before) };
  }

  preview(extra: readonly string[] = [], options: RunOptions = {}): Promise<Step> {
    return this.step(["preview", "--policy-pack", "./policy", ...extra], options);
  }

  up(extra: readonly string[] = [], options: RunOptions = {}): Promise<Step> {
    return this.step(["up", "--yes", "--policy-pack", "./policy", ...extra], options);
  }

  destroy(extra: readonly string[] = [], options: RunOptions = {}): Promise<Step> {
    return this.step(["destroy", "--yes", ...extra], options);
  }

  async outputs(options: { showSecrets?: boolean } = {}): Promise<Record<string, unknown>> {
    const { stdout } = await this.project.pulumi(["stack", "output", "--json", ...(options.showSecrets ? ["--show-secrets"] : []), "--stack", this.name]);
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  async export(): Promise<StackExport> {
    const { stdout } = await this.project.pulumi(["stack", "export", "--stack", this.name]);
    return JSON.parse(stdout) as StackExport;
  }

  /** Each resource's provider id by URN: what must survive a mode switch or an MCP server's change. */
  async ids(): Promise<Record<string, string>> {
    const exported = await this.export();
    return Object.fromEntries((exported.deployment.resources ?? []).filter((r) => r.custom && r.id !== undefined && !r.type.startsWith("pulumi:")).map((r) => [r.urn, r.id as string]));
  }
}

// ---------------------------------------------------------------------------
// Reading what the CLI printed

/**
 * Warnings a built engine prints on every command because of its drift
 * (tools/engine): the provider comes from PATH, and it reports its own
 * version, not the 7.0.0 that @pulumi/okta asks for. Any other warning fails
 * the check below.
 */
const ENGINE_DRIFT_WARNINGS = [/warning: using pulumi-resource-okta from \$PATH at /, /warning: resource plugin okta is expected to have version >=[\d.]+, but has /];

/** `warning:` lines that are not the engine's known drift, nor one of `expected`. */
export function unexpectedWarnings(run: CommandRun, expected: readonly RegExp[] = []): string[] {
  return `${run.stdout}\n${run.stderr}`
    .split("\n")
    .filter((line) => /\bwarning:/i.test(line) && ![...ENGINE_DRIFT_WARNINGS, ...expected].some((known) => known.test(line)))
    .map((line) => line.trim())
    .filter((line, index, all) => all.indexOf(line) === index);
}

/** The program's warning when a stack adopts `default` and replaces its audience (components/defaultServer.ts). */
export const ADOPTING_DEFAULT_WARNING = /Adopting Okta's "default" authorization server replaces its audience "api:\/\/default"/;

export interface Expected {
  /** Advisory policies the stack's own config asks for (e.g. `accessPolicyClients: all-clients`). */
  advisories?: readonly string[];
  /** Warnings the program gives on purpose for this config. */
  warnings?: readonly RegExp[];
}

/**
 * A preview or up the policy pack passed with no violation and no advisory
 * but those `expected` names (each of which must then appear), and nothing
 * else warned.
 */
export function expectPolicyClean(run: CommandRun, expected: Expected = {}): void {
  const advisories = expected.advisories ?? [];
  expect(run.stdout, run.command).toMatch(advisories.length === 0 ? /✅ stacklok-okta-guardrails@v\S+ \(local: policy\)/ : /stacklok-okta-guardrails@v\S+ \(local: policy\)/);
  expect(run.stdout, run.command).not.toMatch(/\[mandatory\]|can't run policy/);
  const reported = [...run.stdout.matchAll(/- \[advisory\]\s+(\S+)/g)].map((match) => match[1] ?? "");
  expect([...new Set(reported)].sort(), run.command).toEqual([...new Set(advisories)].sort());
  expect(unexpectedWarnings(run, expected.warnings), run.command).toEqual([]);
}

/** The "Resources:" summary, e.g. `{ create: 27 }` for "+ 27 to create" or "+ 27 created". */
export function resourceSummary(run: CommandRun): Record<string, number> {
  const section = run.stdout.split(/^Resources:\s*$/m)[1] ?? "";
  const summary: Record<string, number> = {};
  for (const match of section.matchAll(/^\s+(?:[-+~±]+\s+)?(\d+) (?:to )?(create|update|delete|replace|unchanged|errored)d?\b/gm)) {
    summary[match[2] ?? ""] = Number(match[1]);
  }
  return summary;
}

/** The management API writes (not GET) among a step's requests. */
export function writes(requests: readonly RequestLogEntry[]): { method: string; path: string }[] {
  return requests.filter((r) => r.method !== "GET" && r.method !== "HEAD").map(({ method, path }) => ({ method, path }));
}

/** Requests okta-local answered with a 4xx or 5xx. */
export function failedRequests(requests: readonly RequestLogEntry[]): RequestLogEntry[] {
  return requests.filter((r) => r.status >= 400);
}
