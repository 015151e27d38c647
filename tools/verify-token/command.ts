/**
 * `npm run verify-token -- [options] [token]`: argument parsing, input and
 * output around verifyAccessToken. Kept apart from the entry point so tests
 * run it in-process.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { COMPONENTS, UsageError, buildExpectations, type ComponentId, type ExpectationSources } from "./expectations";
import { isHttpUrl } from "../../components/contract";
import { mcpServerSlug } from "../../components/platform";
import { JwksCache, errorText } from "./key-source";
import { renderReport } from "./render";
import { DEFAULT_CLOCK_SKEW_SECONDS, verifyAccessToken } from "./verify";

export const EXIT = { accepted: 0, rejected: 1, usage: 2 } as const;

export interface CommandIo {
  stdin: AsyncIterable<string | Buffer> & { isTTY?: boolean };
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Stops reading standard input well past any real token; the verifier reports the length. */
const MAX_STDIN_CHARS = 1 << 20;

export const USAGE = `Usage: npm run verify-token -- [options] [token]

Says whether the Enterprise Manager, the Cloud UI and the Registry Server
(or an MCP server, with --component mcp:<name>) would accept an access
token, and every reason if not. The token is read
from standard input when not given as an argument (safer: arguments end up
in shell history and process lists).

Expected values (at least one of --outputs or --issuer):
  --outputs <file>        stack outputs: pulumi stack output --json > outputs.json
                          (no --show-secrets: nothing secret is needed)
  --issuer <url>          expected issuer, for every component (replaces the outputs')
  --audience <aud>        expected audience, for every component checked (replaces the outputs')
  --scope <scope>         scope the Enterprise Manager requires (default toolhive:config:read)
  --roles-claim <name>    claim the Registry Server reads roles from (default roles)
  --groups-claim <name>   claim the Registry Server reads groups from (default groups)

Keys (default: the outputs' jwksUri, else OIDC discovery on the issuer):
  --jwks-uri <url>        fetch the key set from this URL
  --jwks-file <file>      read the key set from this file

Checks and output:
  --component <name>      check only this component (repeatable): ${COMPONENTS.join(", ")},
                          or mcp:<name> for an MCP server in the outputs' mcpServers
  --clock-skew <seconds>  allowed clock difference for exp and nbf (default ${DEFAULT_CLOCK_SKEW_SECONDS})
  --timeout <seconds>     per HTTP request for discovery and keys (default 5)
  --json                  print a machine-readable report
  -h, --help              print this help

Exit status: 0 when every component checked accepts the token, 1 when one
rejects it or cannot be checked, 2 on a usage error, 3 if the tool failed.
`;

export async function runVerifyTokenCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`verify-token: ${error.message}\nRun with --help for usage.\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

async function run(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArguments(argv);
  if (values.help === true) {
    io.stdout(USAGE);
    return EXIT.accepted;
  }
  if (positionals.length > 1) throw new UsageError(`expected at most one token argument, got ${positionals.length}`);
  if (values["jwks-uri"] !== undefined && values["jwks-file"] !== undefined) {
    throw new UsageError("give --jwks-uri or --jwks-file, not both");
  }

  const components = (values.component ?? []).map(componentName);
  const sources: ExpectationSources = {};
  if (values.outputs !== undefined) sources.outputs = await readOutputs(values.outputs);
  if (values.issuer !== undefined) sources.issuer = values.issuer;
  if (values.audience !== undefined) sources.audience = nonEmpty("--audience", values.audience);
  if (values.scope !== undefined) sources.requiredScope = nonEmpty("--scope", values.scope);
  if (values["jwks-uri"] !== undefined) {
    if (!isHttpUrl(values["jwks-uri"])) throw new UsageError(`--jwks-uri ${JSON.stringify(values["jwks-uri"])} is not an http(s) URL`);
    sources.jwks = { kind: "uri", uri: values["jwks-uri"] };
  }
  if (values["jwks-file"] !== undefined) sources.jwks = { kind: "file", path: values["jwks-file"] };
  const roles = values["roles-claim"];
  const groups = values["groups-claim"];
  if (roles !== undefined || groups !== undefined) {
    sources.authorizationClaims = {};
    if (roles !== undefined) sources.authorizationClaims.roles = nonEmpty("--roles-claim", roles);
    if (groups !== undefined) sources.authorizationClaims.groups = nonEmpty("--groups-claim", groups);
  }
  const clockSkewSeconds = seconds("--clock-skew", values["clock-skew"], DEFAULT_CLOCK_SKEW_SECONDS, 0, 86_400);
  const timeoutSeconds = seconds("--timeout", values.timeout, 5, 1, 120);

  const expectations = buildExpectations(sources, components.length > 0 ? [...new Set(components)] : COMPONENTS);
  const token = positionals[0] !== undefined && positionals[0] !== "-" ? positionals[0] : await readToken(io.stdin);

  const keys = new JwksCache({ timeoutMs: timeoutSeconds * 1000 });
  const now = Date.now() / 1000;
  const report = await verifyAccessToken(token, expectations, keys, { now, clockSkewSeconds });
  io.stdout(values.json === true ? JSON.stringify(report, null, 2) + "\n" : renderReport(report, now));
  return report.accepted ? EXIT.accepted : EXIT.rejected;
}

function parseArguments(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        outputs: { type: "string" },
        issuer: { type: "string" },
        audience: { type: "string" },
        scope: { type: "string" },
        "roles-claim": { type: "string" },
        "groups-claim": { type: "string" },
        "jwks-uri": { type: "string" },
        "jwks-file": { type: "string" },
        component: { type: "string", multiple: true },
        "clock-skew": { type: "string" },
        timeout: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(errorText(error));
  }
}

function componentName(value: string): ComponentId {
  const found = COMPONENTS.find((c) => c === value);
  if (found !== undefined) return found;
  const mcp = /^mcp:([a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?)$/.exec(value)?.[1];
  if (mcp !== undefined) return mcpServerSlug(mcp);
  throw new UsageError(
    `--component ${JSON.stringify(value)} is not a component; expected one of ${COMPONENTS.join(", ")}, or mcp:<name> ` +
      "(an MCP server's name: lowercase letters, digits and dashes)",
  );
}

function seconds(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new UsageError(`${flag} ${JSON.stringify(value)} is not a whole number of seconds from ${min} to ${max}`);
  }
  return parsed;
}

function nonEmpty(flag: string, value: string): string {
  if (value.trim().length === 0) throw new UsageError(`${flag} is empty`);
  return value;
}

async function readOutputs(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the outputs file ${path}: ${errorText(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(
      `the outputs file ${path} is not JSON; produce it with \`pulumi stack output --json > ${path}\``,
    );
  }
}

async function readToken(stdin: CommandIo["stdin"]): Promise<string> {
  if (stdin.isTTY === true) {
    throw new UsageError("no token: pass it as an argument, or pipe it on standard input (echo \"$TOKEN\" | npm run verify-token -- ...)");
  }
  let text = "";
  for await (const chunk of stdin) {
    text += typeof chunk === "string" ? chunk : chunk.toString("utf8");
    if (text.length > MAX_STDIN_CHARS) break;
  }
  return text;
}
