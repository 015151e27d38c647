/**
 * The command-line conventions the project's own commands share
 * (tools/commandLine.ts): `-h`/`--help` prints the usage on standard output
 * and exits 0, as `pulumi` and `npm` do; a flag the parser refuses is told on
 * standard error with the usage beneath it, exit 2; and neither does any work.
 */
import { describe, expect, it } from "vitest";
import { runDoctorCli } from "../../tools/doctor/cli";
import { runEngineBuild } from "../../tools/engine/cli";
import { runCli as runLocalApply } from "../../tools/local-apply/cli";
import { runPlan } from "../../tools/plan/cli";

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

type Io = { stdout: (text: string) => void; stderr: (text: string) => void };

async function capture(run: (io: Io) => Promise<number>): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const code = await run({ stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });
  return { code, stdout, stderr };
}

// Each command with its IO; the environment is empty, so none could find a stack, an org or an engine.
const commands: [string, (argv: string[]) => (io: Io) => Promise<number>][] = [
  ["npm run plan", (argv) => (io) => runPlan(argv, io)],
  ["npm run local:apply", (argv) => (io) => runLocalApply(argv, { ...io, env: {} })],
  ["npm run doctor", (argv) => (io) => runDoctorCli(argv, { ...io, env: {} })],
  ["npm run engine:build", (argv) => (io) => runEngineBuild(argv, { stdin: process.stdin, stdout: (text) => void io.stdout(text), stderr: (text) => void io.stderr(text) }, {})],
];

describe.each(commands)("%s", (_name, command) => {
  it.each([["--help"], ["-h"]])("%s prints the usage on standard output and exits 0", async (flag) => {
    const run = await capture(command([flag]));
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(/^usage: npm run /);
  });

  it("refuses an unknown flag on standard error, with the usage, exit 2", async () => {
    const run = await capture(command(["--colour"]));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^Unknown option '--colour'[^]*\nusage: npm run /);
  });
});
