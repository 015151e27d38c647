/**
 * Runs a Node.js script as a separate process, the way a user's `npm run`
 * would, and collects what it printed.
 */
import { spawn } from "node:child_process";

export interface NodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <args>` with no standard input until it closes; rejects only if it cannot start. */
export function runNode(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<NodeRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}
