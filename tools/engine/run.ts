/**
 * Running the real engine's commands as a user types them, for the engine
 * suite and the engine benchmark: output collected, standard input closed as
 * in CI, and the environment of a throwaway stack (a `file://` backend, a
 * passphrase for its secrets, a PULUMI_HOME of its own).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { engineEnv, type Engine } from "./engine";

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
  started?: (child: ChildProcess) => void;
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

/** Where a throwaway stack lives: its backend directory, the passphrase of its secrets, a PULUMI_HOME. */
export interface StackPlace {
  backendDir: string;
  passphrase: string;
  home: string;
}

/**
 * The environment every command of a throwaway stack runs with. A built
 * engine gets a PULUMI_HOME of the stack's own (its plugins come from PATH),
 * so stacks selected there never leak into the user's workspace; a user's
 * installed engine keeps theirs, where the okta plugin lives.
 */
export function stackEnvironment(engine: Engine, place: StackPlace, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return engineEnv(engine, {
    ...base,
    PULUMI_BACKEND_URL: `file://${place.backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: place.passphrase,
    ...(engine.source === "built" ? { PULUMI_HOME: place.home } : {}),
    // No colour codes in what is read back.
    NO_COLOR: "1",
  });
}
