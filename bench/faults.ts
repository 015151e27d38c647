/**
 * npm run bench:faults [-- --rounds 1] [-- --stacks dev,prod] [-- --runs clean,storm,proxy-storm,integrator-free]
 *
 * A first `pulumi up` of each example stack with the real engine, on a fresh
 * okta-local org per run, its wall time and what the org answered:
 * - clean: no fault, the provider reaching the org as a real one
 *   (test/engine/support/httpsFront.ts);
 * - storm: the fault suite's 429 storm (test/engine/support/storm.ts: the
 *   Integrator Free buckets per 2 s, every route answering 429 for 8 s from
 *   the first write, the provider's waits 1 s to 10 s);
 * - proxy-storm: the same storm reached through `okta:httpProxy`, as the
 *   README's okta-local set-up does, where the provider's SDKs retry a 429
 *   themselves (docs/okta-local.md);
 * - integrator-free: Okta's Integrator Free buckets on their real 60 s window
 *   with the provider's default waits (30 s to 300 s), no injected fault:
 *   what the stack's `okta:maxApiCapacity` governor costs on such an org.
 * Prints a markdown table of medians, the most requests one bucket took in
 * one window, and the engine; asserts nothing.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { describeEngine, findEngine, type Engine } from "../tools/engine/engine";
import { runCommand, stackEnvironment } from "../tools/engine/run";
import { bucketOf } from "../tools/okta-local/faults";
import { start, type FaultsFile, type OktaLocal, type RequestLogEntry } from "../tools/okta-local/index";
import { ProjectCopies } from "../test/support/projectCopy";
import { FRONT_ORG, httpsFront, type HttpsFront } from "../test/engine/support/httpsFront";
import { SHORT_WAITS, stormAtFirstWrite, STORM_BUCKETS, STORM_SECONDS } from "../test/engine/support/storm";
import { median } from "./stats";

const RUNS = ["clean", "storm", "proxy-storm", "integrator-free"] as const;
type Run = (typeof RUNS)[number];

const { values } = parseArgs({ options: { rounds: { type: "string", default: "1" }, stacks: { type: "string", default: "dev,prod" }, runs: { type: "string", default: RUNS.join(",") } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number from 1 (got ${values.rounds})`);
const stacks = values.stacks.split(",").filter((s) => s !== "");
const runs = values.runs.split(",").filter((r) => r !== "") as Run[];
for (const run of runs) if (!RUNS.includes(run)) throw new Error(`--runs: got "${run}"; expected some of ${RUNS.join(", ")}`);

interface Sample {
  ms: number;
  ok: boolean;
  requests: number;
  throttled: number;
  /** The most requests one rate-limit bucket took within one window. */
  busiest: string;
}

/** The most requests a bucket took in one window of `windowSeconds`, e.g. `/api/v1: 50`. */
function busiestBucket(requests: readonly RequestLogEntry[], windowSeconds: number): string {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const key = `${bucketOf(r.method, r.path.split("?")[0] ?? r.path)}@${Math.floor(Date.parse(r.at) / 1000 / windowSeconds)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const [key, n] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ["-@0", 0];
  return `${key.split("@")[0] ?? ""}: ${n}`;
}

async function measure(engine: Engine, copies: ProjectCopies, stack: string, run: Run, round: number): Promise<Sample> {
  const dir = copies.make(`${stack}-${run}-${round}`, undefined, { extra: ["policy", "Pulumi.local.yaml"] });
  const backendDir = mkdtempSync(join(tmpdir(), "bench-faults-"));
  mkdirSync(join(backendDir, "home"));
  const org: OktaLocal = await start({ quiet: true });
  let front: HttpsFront | undefined;
  try {
    const viaProxy = run === "proxy-storm";
    front = viaProxy ? undefined : await httpsFront(org.url);
    const env = { ...stackEnvironment(engine, { backendDir, passphrase: "bench-only", home: join(backendDir, "home") }), ...front?.env };
    const pulumi = (...args: string[]) => runCommand(engine.pulumi, [...args, "--stack", stack], dir, env, { check: false });
    await runCommand(engine.pulumi, ["stack", "init", stack], dir, env);
    await pulumi("config", "set", "--secret", "okta:apiToken", org.apiToken);
    if (viaProxy) await pulumi("config", "set", "okta:httpProxy", org.url);
    else {
      await pulumi("config", "set", "okta:orgName", FRONT_ORG.orgName);
      await pulumi("config", "set", "okta:baseUrl", FRONT_ORG.baseUrl);
    }
    if (run !== "integrator-free") for (const [key, value] of Object.entries(SHORT_WAITS)) await pulumi("config", "set", key, value);
    const base: FaultsFile = run === "integrator-free" ? { rateLimits: "integrator-free" } : run === "clean" ? {} : STORM_BUCKETS;
    const lift = run === "storm" || run === "proxy-storm" ? stormAtFirstWrite(org, base, STORM_SECONDS) : (org.faults.set(base), () => undefined);
    const since = org.requests().length;
    const began = process.hrtime.bigint();
    const up = await pulumi("up", "--yes", "--skip-preview", "--policy-pack", "./policy");
    const ms = Number(process.hrtime.bigint() - began) / 1e6;
    lift();
    const requests = org.requests().slice(since);
    return { ms, ok: up.code === 0, requests: requests.length, throttled: requests.filter((r) => r.status === 429).length, busiest: busiestBucket(requests, run === "integrator-free" ? 60 : STORM_BUCKETS.window) };
  } finally {
    await org.close();
    await front?.close();
    rmSync(backendDir, { recursive: true, force: true });
  }
}


async function main(): Promise<void> {
  const engine = await findEngine();
  if ("missing" in engine) throw new Error(`no engine: ${engine.missing.join("; ")} (npm run engine:build)`);
  const copies = new ProjectCopies();
  const lines = [
    describeEngine(engine),
    `Medians of ${rounds} round(s) on ${cpus().length} CPU(s), load ${loadavg()[0]?.toFixed(2) ?? "?"} at the start; requests from okta-local's log:`,
    "",
    "| stack | run | up | wall | requests | answered 429 (each retried when the up finished) | busiest bucket in one window |",
    "|---|---|---|---|---|---|---|",
  ];
  try {
    for (const stack of stacks) {
      for (const run of runs) {
        const samples: Sample[] = [];
        for (let round = 0; round < rounds; round++) samples.push(await measure(engine, copies, stack, run, round));
        const failed = samples.filter((s) => !s.ok).length;
        lines.push(
          `| ${stack} | ${run} | ${failed === 0 ? "finished" : `failed ${failed} of ${samples.length}`} | ${(median(samples.map((s) => s.ms)) / 1000).toFixed(1)} s | ${median(samples.map((s) => s.requests))} | ${median(samples.map((s) => s.throttled))} | ${samples.map((s) => s.busiest).join("; ")} |`,
        );
        process.stderr.write(`${lines.at(-1) ?? ""}\n`);
      }
    }
  } finally {
    copies.dispose();
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:faults: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
