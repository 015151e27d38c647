/**
 * Plugins a killed Pulumi CLI left running. The CLI starts each plugin (the
 * language host, the policy analyzer, the Okta provider) as a child in a
 * process group of its own (pulumi/pulumi
 * `sdk/go/common/resource/plugin/plugin.go`, `cmdutil.RegisterProcessGroup`),
 * so a CLI killed alone (`kill -9 <pid>`, the OOM killer) leaves them
 * running: the provider finishes the Okta calls it had started, and each
 * plugin exits only at its next health check of the engine, every 5
 * minutes (`sdk/go/pulumi/provider/main.go`, and
 * `sdk/nodejs/cmd/pulumi-language-nodejs/main.go`). Measured with the real
 * engine: up to 5 writes to the org after the kill (docs/operations.md, "The
 * fault matrix"). A doctor that read the org while they still ran could miss
 * an object created a moment later, so it looks for them first: a plugin
 * whose parent is no longer a `pulumi` CLI was left by one. Their results
 * can never be recorded (the engine that asked for them is gone), so `--fix`
 * ends them before it reads anything.
 */
import { execFileSync } from "node:child_process";
import { basename } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** The command line, as `ps -o args` shows it. */
  command: string;
}

/** Which plugins the CLI starts for this program (their executables' names). */
const PLUGIN = /^pulumi-(resource-okta|language-nodejs|analyzer-)/;

const program = (command: string) => basename(command.trim().split(/\s+/)[0] ?? "");

/**
 * The processes of this host, from `ps -A -o pid=,ppid=,args=` (POSIX, so
 * Linux and macOS alike); undefined where there is no `ps` (Windows).
 */
export function listProcesses(): ProcessEntry[] | undefined {
  if (process.platform === "win32") return undefined;
  let out: string;
  try {
    out = execFileSync("ps", ["-A", "-o", "pid=,ppid=,args="], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 16 * 1024 * 1024 });
  } catch {
    return undefined;
  }
  const entries: ProcessEntry[] = [];
  for (const line of out.split("\n")) {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (match) entries.push({ pid: Number(match[1]), ppid: Number(match[2]), command: match[3] ?? "" });
  }
  return entries;
}

/** The Pulumi plugins whose parent is not (any longer) a `pulumi` CLI. */
export function strandedPlugins(processes: ProcessEntry[]): ProcessEntry[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  return processes.filter((p) => PLUGIN.test(program(p.command)) && program(byPid.get(p.ppid)?.command ?? "") !== "pulumi");
}

/** What the doctor says about them, one line. */
export function describeStranded(plugins: ProcessEntry[]): string {
  const list = plugins.map((p) => `${p.pid} ${program(p.command)}`).join(", ");
  return (
    `${plugins.length} Pulumi plugin(s) run on without their CLI (${list}): a pulumi up was killed while they worked. ` +
    "The provider still finishes the Okta calls it had started, so the org may change after this report; each plugin exits within 5 minutes of the kill"
  );
}

/** The command that ends them. */
export const killCommand = (plugins: ProcessEntry[]) => `kill -9 ${plugins.map((p) => p.pid).join(" ")}`;

/**
 * SIGKILLs each and waits (up to `waitMs`) until none is listed as running;
 * returns those still there (another user's, which this user may not signal).
 */
export async function endStranded(plugins: ProcessEntry[], list: () => ProcessEntry[] | undefined, kill: (pid: number) => void, waitMs = 5000): Promise<ProcessEntry[]> {
  for (const plugin of plugins) {
    try {
      kill(plugin.pid);
    } catch {
      // Gone already, or not ours: the listing below tells.
    }
  }
  const started = Date.now();
  for (;;) {
    const running = new Set(strandedPlugins(list() ?? []).map((p) => p.pid));
    const left = plugins.filter((p) => running.has(p.pid));
    if (left.length === 0 || Date.now() - started >= waitMs) return left;
    await sleep(100);
  }
}
