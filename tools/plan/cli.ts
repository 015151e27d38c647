/**
 * `npm run plan -- [--stack dev] [--format text|json|mermaid]`: runs the
 * program (the same index.ts `pulumi up` runs) on Pulumi's mock engine with a
 * stack's config, with no Pulumi CLI, no Okta provider, no credentials and no
 * network, and shows what it would create, how tokens would flow and the
 * chart values. Exits 1 when the wiring check finds a component that would
 * reject its client's tokens, or the program fails; 2 on a usage error.
 */
import { resolve } from "node:path";
import { REDACTED } from "../../components/contract";
import { parseCommandLine, USAGE_ERROR } from "../commandLine";
import { runOffline } from "../mock-engine/inProcess";
import { programEntry, startProgram } from "../mock-engine/program";
import { loadStackConfig, StackConfigError } from "../mock-engine/stackConfig";
import { buildPlan } from "./model";
import { FORMATS, render, type Format } from "./render";

export interface PlanIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const USAGE = `usage: npm run plan -- [--stack <name>] [--format ${FORMATS.join("|")}] [--project-dir <dir>]

  --stack        the stack whose Pulumi.<stack>.yaml to read (default: dev)
  --format       text (default), json for scripts and CI, mermaid for a token-flow diagram
  --project-dir  the Pulumi project to plan (default: this repository)
`;

const processIO: PlanIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Runs the program with no stack traces captured. The SDK keeps a stack trace
 * on a promise for every input property of every resource it registers
 * (`runtime/debuggable.js`), to name leaked promises when
 * PULUMI_DEBUG_PROMISE_LEAKS is set; formatting them was the largest part of
 * the program's run in the plan (docs/performance.md). The plan reports a
 * failing program by its message, never by its stack, so it drops them unless
 * that variable asks for them. (The SDK's source positions, `Resource.callsites`,
 * raise the limit themselves and are unaffected.)
 */
async function withoutStackTraces<T>(run: () => Promise<T>): Promise<T> {
  if (process.env["PULUMI_DEBUG_PROMISE_LEAKS"]) return run();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return await run();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export async function runPlan(argv: string[], io: PlanIO = processIO): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    {
      stack: { type: "string", default: "dev" },
      format: { type: "string", default: "text" },
      "project-dir": { type: "string", default: resolve(__dirname, "..", "..") },
    },
    USAGE,
    io,
  );
  if (parsed.values === undefined) return parsed.exitCode;
  const args = parsed.values;
  const format = args.format as Format;
  if (!FORMATS.includes(format)) {
    io.stderr(`--format: got "${args.format}"; expected ${FORMATS.join(", ")}\n${USAGE}`);
    return USAGE_ERROR;
  }
  const projectDir = resolve(args["project-dir"]);

  let stack;
  try {
    stack = loadStackConfig(projectDir, args.stack);
  } catch (err) {
    if (err instanceof StackConfigError) {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    throw err;
  }

  const entry = programEntry(projectDir);
  const run = await withoutStackTraces(() =>
    runOffline({
      project: stack.project,
      stack: stack.stack,
      config: stack.config,
      secretKeys: stack.secretKeys,
      // As Pulumi's nodejs runtime loads a CommonJS program; the type-stripping
      // hook (tools/ts-hook.cjs) is a require hook, so an import() would miss it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      program: () => startProgram(require(entry)),
    }),
  );
  if (run.error) {
    // The plan never decrypts secure values, so a problem reported on one says nothing about what
    // pulumi up, which decrypts it, would make of the real value.
    const onSecureValue = stack.secretKeys.length > 0 && run.error.message.includes(REDACTED);
    io.stderr(
      onSecureValue
        ? `The program failed on stack ${stack.stack}. The plan does not decrypt secure config values, so problems ` +
            `reported on a value shown as ${REDACTED} are about the placeholder; pulumi up checks the decrypted value:\n${run.error.message}\n`
        : `The program failed on stack ${stack.stack}; pulumi up would fail the same way:\n${run.error.message}\n`,
    );
    return 1;
  }

  const plan = buildPlan({ project: stack.project, stack: stack.stack, config: stack.config, secretKeys: stack.secretKeys, report: run });
  io.stdout(render(plan, format));
  if (!plan.wiring.ok) {
    if (format !== "text") {
      io.stderr(`Wiring check failed:\n${plan.wiring.problems.map((p) => `  - [${p.code}] ${p.message}`).join("\n")}\n`);
    }
    return 1;
  }
  return 0;
}
