/**
 * The real `pulumi` CLI, run as a user types it, against a throwaway copy of
 * this project: a `file://` backend of the test's own, a passphrase for the
 * stack's secrets, and the engine `npm run engine:build` reported (its
 * binaries first on PATH when built). Every preview and up passes the policy
 * pack, as the README's set-up does.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import type { Engine } from "../../../tools/engine/engine";
import { runCommand, stackEnvironment, type CommandRun, type RunOptions } from "../../../tools/engine/run";
import { ProjectCopies } from "../../support/projectCopy";

export { CommandFailed, runCommand, type CommandRun, type RunOptions } from "../../../tools/engine/run";

export const PASSPHRASE = "engine-tests-only";

/** What `npm run engine:build` found; the global set-up fails the run when there is none. */
export function engine(): Engine {
  return inject("engine");
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
    this.env = stackEnvironment(engine(), { backendDir: this.backendDir, passphrase: PASSPHRASE, home });
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
