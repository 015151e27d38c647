/**
 * `npm run sign-in -- --stack <name> [--app cli|cloud-ui] [--component ...]`:
 * signs in through one of the stack's apps as Stacklok's client does, prints
 * the access token's claims, what each component would say of it and the
 * roles it grants.
 * Kept apart from the entry point so tests run it in-process.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_CLI_REDIRECT_URI } from "../../components/facts";
import { loadStackConfig } from "../mock-engine/stackConfig";
import { CONFIG_NAMESPACE, parseStackConfig } from "../../components/config";
import { COMPONENTS, REGISTRY_AUTHORIZATION_CLAIMS, tokenGrants, type ComponentId, type PlatformClaimNames } from "../verify-token/index";
import { APPS, signIn, SignInRefused, type AppName, type TokenEndpointAuthMethod, type UserAgent } from "./flow";
import { loadStackOutputs, SignInUsageError, type OutputsLookup } from "./outputs";
import { decodeToken, renderSignIn, verifyForComponents } from "./report";
import { loopbackBrowser, pastedRedirect, UserAgentError } from "./userAgents";

export const EXIT = { accepted: 0, rejected: 1, usage: 2, failed: 3, refused: 4 } as const;

export interface SignInIo {
  stdin: NodeJS.ReadableStream;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Replaces the browser (tests, the demo). */
  userAgent?: UserAgent;
  /** CLI: opens the sign-in URL in place of the system browser, the loopback listener kept (tests). */
  openBrowser?: (url: URL) => void;
  /** Replaces running the Pulumi CLI (tests). */
  runPulumi?: OutputsLookup["runPulumi"];
}

/** The components each app's tokens are meant for; the others are expected to reject them. */
export const INTENDED_COMPONENTS: Record<AppName, ComponentId[]> = {
  cli: ["enterprise-manager", "registry-server"],
  "cloud-ui": ["cloud-ui", "registry-server"],
};

export const USAGE = `Usage: npm run sign-in -- --stack <name> [options]

Signs in through one of the stack's Okta apps as Stacklok's client does, then
prints the access token's header and claims, whether each component would
accept it (the checks of npm run verify-token), and the Registry Server roles
and platform role it grants. Tokens are never printed.

  --stack <name>          the stack whose outputs and config to use (required)
  --app cli|cloud-ui      cli (default): the CLI/Desktop app, PKCE on a loopback
                          redirect, as thv does; cloud-ui: the Cloud UI's web app
                          with its client secret (you paste the redirected URL)
  --component <name>      check only this component (repeatable): ${COMPONENTS.join(", ")}
                          (default: those the app's tokens are meant for)
  --outputs <file>        pulumi stack output --json --show-secrets > file
  --redirect-uri <uri>    CLI: the loopback redirect URI to listen on (default: the
                          stack's first cliRedirectUris entry, else ${DEFAULT_CLI_REDIRECT_URI})
  --project-dir <dir>     the Pulumi project (default: this repository)
  --state-dir <dir>       local-apply's state directory (default: <project-dir>/.local-apply)
  --no-browser            print the sign-in URL without opening a browser
  -h, --help              print this help

Stack outputs come from, in order: --outputs; local-apply's state for the stack
(written by npm run local:apply against okta-local); pulumi stack output
--json --show-secrets --stack <name> when pulumi is on PATH.

Exit status: 0 when every component checked accepts the token, 1 when one
rejects it, 2 on a usage error, 3 if the tool failed, 4 when Okta refused the
sign-in (its error is printed).
`;

const DEFAULT_PROJECT_DIR = resolve(__dirname, "..", "..");

