/**
 * `npm run demo`: the whole setup on one screen, with no Okta org and no
 * Pulumi CLI. Starts okta-local with the demo users, applies the dev example
 * stack to it (the real program, as terraform-provider-okta would), signs
 * the demo users in through each app as Stacklok's clients do, prints what
 * each component says of each token and what each user's token grants
 * (Registry Server roles, platform role), and stops okta-local.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { applyStack, type ApplyResult } from "../local-apply/index";
import { start, type OktaLocal, type SeedFile } from "../okta-local/index";
import {
  APP_TITLE,
  SignInRefused,
  decodeToken,
  oktaLocalSignInForm,
  readStackSettings,
  signIn,
  signInOutputsSchema,
  verifyForComponents,
  type AppName,
  type StackSettings,
} from "../sign-in/index";
import { componentTitle, describeGrants, tokenGrants, type ComponentReport, type TokenGrants } from "../verify-token/index";

const PROJECT_DIR = resolve(__dirname, "..", "..");
const SEED_FILE = join(PROJECT_DIR, "tools", "okta-local", "demo-seed.yaml");
const STACK = "dev";

interface Row {
  who: string;
  app: AppName;
  cells: string[];
  /** What the token grants; absent when the user got no token. */
  grants?: TokenGrants;
}

const out = (line = "") => void process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const seed = parse(readFileSync(SEED_FILE, "utf8")) as SeedFile;
  const users = seed.users ?? [];
  const scratch = mkdtempSync(join(tmpdir(), "stacklok-demo-"));
  let org: OktaLocal | undefined;
  try {
    org = await start({ seed, quiet: true });
    out(`okta-local: an Okta org on ${org.url}, seeded with ${users.map((u) => u.login).join(", ")}`);

    const applied = await applyDev(org, scratch);
    const layout = "the dev example stack (Pulumi.dev.yaml)";
    const outputs = signInOutputsSchema.parse(applied.outputs);
    const writes = applied.requests.filter((r) => r.method !== "GET").length;
    out(`Applied ${layout}: ${applied.steps.length} resources, ${applied.requests.length} management API calls (${writes} writes)`);
    out(`  Enterprise Manager issuer ${outputs.enterpriseManager.issuer}, audience ${outputs.enterpriseManager.audience}`);
    out(`  Cloud UI issuer           ${outputs.cloudUi.issuer}, audience ${outputs.cloudUi.audience}`);
    out(`  CLI/Desktop client ${outputs.enterpriseManager.clientId}, Cloud UI client ${outputs.cloudUi.clientId} (secret not shown)`);
    out();

    const rows: Row[] = [];
    const settings = readStackSettings(PROJECT_DIR, STACK);
    for (const user of users) {
      for (const app of ["cli", "cloud-ui"] as const) {
        rows.push({ who: user.login, app, ...(await signInAndJudge(user.login, user.password, app, applied.outputs, settings)) });
      }
    }
    printTable(
      ["User", "App", ...COMPONENTS.map((c) => componentTitle(c))],
      rows.map((row) => [row.who, APP_TITLE[row.app], ...row.cells]),
    );
    out();
    out("accepted = the component would take the token; otherwise verify-token's reason codes (docs/verify-token.md).");
    out();
    printTable(["User", "Registry Server roles", "Platform role"], grantLines(rows));
    out();
    out("Roles: each token's claims against registryServer.authz and platformRoleBindingsYaml (docs/authorization.md).");
    out("Try it yourself: npm run okta:local, npm run local:apply, then npm run sign-in -- --stack dev.");
    return 0;
  } finally {
    await org?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function applyDev(org: OktaLocal, stateDir: string): Promise<ApplyResult> {
  return applyStack({ projectDir: PROJECT_DIR, stack: STACK, orgUrl: org.url, apiToken: org.apiToken, stateDir, log: () => undefined });
}

const COMPONENTS = ["enterprise-manager", "cloud-ui", "registry-server"] as const;

/** One sign-in: each component's verdict on the access token, and what the token grants. */
async function signInAndJudge(
  username: string,
  password: string,
  app: AppName,
  rawOutputs: Record<string, unknown>,
  settings: StackSettings,
): Promise<Pick<Row, "cells" | "grants">> {
  try {
    const result = await signIn({
      app,
      outputs: signInOutputsSchema.parse(rawOutputs),
      userAgent: oktaLocalSignInForm({ username, password }),
      redirectUri: "http://localhost:8666/callback",
      tokenEndpointAuthMethod: settings.tokenEndpointAuthMethod,
    });
    const report = await verifyForComponents(result.accessToken, rawOutputs, COMPONENTS);
    const grants = tokenGrants(decodeToken(result.accessToken).claims, rawOutputs, settings.platformClaims);
    return { cells: report.components.map(cell), grants };
  } catch (error) {
    if (error instanceof SignInRefused) return { cells: [`sign-in refused: ${error.error} (${error.description})`] };
    throw error;
  }
}

/** One line per user; one per token when a user's tokens grant different things. */
function grantLines(rows: Row[]): string[][] {
  const lines: string[][] = [];
  for (const who of [...new Set(rows.map((row) => row.who))]) {
    const granted = rows.flatMap((row) => (row.who === who && row.grants ? [{ app: row.app, ...describeGrants(row.grants) }] : []));
    const [first] = granted;
    if (first === undefined) lines.push([who, "none (no token)", "none (no token)"]);
    else if (granted.every((g) => g.registry === first.registry && g.platform === first.platform)) lines.push([who, first.registry, first.platform]);
    else for (const g of granted) lines.push([`${who} (${APP_TITLE[g.app]} token)`, g.registry, g.platform]);
  }
  return lines;
}

function cell(component: ComponentReport): string {
  if (component.verdict === "accepted") return "accepted";
  const codes = [...new Set(component.findings.filter((f) => f.severity === "error").map((f) => f.code))];
  return `REJECTED ${codes.join(", ")}`;
}

/** A table; a row shorter than the header runs its last cell across the remaining columns. */
function printTable(header: string[], lines: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.filter((l) => l.length === header.length).map((l) => (l[i] ?? "").length)));
  const format = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join(" | ")
      .trimEnd();
  out(format(header));
  out(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const line of lines) out(format(line));
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
