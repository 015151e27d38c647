/**
 * The real `pulumi` CLI, run as a user types it, against a throwaway copy of
 * this project: a `file://` backend of the test's own, a passphrase for the
 * stack's secrets, and the engine `npm run engine:build` reported (its
 * binaries first on PATH when built). Every preview and up passes the policy
 * pack, as the README's set-up does.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { engineEnv, type Engine } from "../../../tools/engine/engine";
import { ProjectCopies } from "../../support/projectCopy";

export const PASSPHRASE = "engine-tests-only";

/** What `npm run engine:build` found; the global set-up fails the run when there is none. */
export function engine(): Engine {
  return inject("engine");
}

export interface CommandRun {
  /** The command as typed, for messages. */
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Fail unless the command exits 0 (default true). */
  check?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Called with the child once started, e.g. to kill it at a chosen moment. */
  started?: (child: import("node:child_process").ChildProcess) => void;
  /** Run in a process group of its own (so a test can kill the CLI and its plugins together). */
  detached?: boolean;
}

/** A failed command, with what it printed. */
export class CommandFailed extends Error {
  constructor(readonly run: CommandRun) {
    super(`${run.command} exited with ${String(run.code ?? run.signal)}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`);
  }
}

/** Runs `file args` and collects its output; standard input is closed, as in CI. */
export function runCommand(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, options: RunOptions = {}): Promise<CommandRun> {
  const command = [file, ...args].join(" ");
  return new Promise((done, fail) => {
    const child = spawn(file, [...args], { cwd, env: { ...env, ...options.env }, stdio: ["ignore", "pipe", "pipe"], detached: options.detached === true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", fail);
    child.on("close", (code, signal) => {
      const run = { command, code, signal, stdout, stderr };
      if (options.check !== false && code !== 0) fail(new CommandFailed(run));
      else done(run);
    });
    options.started?.(child);
  });
}

/**
 * One copy of the project with a backend of its own. Stacks created here
 * live in `backendDir`; the copy holds their `Pulumi.<stack>.yaml`.
 */
export class PulumiProject {
  readonly dir: string;
  readonly backendDir: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(copies: ProjectCopies, name: string, edit?: (dir: string) => void) {
    this.dir = copies.make(name, edit, { extra: ["policy", "tools", "Pulumi.local.yaml"] });
    this.backendDir = mkdtempSync(join(tmpdir(), "stacklok-backend-"));
    const home = join(this.backendDir, "pulumi-home");
    mkdirSync(home);
    this.env = engineEnv(engine(), {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${this.backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      // A PULUMI_HOME of the test's own, unless the engine is a user's install whose okta
      // plugin lives in theirs: stacks selected here never leak into the user's workspace.
      ...(engine().source === "built" ? { PULUMI_HOME: home } : {}),
      // No colour codes in what the tests read.
      NO_COLOR: "1",
      PULUMI_SKIP_CONFIRMATIONS: "",
    });
  }

  pulumi(args: readonly string[], options: RunOptions = {}): Promise<CommandRun> {
    return runCommand(engine().pulumi, args, this.dir, this.env, options);
  }

  /** `npm run <script> -- <args>` in the copy, with the same environment as the CLI. */
  npm(script: string, args: readonly string[], options: RunOptions = {}): Promise<CommandRun> {
    return runCommand("npm", ["run", "--silent", script, "--", ...args], this.dir, this.env, options);
  }

  /** The stack's checkpoint in the file backend, as the CLI wrote it. */
  stateFileText(stack: string, project = "stacklok-identity"): string {
    return readFileSync(join(this.backendDir, ".pulumi", "stacks", project, `${stack}.json`), "utf8");
  }

  dispose(): void {
    rmSync(this.backendDir, { recursive: true, force: true });
  }
}
