/**
 * local-apply: the program applied to an okta-local org, the way
 * `pulumi up` with terraform-provider-okta would apply it (see engine.ts for
 * what is emulated). `applyStack` is the library entry for tests; the
 * command is `npm run local:apply` (cli.ts).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertLoopbackOrg, type ApplyOptions, type ApplyResult } from "./apply";

export type { ApplyOptions, ApplyResult } from "./apply";
export { assertLoopbackOrg, LoopbackOnlyError } from "./apply";
export type { RequestRecord } from "./http";
export type { StateResource } from "./state";

/** An apply that failed: the message is the engine's or Okta's, as `pulumi up` would show it. */
export class ApplyFailedError extends Error {
  override readonly name = "ApplyFailedError";
}

const CHILD = join(__dirname, "child.cjs");

type ChildResult = { ok: true; result: ApplyResult } | { ok: false; error: { name: string; message: string } };

/**
 * Applies (or destroys) a stack on an okta-local org. Each call runs in a
 * fresh node process, as each `pulumi up` runs its program in a fresh
 * language host: Pulumi's runtime state never leaks between applies.
 */
export async function applyStack(options: ApplyOptions): Promise<ApplyResult> {
  // Refused here too, so a bad URL never even starts a process.
  assertLoopbackOrg(options.orgUrl);
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const scratch = mkdtempSync(join(tmpdir(), "local-apply-"));
  try {
    const optionsPath = join(scratch, "options.json");
    const resultPath = join(scratch, "result.json");
    const { apiToken, log: _log, ...rest } = options;
    writeFileSync(optionsPath, JSON.stringify(rest), { mode: 0o600 });
    const code = await new Promise<number | null>((done, fail) => {
      const child = spawn(process.execPath, [CHILD, optionsPath, resultPath], {
        env: { ...process.env, OKTA_API_TOKEN: apiToken },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let pending = "";
      child.stderr.on("data", (chunk: Buffer) => {
        pending += chunk.toString();
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) log(line);
      });
      child.on("error", fail);
      child.on("close", (exit) => {
        if (pending) log(pending);
        done(exit);
      });
    });
    let outcome: ChildResult;
    try {
      outcome = JSON.parse(readFileSync(resultPath, "utf8")) as ChildResult;
    } catch {
      throw new ApplyFailedError(`local-apply exited with code ${String(code)} before reporting a result (see its log)`);
    }
    if (!outcome.ok) throw new ApplyFailedError(outcome.error.message);
    return outcome.result;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
