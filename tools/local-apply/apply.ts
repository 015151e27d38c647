/**
 * One apply in this process: runs a Pulumi project's program (its
 * package.json `main`, index.ts here, unchanged) on @pulumi/pulumi's mock
 * runtime, with the local engine turning each Okta resource into calls on an
 * okta-local org. Pulumi's runtime is process-global and, when a resource
 * fails, leaves rejected promises behind as `pulumi up`'s language host does,
 * so callers that live on (tests) use `applyStack` (index.ts), which runs
 * this in a child process.
 */
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { programEntry, startProgram } from "../mock-engine/program";
import { loadStackConfig } from "../mock-engine/stackConfig";
import { LocalEngine, maskSecrets, revealSecrets, type StepRecord } from "./engine";
import { OktaHttp, type RequestRecord } from "./http";
import { attachEngine } from "./monitor";
import { retrySettings } from "./retry";
import { ProviderSession, type Props } from "./provider";
import { DEFAULT_STATE_DIR, readState, statePath, writeState, type StateResource } from "./state";

export interface ApplyOptions {
  /** Directory holding Pulumi.yaml, Pulumi.<stack>.yaml and package.json. */
  projectDir: string;
  stack: string;
  /** The org's URL; loopback hosts only. */
  orgUrl: string;
  apiToken: string;
  destroy?: boolean;
  /** Where state files live; default `<projectDir>/.local-apply`. */
  stateDir?: string;
  /**
   * Config values over the stack file's, for tests: bare keys belong to the
   * project's namespace; objects and lists are sent as JSON, as Pulumi does;
   * null removes a key.
   */
  config?: Record<string, unknown>;
  /** Progress lines; default: standard error. */
  log?: (line: string) => void;
}

export interface ApplyResult {
  /** The stack outputs as `pulumi stack output --json --show-secrets` prints them. */
  outputs: Record<string, unknown>;
  /** The stack outputs as `pulumi stack output --json` prints them: each secret value as "[secret]". */
  maskedOutputs: Record<string, unknown>;
  /** Output paths Pulumi holds as secrets (e.g. `cloudUi`). */
  secretOutputPaths: string[];
  /** Every request this apply sent to the org. */
  requests: RequestRecord[];
  steps: StepRecord[];
  /** The stack's resources after the apply. */
  resources: StateResource[];
  statePath: string;
}

export class LoopbackOnlyError extends Error {}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

