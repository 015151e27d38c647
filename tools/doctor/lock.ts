/**
 * Stack locks. A file ("DIY") backend records a running update as a file
 * `.pulumi/locks/<organization>/<project>/<stack>/<lock id>.json` (project-
 * scoped layout; `.pulumi/locks/<stack>/` in the legacy one) holding
 * `{pid, username, hostname, timestamp}`, and deletes it when the update ends
 * (pulumi/pulumi pkg/backend/diy/lock.go: lockDir, stackLockDir, lockPath,
 * lockContent). A CLI killed with SIGKILL leaves it behind, and the next
 * update stops on it until `pulumi cancel` removes it. The doctor reads these
 * files for a `file://` backend. Other backends keep locks where the doctor
 * cannot read them: Pulumi Cloud records the update in progress server-side
 * (`pulumi up` then answers that another update is in progress), and object
 * store backends (s3://, gs://, azblob://) hold the same files in the bucket.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface LockFile {
  path: string;
  pid: number;
  user: string;
  host: string;
  /** RFC 3339, as Pulumi wrote it. */
  time: string;
  /** true: its process is gone (same host); false: it runs; undefined: another host, cannot tell. */
  stale?: boolean;
}

/** Whether a process of this host runs (signal 0 checks without signalling). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export type LockScan = { readable: true; locks: LockFile[] } | { readable: false; reason: string };

/** The locks a backend holds for a stack. */
export function findLocks(backendUrl: string, organization: string, project: string, stack: string): LockScan {
  if (!backendUrl.startsWith("file://")) {
    return {
      readable: false,
      reason: `the backend ${backendUrl.replace(/\/\/[^@/]*@/, "//***@")} keeps its locks where the doctor cannot read them; if pulumi up says the stack is locked or an update is in progress and none runs, pulumi cancel clears it`,
    };
  }
  const root = fileURLToPath(backendUrl);
  const dirs = [join(root, ".pulumi", "locks", organization, project, stack), join(root, ".pulumi", "locks", stack)];
  const locks: LockFile[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".json")) continue;
      const path = join(dir, entry.name);
      let content: Record<string, unknown>;
      try {
        content = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
      } catch {
        content = {};
      }
      const pid = typeof content["pid"] === "number" ? content["pid"] : 0;
      const host = typeof content["hostname"] === "string" ? content["hostname"] : "";
      locks.push({
        path,
        pid,
        user: typeof content["username"] === "string" ? content["username"] : "?",
        host: host || "?",
        time: typeof content["timestamp"] === "string" ? content["timestamp"] : "?",
        ...(host === hostname() && pid > 0 ? { stale: !processRuns(pid) } : {}),
      });
    }
  }
  return { readable: true, locks };
}
