/**
 * `npm run local:apply -- --stack <name> --org <url> --api-token <token>
 * [--show-secrets] [--destroy] [--state-dir DIR] [--project-dir DIR]`:
 * applies (or destroys) a stack's program on an okta-local org and prints
 * the stack outputs as `pulumi stack output --json` would: each value the
 * program made secret as "[secret]", or in clear with --show-secrets.
 * Standard output carries nothing else; progress goes to standard error.
 * Exit codes: 0 applied, 1 the apply failed, 2 a usage error.
 */
import { resolve } from "node:path";
import { REDACTED } from "../../components/contract";
import { parseCommandLine, USAGE_ERROR } from "../commandLine";
import { StackConfigError } from "../mock-engine/stackConfig";
import { applyInProcess, assertLoopbackOrg, LoopbackOnlyError } from "./apply";
import { DEFAULT_STATE_DIR } from "./state";

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const USAGE = `usage: npm run local:apply -- --stack <name> --org <url> [--api-token <token>] [--show-secrets] [--destroy] [--state-dir <dir>]

  --stack         the stack whose Pulumi.<stack>.yaml to apply
  --org           the okta-local org URL, e.g. http://127.0.0.1:8080 (loopback hosts only)
  --api-token     okta-local's API token (default: $OKTA_API_TOKEN)
  --show-secrets  print secret outputs in clear (default: "${REDACTED}", as pulumi stack output does)
  --destroy       delete the stack's resources instead (protected ones stop it)
  --state-dir     where the stack's state file lives (default: ${DEFAULT_STATE_DIR}/ in the project)
  --project-dir   the Pulumi project (default: this repository)
`;

const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

export async function runCli(argv: string[], io: CliIO = processIO): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    {
      stack: { type: "string" },
      org: { type: "string" },
      "api-token": { type: "string" },
      "show-secrets": { type: "boolean", default: false },
      destroy: { type: "boolean", default: false },
      "state-dir": { type: "string" },
      "project-dir": { type: "string", default: resolve(__dirname, "..", "..") },
    },
    USAGE,
    io,
  );
  if (parsed.values === undefined) return parsed.exitCode;
  const args = parsed.values;
  const missing = (["stack", "org"] as const).filter((key) => !args[key]);
  if (missing.length > 0) {
    io.stderr(`missing ${missing.map((k) => `--${k}`).join(" and ")}\n${USAGE}`);
    return USAGE_ERROR;
  }
  const orgUrl = args.org ?? "";
  try {
    assertLoopbackOrg(orgUrl);
  } catch (err) {
    if (err instanceof LoopbackOnlyError) {
      io.stderr(`${err.message}\n`);
      return USAGE_ERROR;
    }
    throw err;
  }
  const apiToken = args["api-token"] ?? io.env["OKTA_API_TOKEN"] ?? "";
  if (apiToken === "") {
    io.stderr(`no API token: pass --api-token or set OKTA_API_TOKEN\n${USAGE}`);
    return USAGE_ERROR;
  }
  const projectDir = resolve(args["project-dir"]);
  // Standard output is the outputs' JSON alone: whatever the program itself
  // prints while it runs goes to standard error.
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind<typeof process.stderr.write>(process.stderr);
  try {
    const result = await applyInProcess({
      projectDir,
      stack: args.stack ?? "",
      orgUrl,
      apiToken,
      destroy: args.destroy,
      ...(args["state-dir"] === undefined ? {} : { stateDir: resolve(args["state-dir"]) }),
      log: (line) => io.stderr(`${line}\n`),
    });
    process.stdout.write = stdoutWrite;
    // As the Pulumi CLI prints JSON (pkg/cmd/pulumi/ui/json.go): two-space
    // indent, a trailing newline, and, as Go marshals maps, keys sorted at every level.
    const outputs = args["show-secrets"] ? result.outputs : result.maskedOutputs;
    io.stdout(`${JSON.stringify(sortKeys(outputs), null, 2)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof StackConfigError) {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    io.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    process.stdout.write = stdoutWrite;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, sortKeys(record[key])]),
    );
  }
  return value;
}