/** local-apply talks to okta-local only: anything but a loopback http(s) URL is refused. */
export function assertLoopbackOrg(orgUrl: string): URL {
  let url: URL;
  try {
    url = new URL(orgUrl);
  } catch {
    throw new LoopbackOnlyError(`--org: "${orgUrl}" is not a URL; expected okta-local's URL, e.g. http://127.0.0.1:8080`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new LoopbackOnlyError(
      `--org: refusing "${orgUrl}": local-apply only talks to an okta-local org on a loopback host ` +
        "(127.0.0.1, ::1 or localhost), never to a real Okta org; use pulumi up for those",
    );
  }
  return url;
}

function engineValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The program file `pulumi up` would run: package.json's main. */
/**
 * Loads the program as Pulumi's nodejs runtime does (a CommonJS require; the
 * module's exports, or what the function it exports returns, are the stack
 * outputs or a promise of them), afresh on every run so one process can apply
 * several times.
 */
function loadProgram(projectDir: string): unknown {
  const entry = programEntry(projectDir);
  const projectRequire = createRequire(join(projectDir, "package.json"));
  // Strips TypeScript types on require, as the plan does; type checking is npm test's job.
  projectRequire(join(__dirname, "..", "ts-hook.cjs"));
  const resolved = projectRequire.resolve(entry);
  delete projectRequire.cache[resolved];
  return startProgram(projectRequire(resolved));
}

/** Mocks for anything the attached engine does not take over; never reached by the program's resources. */
const unusedMocks: pulumi.runtime.Mocks = {
  newResource: (args) => Promise.reject(new Error(`unexpected mock registration of ${args.type}`)),
  call: (args) => Promise.reject(new Error(`unexpected mock call of ${args.token}`)),
};

export async function applyInProcess(options: ApplyOptions): Promise<ApplyResult> {
  const orgUrl = assertLoopbackOrg(options.orgUrl).origin;
  if (!options.apiToken) throw new Error("no API token: pass --api-token or set OKTA_API_TOKEN");
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const projectDir = resolve(options.projectDir);

  const stackConfig = loadStackConfig(projectDir, options.stack);
  const config = { ...stackConfig.config };
  for (const [key, value] of Object.entries(options.config ?? {})) {
    const fullKey = key.includes(":") ? key : `${stackConfig.project}:${key}`;
    if (value === null || value === undefined) delete config[fullKey];
    else config[fullKey] = engineValue(value);
  }

  const path = statePath(resolve(projectDir, options.stateDir ?? DEFAULT_STATE_DIR), stackConfig.project, options.stack);
  const state = readState(path, stackConfig.project, options.stack, orgUrl);
  if (state.orgUrl !== orgUrl && state.resources.length > 0) {
    log(`warning: ${path} was last applied to ${state.orgUrl}, not ${orgUrl}; its ids may not exist there`);
  }
  state.orgUrl = orgUrl;

  const http = new OktaHttp(orgUrl, options.apiToken, "SSWS", retrySettings(config));
  const engine = new LocalEngine(new ProviderSession(http), state, (snapshot) => writeState(path, snapshot), log);
  log(`${options.destroy ? "Destroying" : "Updating"} stack ${options.stack} on ${orgUrl} (state: ${path})`);

  if (options.destroy) {
    await engine.deleteLeftovers(true);
  } else {
    await runProgram(engine, stackConfig.project, options.stack, config, stackConfig.secretKeys, projectDir);
    await engine.deleteLeftovers(false);
  }

  const snapshot = engine.snapshot();
  const secretOutputPaths: string[] = [];
  const outputs = revealSecrets(snapshot.outputs, "", secretOutputPaths) as Record<string, unknown>;
  const maskedOutputs = maskSecrets(snapshot.outputs) as Record<string, unknown>;
  const writes = http.requests.filter((r) => r.method !== "GET").length;
  log(`Done: ${http.requests.length} requests (${writes} writes); ${summarise(engine.steps)}`);
  return { outputs, maskedOutputs, secretOutputPaths, requests: http.requests, steps: engine.steps, resources: snapshot.resources, statePath: path };
}

async function runProgram(
  engine: LocalEngine,
  project: string,
  stack: string,
  config: Record<string, string>,
  secretKeys: string[],
  projectDir: string,
): Promise<void> {
  await pulumi.runtime.setMocks(unusedMocks, project, stack, false);
  pulumi.runtime.setAllConfig(config, secretKeys);
  attachEngine(engine);

  let programError: Error | undefined;
  const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));
  // As the nodejs language host does: a rejection nobody awaited (the outputs
  // of a resource whose registration failed) fails the update, not the process.
  const onRejection = (reason: unknown) => {
    programError ??= asError(reason);
  };
  process.on("unhandledRejection", onRejection);
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        return (await loadProgram(projectDir)) as Props;
      } catch (err) {
        programError = asError(err);
        return undefined;
      }
    });
  } catch (err) {
    // The stack's outputs could not be resolved: a resource they need failed.
    programError ??= asError(err);
  }
  // Waits for every registration, the stack's outputs included.
  await pulumi.runtime.disconnect();
  // Let rejections of the last turn surface before the handler goes.
  await new Promise((done) => setImmediate(done));
  process.off("unhandledRejection", onRejection);
  // A failed update deletes nothing; what it created stays in the state.
  const failure = engine.errors[0] ?? programError;
  if (failure) throw failure;
}

function summarise(steps: StepRecord[]): string {
  const counts = new Map<string, number>();
  for (const { step } of steps) counts.set(step, (counts.get(step) ?? 0) + 1);
  return [...counts].map(([step, n]) => `${n} ${step}`).join(", ") || "no changes";
}
