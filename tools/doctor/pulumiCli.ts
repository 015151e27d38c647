/**
 * The Pulumi CLI as the doctor uses it: `stack export` (the state, secrets
 * left encrypted), `config --show-secrets --json` (the provider's settings,
 * decrypted by Pulumi), `whoami --verbose --output json` (the backend URL,
 * for locks), and under `--fix` the repairs (`cancel`, `refresh`, `import`).
 * Output that may hold secrets (the config) is parsed, never printed.
 */
import { spawn } from "node:child_process";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `pulumi <args>` in the project directory. Tests pass their own. */
export type PulumiRunner = (args: string[]) => Promise<CliResult>;

export class PulumiCliError extends Error {}

export function spawnPulumi(options: { command?: string; cwd: string; env?: NodeJS.ProcessEnv }): PulumiRunner {
  const command = options.command ?? "pulumi";
  return (args) =>
    new Promise((resolve, reject) => {
      const child = spawn(command, [...args, "--non-interactive"], { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", (error: NodeJS.ErrnoException) =>
        reject(new PulumiCliError(error.code === "ENOENT" ? `the Pulumi CLI (${command}) is not on PATH; install it, or read local-apply's state with --local-apply` : error.message)),
      );
      child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
}

function json(result: CliResult, what: string): unknown {
  if (result.code !== 0) throw new PulumiCliError(`${what} failed (exit ${result.code}): ${result.stderr.trim().split("\n").slice(-3).join(" ")}`);
  try {
    return JSON.parse(result.stdout) as unknown;
  } catch {
    throw new PulumiCliError(`${what} did not print JSON`);
  }
}

export async function exportStack(pulumi: PulumiRunner, stack: string): Promise<unknown> {
  return json(await pulumi(["stack", "export", "--stack", stack]), `pulumi stack export --stack ${stack}`);
}

/** The stack's config, decrypted. Never printed. */
export async function stackConfig(pulumi: PulumiRunner, stack: string): Promise<unknown> {
  return json(await pulumi(["config", "--show-secrets", "--json", "--stack", stack]), `pulumi config --json --stack ${stack}`);
}

export async function backendUrl(pulumi: PulumiRunner): Promise<string | undefined> {
  const result = await pulumi(["whoami", "--verbose", "--output", "json"]);
  if (result.code !== 0) return undefined;
  try {
    const url = (JSON.parse(result.stdout) as { url?: unknown }).url;
    return typeof url === "string" ? url : undefined;
  } catch {
    return undefined;
  }
}
