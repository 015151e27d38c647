/**
 * npm run bench:e2e [-- --rounds 3]
 *
 * Per example stack, on a fresh okta-local org each round: the management
 * API calls (and writes) the first apply makes, those of a second, no-op
 * apply, and the wall time of each (an apply runs the program in a fresh
 * node process, as `pulumi up` runs it in a fresh language host). Counts come
 * from okta-local's own request log. Prints a markdown table of medians; it
 * asserts nothing about time.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { applyStack } from "../tools/local-apply/index";
import { start, type OktaLocal } from "../tools/okta-local/index";
import { median } from "./stats";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number from 1 (got ${values.rounds})`);

const root = join(__dirname, "..");
const STACKS = ["dev", "prod"] as const;

interface Sample {
  firstCalls: number;
  firstWrites: number;
  firstMs: number;
  noopCalls: number;
  noopWrites: number;
  noopMs: number;
}

function managementRequests(org: OktaLocal, since: number) {
  const requests = org.requests().slice(since).filter((r) => r.path.startsWith("/api/") || r.path.startsWith("/.well-known/okta-organization"));
  return { calls: requests.length, writes: requests.filter((r) => r.method !== "GET" && r.method !== "HEAD").length };
}

async function measure(stack: string): Promise<Sample> {
  const org = await start({ quiet: true });
  const stateDir = mkdtempSync(join(tmpdir(), `bench-e2e-${stack}-`));
  try {
    const applyOnce = async () => {
      const since = org.requests().length;
      const began = process.hrtime.bigint();
      await applyStack({ projectDir: root, stack, orgUrl: org.url, apiToken: org.apiToken, stateDir, log: () => undefined });
      return { ms: Number(process.hrtime.bigint() - began) / 1e6, ...managementRequests(org, since) };
    };
    const first = await applyOnce();
    const noop = await applyOnce();
    return { firstCalls: first.calls, firstWrites: first.writes, firstMs: first.ms, noopCalls: noop.calls, noopWrites: noop.writes, noopMs: noop.ms };
  } finally {
    await org.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}


async function main(): Promise<void> {
  const lines = [
    `Apply to okta-local, medians of ${rounds} round(s) on ${cpus().length} CPU(s), load ${loadavg()[0]?.toFixed(2) ?? "?"}:`,
    "",
    "| stack | first apply: calls (writes) | first apply: wall | no-op apply: calls (writes) | no-op apply: wall |",
    "|---|---|---|---|---|",
  ];
  for (const stack of STACKS) {
    const samples: Sample[] = [];
    try {
      for (let i = 0; i < rounds; i++) samples.push(await measure(stack));
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0]?.slice(-140) ?? "";
      lines.push(`| ${stack} | apply fails: ${reason.replace(/\|/g, "\\|")} | | | |`);
      continue;
    }
    const m = (key: keyof Sample) => median(samples.map((s) => s[key]));
    lines.push(
      `| ${stack} | ${m("firstCalls")} (${m("firstWrites")}) | ${(m("firstMs") / 1000).toFixed(2)} s | ` +
        `${m("noopCalls")} (${m("noopWrites")}) | ${(m("noopMs") / 1000).toFixed(2)} s |`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:e2e: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
