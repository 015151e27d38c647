/**
 * npm run bench:engine [-- --rounds 3] [-- --stacks local,dev,prod]
 *
 * Per example stack, on a fresh okta-local org each round: the wall time and
 * the management API calls (writes) of the real `pulumi preview`, `pulumi
 * up` and `pulumi destroy` (each with the policy pack where the README uses
 * it), beside local-apply's first apply and destroy of the same stack on a
 * second org. Needs the engine `npm run engine:build` provides. Prints a
 * markdown table of medians and the engine with its drift; asserts nothing.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { describeEngine, findEngine, type Engine } from "../tools/engine/engine";
import { runCommand, stackEnvironment } from "../tools/engine/run";
import { applyStack } from "../tools/local-apply/index";
import { start, type OktaLocal } from "../tools/okta-local/index";
import { ProjectCopies } from "../test/support/projectCopy";
import { median } from "./stats";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" }, stacks: { type: "string", default: "local,dev,prod" } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number from 1 (got ${values.rounds})`);
const stacks = values.stacks.split(",").filter((s) => s !== "");

const COMMANDS = ["preview", "up", "destroy"] as const;
type Measured = (typeof COMMANDS)[number] | "local-apply" | "local-apply destroy";
type Sample = Record<Measured, { ms: number; calls: number; writes: number }>;

function managementRequests(org: OktaLocal, since: number): { calls: number; writes: number } {
  const requests = org.requests().slice(since).filter((r) => r.path.startsWith("/api/") || r.path.startsWith("/.well-known/okta-organization"));
  return { calls: requests.length, writes: requests.filter((r) => r.method !== "GET" && r.method !== "HEAD").length };
}

async function timed(org: OktaLocal, action: () => Promise<unknown>): Promise<{ ms: number; calls: number; writes: number }> {
  const since = org.requests().length;
  const began = process.hrtime.bigint();
  await action();
  return { ms: Number(process.hrtime.bigint() - began) / 1e6, ...managementRequests(org, since) };
}

async function measure(engine: Engine, copies: ProjectCopies, stack: string, round: number): Promise<Sample> {
  const dir = copies.make(`${stack}-${round}`, undefined, { extra: ["policy", "Pulumi.local.yaml"] });
  const backendDir = mkdtempSync(join(tmpdir(), "bench-engine-"));
  mkdirSync(join(backendDir, "home"));
  const env = stackEnvironment(engine, { backendDir, passphrase: "bench-only", home: join(backendDir, "home") });
  const [real, mirror] = await Promise.all([start({ quiet: true }), start({ quiet: true })]);
  const pulumi = (...args: string[]) => runCommand(engine.pulumi, [...args, "--stack", stack], dir, env);
  try {
    await runCommand(engine.pulumi, ["stack", "init", stack], dir, env);
    await pulumi("config", "set", "--secret", "okta:apiToken", real.apiToken);
    await pulumi("config", "set", "okta:httpProxy", real.url);
    // The protected example is destroyed as a user would after `pulumi state unprotect --all`.
    await pulumi("config", "set", "stacklok-identity:protect", "false");
    const sample = {} as Sample;
    sample.preview = await timed(real, () => pulumi("preview", "--policy-pack", "./policy"));
    sample.up = await timed(real, () => pulumi("up", "--yes", "--policy-pack", "./policy"));
    sample.destroy = await timed(real, () => pulumi("destroy", "--yes"));
    const stateDir = join(backendDir, "local-apply");
    const local = { projectDir: dir, stack, orgUrl: mirror.url, apiToken: mirror.apiToken, stateDir, log: () => undefined };
    sample["local-apply"] = await timed(mirror, () => applyStack(local));
    sample["local-apply destroy"] = await timed(mirror, () => applyStack({ ...local, destroy: true }));
    return sample;
  } finally {
    await Promise.all([real.close(), mirror.close()]);
    rmSync(backendDir, { recursive: true, force: true });
  }
}


async function main(): Promise<void> {
  const engine = await findEngine();
  if ("missing" in engine) throw new Error(`no engine: ${engine.missing.join("; ")} (npm run engine:build)`);
  const copies = new ProjectCopies();
  const measured: Measured[] = [...COMMANDS, "local-apply", "local-apply destroy"];
  const lines = [
    describeEngine(engine),
    `Medians of ${rounds} round(s) on ${cpus().length} CPU(s), load ${loadavg()[0]?.toFixed(2) ?? "?"} at the start; calls (writes) from okta-local's log:`,
    "",
    `| stack | ${measured.join(" | ")} |`,
    `|---|${measured.map(() => "---").join("|")}|`,
  ];
  try {
    for (const stack of stacks) {
      const samples: Sample[] = [];
      for (let round = 0; round < rounds; round++) samples.push(await measure(engine, copies, stack, round));
      const cell = (what: Measured) => {
        const m = (key: "ms" | "calls" | "writes") => median(samples.map((s) => s[what][key]));
        return `${(m("ms") / 1000).toFixed(1)} s, ${m("calls")} (${m("writes")})`;
      };
      lines.push(`| ${stack} | ${measured.map(cell).join(" | ")} |`);
    }
  } finally {
    copies.dispose();
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:engine: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
