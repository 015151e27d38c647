/**
 * Runs a Pulumi project's program through `@pulumi/pulumi/cmd/run`, the entry
 * the Pulumi language host uses, on the mock engine: no Pulumi CLI, no Okta
 * provider plugin, no network.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DefaultServerState, RunReport } from "../../tools/mock-engine/oktaMocks.cjs";
import type { StackConfig } from "../../tools/mock-engine/stackConfig";
import { runNode } from "./nodeProcess";

export interface RuntimeRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** What the program registered; absent if the process died before the run ended. */
  report?: RunReport;
}

export interface RuntimeRunOptions {
  /** Directory holding Pulumi.yaml, package.json and the program. */
  projectDir: string;
  stack: StackConfig;
  /** false sets PULUMI_NODEJS_TRANSPILE_ONLY, as a user may. Default: type-check, like `pulumi up`. */
  typeCheck?: boolean;
  defaultServer?: DefaultServerState;
}

const PRELOAD = join(__dirname, "preload.cjs");

export async function runWithPulumiRuntime(options: RuntimeRunOptions): Promise<RuntimeRun> {
  const scratch = mkdtempSync(join(tmpdir(), "stacklok-run-"));
  const reportPath = join(scratch, "report.json");
  const runEntry = require.resolve("@pulumi/pulumi/cmd/run", { paths: [options.projectDir] });
  const { stack } = options;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(stack.config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(stack.secretKeys),
    // What the language host sets for `runtime.options.typescript: true`.
    PULUMI_NODEJS_TYPESCRIPT: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: options.typeCheck === false ? "true" : "",
    STACKLOK_MOCK_PROJECT: stack.project,
    STACKLOK_MOCK_STACK: stack.stack,
    STACKLOK_MOCK_REPORT: reportPath,
    ...(options.defaultServer ? { STACKLOK_MOCK_DEFAULT_SERVER: JSON.stringify(options.defaultServer) } : {}),
  };
  const args = [
    "--require",
    PRELOAD,
    runEntry,
    "--monitor=mock",
    `--project=${stack.project}`,
    `--stack=${stack.stack}`,
    `--pwd=${options.projectDir}`,
    ".",
  ];
  try {
    const { code: exitCode, stdout, stderr } = await runNode(args, { cwd: options.projectDir, env });
    let report: RunReport | undefined;
    try {
      report = JSON.parse(readFileSync(reportPath, "utf8")) as RunReport;
    } catch {
      report = undefined;
    }
    return { exitCode, stdout, stderr, ...(report ? { report } : {}) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
