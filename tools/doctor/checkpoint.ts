/**
 * A file backend's checkpoint sidecars. The file ("DIY") backend keeps a
 * stack's checkpoint at `.pulumi/stacks/<project>/<stack>.json` (project-
 * scoped layout; `.pulumi/stacks/<stack>.json` in the legacy one) with its
 * backup `<stack>.json.bak` (pulumi/pulumi pkg/backend/diy/state.go), through
 * gocloud.dev's fileblob, which keeps each file's attributes in a sidecar
 * `<file>.attrs`. fileblob writes the checkpoint to a temporary file and
 * renames it, but writes the sidecar in place (blob/fileblob/attrs.go
 * `setAttrs`: `os.Create`, then the JSON), so a CLI killed in between leaves
 * an empty sidecar, and every later command on the stack fails reading it:
 * `failed to load checkpoint: EOF` (measured with the real engine: 2 of 48
 * kill points, docs/operations.md). The checkpoint itself is intact, and
 * fileblob reads a file that has no sidecar with default attributes
 * (`getAttrs`: "Handle gracefully for non-existent .attr files"), so removing
 * a sidecar that holds no JSON loses nothing.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The stack's checkpoint sidecars that hold no JSON (empty or cut short), as absolute paths. */
export function brokenSidecars(backendUrl: string, project: string, stack: string): string[] {
  if (!backendUrl.startsWith("file://")) return [];
  const root = fileURLToPath(backendUrl);
  const dirs = [join(root, ".pulumi", "stacks", project), join(root, ".pulumi", "stacks")];
  const broken: string[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.startsWith(`${stack}.json`) || !entry.name.endsWith(".attrs")) continue;
      const path = join(dir, entry.name);
      try {
        JSON.parse(readFileSync(path, "utf8"));
      } catch {
        broken.push(path);
      }
    }
  }
  return broken;
}
