/**
 * `npm run demo`: the whole setup on one screen, with no Okta org and no
 * Pulumi CLI. Starts okta-local with the demo users, applies the dev example
 * stack to it (the real program, as terraform-provider-okta would), signs
 * the demo users in through each app as Stacklok's clients do, prints what
 * each component says of each token, and stops okta-local.
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
  oktaLocalSignInForm,
  signIn,
  signInOutputsSchema,
  verifyForComponents,
  type AppName,
  type TokenEndpointAuthMethod,
} from "../sign-in/index";
import { componentTitle, type ComponentReport } from "../verify-token/index";

const PROJECT_DIR = resolve(__dirname, "..", "..");
const SEED_FILE = join(PROJECT_DIR, "tools", "okta-local", "demo-seed.yaml");
const STACK = "dev";

interface Row {
  who: string;
  app: AppName;
  cells: string[];
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
    const authMethod = cloudUiAuthMethod();
    for (const user of users) {
      for (const app of ["cli", "cloud-ui"] as const) {
        rows.push({ who: user.login, app, cells: await verdicts(user.login, user.password, app, applied.outputs, authMethod) });
      }
    }
    printTable(rows);
    out();
    out("accepted = the component would take the token; otherwise verify-token's reason codes (docs/verify-token.md).");
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

function cloudUiAuthMethod(): TokenEndpointAuthMethod {
  const stackFile = parse(readFileSync(join(PROJECT_DIR, `Pulumi.${STACK}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  return stackFile.config?.["stacklok-identity:cloudUiTokenEndpointAuthMethod"] === "client_secret_post" ? "client_secret_post" : "client_secret_basic";
}

const COMPONENTS = ["enterprise-manager", "cloud-ui", "registry-server"] as const;

async function verdicts(
  username: string,
  password: string,
  app: AppName,
  rawOutputs: Record<string, unknown>,
  tokenEndpointAuthMethod: TokenEndpointAuthMethod,
): Promise<string[]> {
  try {
    const result = await signIn({
      app,
      outputs: signInOutputsSchema.parse(rawOutputs),
      userAgent: oktaLocalSignInForm({ username, password }),
      redirectUri: "http://localhost:8666/callback",
      tokenEndpointAuthMethod,
    });
    const report = await verifyForComponents(result.accessToken, rawOutputs, COMPONENTS);
    return report.components.map(cell);
  } catch (error) {
    if (error instanceof SignInRefused) return [`sign-in refused: ${error.error} (${error.description})`];
    throw error;
  }
}

function cell(component: ComponentReport): string {
  if (component.verdict === "accepted") return "accepted";
  const codes = [...new Set(component.findings.filter((f) => f.severity === "error").map((f) => f.code))];
  return `REJECTED ${codes.join(", ")}`;
}

function printTable(rows: Row[]): void {
  const header = ["User", "App", ...COMPONENTS.map((c) => componentTitle(c))];
  const lines = rows.map((row) => [row.who, APP_TITLE[row.app], ...row.cells]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.filter((l) => l.length === header.length).map((l) => (l[i] ?? "").length)));
  const format = (cells: string[]) =>
    cells.length === header.length
      ? cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")
      : `${(cells[0] ?? "").padEnd(widths[0] ?? 0)} | ${(cells[1] ?? "").padEnd(widths[1] ?? 0)} | ${cells[2] ?? ""}`;
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
