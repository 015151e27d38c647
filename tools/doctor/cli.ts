/**
 * `npm run doctor -- --stack <name> [--json] [--fix] [--local-apply [--state-dir DIR]]
 * [--org URL] [--api-token TOKEN] [--import-file PATH] [--project-dir DIR]`.
 * Exit codes: 0 clean, 1 findings, 2 usage or credentials, 3 the org or the
 * Pulumi CLI failed (tools/doctor/index.ts EXIT; docs/operations.md).
 */
import { resolve } from "node:path";
import { parseCommandLine, processIO, USAGE_ERROR } from "../commandLine";
import { runDoctor, type DoctorOptions } from "./index";
import { renderJson, renderText } from "./render";

export interface DoctorIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const USAGE = `usage: npm run doctor -- --stack <name> [--json] [--fix] [--local-apply [--state-dir <dir>]] [--org <url>] [--api-token <token>] [--import-file <path>]

  --stack        the stack to check
  --json         the report as JSON, for scripts and CI
  --fix          run the safe repairs (docs/operations.md); without it nothing is written
  --local-apply  read local-apply's state instead of pulumi stack export
  --state-dir    where local-apply keeps its state (default: .local-apply/ in the project)
  --org          the org URL (default: the stack's okta:httpProxy, or okta:orgName + okta:baseUrl, or $OKTA_*)
  --api-token    an API token (default: the stack's okta:apiToken, or $OKTA_API_TOKEN); read scopes suffice
  --import-file  write the resources to import as a file for pulumi import --file
  --project-dir  the Pulumi project (default: this repository)

exit codes: 0 clean, 1 findings, 2 usage or credentials, 3 the org or the Pulumi CLI failed
`;

export async function runDoctorCli(argv: string[], io: DoctorIO = { ...processIO, env: process.env }): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    {
      stack: { type: "string" },
      json: { type: "boolean", default: false },
      fix: { type: "boolean", default: false },
      "local-apply": { type: "boolean", default: false },
      "state-dir": { type: "string" },
      org: { type: "string" },
      "api-token": { type: "string" },
      "import-file": { type: "string" },
      "project-dir": { type: "string", default: resolve(__dirname, "..", "..") },
    },
    USAGE,
    io,
  );
  if (parsed.values === undefined) return parsed.exitCode;
  const args = parsed.values;
  if (!args.stack) {
    io.stderr(`missing --stack\n${USAGE}`);
    return USAGE_ERROR;
  }
  if (args["state-dir"] !== undefined && !args["local-apply"]) {
    io.stderr(`--state-dir goes with --local-apply\n${USAGE}`);
    return USAGE_ERROR;
  }
  const options: DoctorOptions = {
    stack: args.stack,
    projectDir: resolve(args["project-dir"]),
    fix: args.fix,
    env: io.env,
    log: (line) => io.stderr(`${line}\n`),
    ...(args["local-apply"] ? { localApply: args["state-dir"] === undefined ? {} : { stateDir: resolve(args["state-dir"]) } } : {}),
    ...(args.org === undefined ? {} : { orgUrl: args.org }),
    ...(args["api-token"] === undefined ? {} : { apiToken: args["api-token"] }),
    ...(args["import-file"] === undefined ? {} : { importFilePath: resolve(args["import-file"]) }),
  };
  const report = await runDoctor(options);
  if (args.json) io.stdout(renderJson(report));
  else if (report.error) io.stderr(renderText(report));
  else io.stdout(renderText(report));
  return report.exitCode;
}
