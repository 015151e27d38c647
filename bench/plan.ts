/**
 * npm run bench:plan [-- --rounds 15]
 *
 * The performance bar: the offline plan of each example stack takes at
 * most 1.3 times as long as bare `node -e "require('@pulumi/pulumi');
 * require('@pulumi/okta')"`, the floor for any run of the program. Each
 * command is a fresh node process, as a user runs it. The three commands
 * run interleaved, round by round, so background load hits all of them
 * alike; the verdict uses medians.
 *
 * The plan loads the SDK without the TypeScript compiler the SDK requires
 * at load time (tools/ts-hook.cjs defers it), which the floor pays for. So a
 * fourth command, the floor with the same deferral, shows what the program
 * itself costs over the SDK as the plan loads it; it is printed, not judged.
 */
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { median } from "./stats";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "15" }, warmup: { type: "string", default: "2" } } });
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(warmup) || warmup < 0) {
  throw new Error(`--rounds and --warmup must be whole numbers (got ${values.rounds}, ${values.warmup})`);
}

const root = join(__dirname, "..");
const LIMIT = 1.3;

const commands = {
  floor: ["-e", "require('@pulumi/pulumi'); require('@pulumi/okta')"],
  "floor, compiler deferred": ["-e", "require('./tools/ts-hook.cjs'); require('@pulumi/pulumi'); require('@pulumi/okta')"],
  "plan dev": [join(root, "tools", "plan", "main.cjs"), "--stack", "dev"],
  "plan prod": [join(root, "tools", "plan", "main.cjs"), "--stack", "prod"],
} as const;
type Name = keyof typeof commands;
const names = Object.keys(commands) as Name[];

function timeOnce(name: Name): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, commands[name], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${name} exited ${String(run.status)}: ${run.stderr.toString()}`);
  return elapsed;
}


// Warm-up fills the OS file cache and the plan's compile cache.
for (let i = 0; i < warmup; i++) for (const name of names) timeOnce(name);

const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
for (let round = 0; round < rounds; round++) {
  for (const name of names) times[name].push(timeOnce(name));
}

const floor = median(times.floor);
const deferredFloor = median(times["floor, compiler deferred"]);
console.log(`Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
console.log(`${rounds} interleaved rounds after ${warmup} warm-up rounds; wall time of a fresh node process each\n`);
console.log("| command | median ms | min ms | max ms | median / floor | median / floor, compiler deferred |");
console.log("|---|---|---|---|---|---|");
let worst = 0;
let worstDeferred = 0;
for (const name of names) {
  const m = median(times[name]);
  const ratio = m / floor;
  if (name.startsWith("plan")) {
    worst = Math.max(worst, ratio);
    worstDeferred = Math.max(worstDeferred, m / deferredFloor);
  }
  console.log(`| ${name} | ${m.toFixed(0)} | ${Math.min(...times[name]).toFixed(0)} | ${Math.max(...times[name]).toFixed(0)} | ${ratio.toFixed(2)} | ${(m / deferredFloor).toFixed(2)} |`);
}
console.log(`\nWorst plan / floor: ${worst.toFixed(2)} (limit ${LIMIT}); / the floor with the compiler deferred: ${worstDeferred.toFixed(2)} (not judged)`);
process.exitCode = worst <= LIMIT ? 0 : 1;
