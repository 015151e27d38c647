/**
 * Where sign-in finds a stack's outputs, in this order (the first that
 * applies wins, and stderr says which one it was):
 *
 * 1. `--outputs FILE`: what `pulumi stack output --json --show-secrets`
 *    printed. Works for any org and any machine.
 * 2. local-apply's state for the stack (`<state-dir>/<project>/<stack>.json`,
 *    state-dir `.local-apply` in the project by default),
 *    when that file exists: only `npm run local:apply` writes it, and only
 *    against an okta-local org.
 * 3. `pulumi stack output --json --show-secrets --stack <name>`, when the
 *    Pulumi CLI is on PATH.
 *
 * Only the fields sign-in needs are read; the Cloud UI's client secret is
 * kept in memory for the token request and never printed.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { isRecord, REDACTED } from "../../components/contract";
import { CLOUD_UI_CALLBACK_PATH } from "../../components/facts";
import { revealSecrets } from "../local-apply/engine";
import { DEFAULT_STATE_DIR, statePath as localApplyStatePath } from "../local-apply/state";

/** The stack outputs sign-in reads (components/contract.ts names the full shape). */
export const signInOutputsSchema = z.object({
  enterpriseManager: z.object({
    issuer: z.string().min(1),
    audience: z.string().min(1),
    requiredScope: z.string().min(1),
    jwksUri: z.string().min(1),
    clientId: z.string().min(1),
  }),
  cloudUi: z.object({
    issuer: z.string().min(1),
    audience: z.string().min(1),
    jwksUri: z.string().min(1),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
  }),
  registryServer: z.object({
    providers: z.array(z.object({ name: z.string(), issuerUrl: z.string(), audience: z.string() })),
  }),
  chartValues: z.object({
    "toolhive-cloud-ui": z.object({ betterAuth: z.object({ url: z.string().min(1) }) }),
  }),
});

export type SignInOutputs = z.infer<typeof signInOutputsSchema>;

/** A problem with what the user gave; the CLI prints it and exits 2. */
export class SignInUsageError extends Error {
  override readonly name = "SignInUsageError";
}

export type OutputsSource = "outputs-file" | "local-apply-state" | "pulumi";

export interface LoadedOutputs {
  /** Every output as read, for verify-token (which reads only what it needs). */
  raw: Record<string, unknown>;
  outputs: SignInOutputs;
  source: OutputsSource;
  /** The file or command the outputs came from, for the operator. */
  from: string;
}

export interface OutputsLookup {
  stack: string;
  /** The Pulumi project directory (Pulumi.yaml); default: this repository. */
  projectDir: string;
  outputsFile?: string;
  /** local-apply's state directory; default `<projectDir>/.local-apply`. */
  localStateDir?: string;
  /** Runs `pulumi`; tests replace it. Resolves with stdout, or undefined when pulumi is not on PATH. */
  runPulumi?: (args: string[], cwd: string) => Promise<string | undefined>;
}

export async function loadStackOutputs(lookup: OutputsLookup): Promise<LoadedOutputs> {
  if (lookup.outputsFile !== undefined) {
    return checked(readJsonFile(lookup.outputsFile, "--outputs"), "outputs-file", lookup.outputsFile);
  }
  const statePath = localApplyStatePath(lookup.localStateDir ?? join(lookup.projectDir, DEFAULT_STATE_DIR), projectName(lookup.projectDir), lookup.stack);
  if (existsSync(statePath)) {
    const state = readJsonFile(statePath, "local-apply state");
    const outputs = isRecord(state) ? state["outputs"] : undefined;
    if (!isRecord(outputs) || Object.keys(outputs).length === 0) {
      throw new SignInUsageError(`${statePath} holds no stack outputs: run npm run local:apply -- --stack ${lookup.stack} first`);
    }
    return checked(revealSecrets(outputs), "local-apply-state", statePath);
  }
  const runPulumi = lookup.runPulumi ?? pulumiCli;
  const args = ["stack", "output", "--json", "--show-secrets", "--stack", lookup.stack];
  const printed = await runPulumi(args, lookup.projectDir);
  if (printed === undefined) {
    throw new SignInUsageError(
      `no outputs for stack "${lookup.stack}": pass --outputs FILE (pulumi stack output --json --show-secrets > FILE), ` +
        `apply it to okta-local with npm run local:apply (state expected at ${statePath}), or put the Pulumi CLI on PATH`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(printed) as unknown;
  } catch {
    throw new SignInUsageError(`pulumi ${args.join(" ")} printed something that is not JSON`);
  }
  return checked(parsed, "pulumi", `pulumi ${args.join(" ")}`);
}

/** The Cloud UI's registered callback: Better Auth's generic OAuth route under the UI's public URL. */
export function cloudUiRedirectUri(outputs: SignInOutputs): string {
  return outputs.chartValues["toolhive-cloud-ui"].betterAuth.url.replace(/\/+$/, "") + CLOUD_UI_CALLBACK_PATH;
}

function checked(raw: unknown, source: OutputsSource, from: string): LoadedOutputs {
  if (!isRecord(raw)) throw new SignInUsageError(`${from}: the stack outputs are not a JSON object`);
  const parsed = signInOutputsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.map(String).join(".");
      const redacted = valueAt(raw, issue.path) === REDACTED ? ` (printed as "${REDACTED}": add --show-secrets)` : "";
      return `  ${path}: ${issue.message}${redacted}`;
    });
    throw new SignInUsageError(`${from}: the stack outputs lack what sign-in needs:\n${problems.join("\n")}`);
  }
  return { raw, outputs: parsed.data, source, from };
}

function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SignInUsageError(`${what}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SignInUsageError(`${what}: ${path} is not JSON`);
  }
}

function projectName(projectDir: string): string {
  try {
    const project = parse(readFileSync(join(projectDir, "Pulumi.yaml"), "utf8")) as unknown;
    if (isRecord(project) && typeof project["name"] === "string") return project["name"];
  } catch {
    // Falls through to the error below.
  }
  throw new SignInUsageError(`${join(projectDir, "Pulumi.yaml")} is missing or names no project`);
}

function pulumiCli(args: string[], cwd: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    execFile("pulumi", args, { cwd, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === "ENOENT") return resolve(undefined);
      if (error) return reject(new SignInUsageError(`pulumi ${args.join(" ")} failed: ${stderr.trim() || error.message}`));
      resolve(stdout);
    });
  });
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (!isRecord(value) && !Array.isArray(value)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