export async function runSignInCommand(argv: readonly string[], io: SignInIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof SignInUsageError) {
      io.stderr(`sign-in: ${error.message}\nRun with --help for usage.\n`);
      return EXIT.usage;
    }
    if (error instanceof SignInRefused) {
      io.stderr(`sign-in: Okta refused the sign-in: ${error.error}: ${error.description}\n`);
      return EXIT.refused;
    }
    if (error instanceof UserAgentError) {
      io.stderr(`sign-in: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  }
}

async function run(argv: readonly string[], io: SignInIo): Promise<number> {
  const values = parseArguments(argv);
  if (values.help === true) {
    io.stdout(USAGE);
    return EXIT.accepted;
  }
  if (values.stack === undefined || values.stack.trim() === "") throw new SignInUsageError("--stack is required");
  const app = appName(values.app ?? "cli");
  const components = (values.component ?? []).map(componentName);
  const projectDir = resolve(values["project-dir"] ?? DEFAULT_PROJECT_DIR);

  const lookup: OutputsLookup = { stack: values.stack, projectDir };
  if (values.outputs !== undefined) lookup.outputsFile = values.outputs;
  if (values["state-dir"] !== undefined) lookup.localStateDir = resolve(values["state-dir"]);
  if (io.runPulumi !== undefined) lookup.runPulumi = io.runPulumi;
  const loaded = await loadStackOutputs(lookup);
  io.stderr(`sign-in: stack outputs from ${loaded.from}\n`);

  const stackSettings = readStackSettings(projectDir, values.stack);
  const redirectUri = values["redirect-uri"] ?? stackSettings.cliRedirectUri;
  if (app === "cli" && !URL.canParse(redirectUri)) throw new SignInUsageError(`--redirect-uri ${JSON.stringify(redirectUri)} is not a URL`);

  const message = (text: string) => io.stderr(text);
  const userAgent =
    io.userAgent ??
    (app === "cli"
      ? loopbackBrowser({ message, openBrowser: values["no-browser"] !== true, ...(io.openBrowser === undefined ? {} : { open: io.openBrowser }) })
      : pastedRedirect({ message, input: io.stdin }));

  const result = await signIn({
    app,
    outputs: loaded.outputs,
    userAgent,
    redirectUri,
    tokenEndpointAuthMethod: stackSettings.tokenEndpointAuthMethod,
  });
  const report = await verifyForComponents(result.accessToken, loaded.raw, components.length > 0 ? [...new Set(components)] : INTENDED_COMPONENTS[app]);
  const decoded = decodeToken(result.accessToken);
  io.stdout(renderSignIn(result, decoded, report, tokenGrants(decoded.claims, loaded.raw, stackSettings.platformClaims)));
  return report.accepted ? EXIT.accepted : EXIT.rejected;
}

export interface StackSettings {
  cliRedirectUri: string;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** The claims the platform reads group and role names from: the stack's groups and roles claims. */
  platformClaims: PlatformClaimNames;
}

/**
 * What the outputs do not carry and the stack config does: the native app's
 * registered redirect URIs, how the Cloud UI's app authenticates, and the
 * names of the groups and roles claims (the platform's claim mapping is
 * meant to name the same ones: docs/authorization.md). The program's
 * defaults apply when the stack file is absent (e.g. --outputs from another
 * machine).
 */
export function readStackSettings(projectDir: string, stack: string): StackSettings {
  const settings: StackSettings = {
    cliRedirectUri: DEFAULT_CLI_REDIRECT_URI,
    tokenEndpointAuthMethod: "client_secret_basic",
    platformClaims: { ...REGISTRY_AUTHORIZATION_CLAIMS },
  };
  if (!existsSync(join(projectDir, `Pulumi.${stack}.yaml`))) return settings;
  const { project, config } = loadStackConfig(projectDir, stack);
  const uris = config[`${project}:cliRedirectUris`];
  if (uris !== undefined) {
    const list = JSON.parse(uris) as unknown;
    if (Array.isArray(list) && typeof list[0] === "string") settings.cliRedirectUri = list[0];
  }
  if (config[`${project}:cloudUiTokenEndpointAuthMethod`] === "client_secret_post") settings.tokenEndpointAuthMethod = "client_secret_post";
  // The program's own parser names the claims; a config it refuses was never applied, so the defaults stand.
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw = Object.fromEntries(Object.entries(config).filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key.slice(prefix.length), value]));
  const parsed = parseStackConfig(raw, { stack });
  if (parsed.ok) {
    for (const claim of parsed.config.claims) {
      if (claim.key === "groups" || claim.key === "roles") settings.platformClaims[claim.key] = claim.name;
    }
  }
  return settings;
}

function parseArguments(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        stack: { type: "string" },
        app: { type: "string" },
        component: { type: "string", multiple: true },
        outputs: { type: "string" },
        "redirect-uri": { type: "string" },
        "project-dir": { type: "string" },
        "state-dir": { type: "string" },
        "no-browser": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    throw new SignInUsageError(error instanceof Error ? error.message : String(error));
  }
}

function appName(value: string): AppName {
  const found = APPS.find((a) => a === value);
  if (found === undefined) throw new SignInUsageError(`--app ${JSON.stringify(value)} is not an app; expected one of ${APPS.join(", ")}`);
  return found;
}

function componentName(value: string): ComponentId {
  const found = COMPONENTS.find((c) => c === value);
  if (found === undefined) {
    throw new SignInUsageError(`--component ${JSON.stringify(value)} is not a component; expected one of ${COMPONENTS.join(", ")}`);
  }
  return found;
}
