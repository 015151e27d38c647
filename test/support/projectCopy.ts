/**
 * Throwaway copies of this Pulumi project (sharing node_modules), for tests
 * that change the program or its stack files and run the result the way a
 * user would.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const projectRoot = join(__dirname, "..", "..");

const PROJECT_FILES = ["index.ts", "components", "package.json", "tsconfig.json", "Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"];

export class ProjectCopies {
  private readonly scratch = mkdtempSync(join(tmpdir(), "stacklok-project-"));

  /**
   * A copy named `name` with `edit` applied to it; `extra` lists more of the
   * repository to copy (the policy pack, the tools a user runs beside `pulumi`).
   */
  make(name: string, edit: (dir: string) => void = () => undefined, options: { extra?: readonly string[] } = {}): string {
    const dir = join(this.scratch, name);
    for (const entry of [...PROJECT_FILES, ...(options.extra ?? [])]) cpSync(join(projectRoot, entry), join(dir, entry), { recursive: true });
    symlinkSync(join(projectRoot, "node_modules"), join(dir, "node_modules"), "dir");
    edit(dir);
    return dir;
  }

  dispose(): void {
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

/** Replaces `from` with `to` in a file of a copy; fails if `from` is not there. */
export function replaceInFile(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, "utf8");
  if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}`);
  writeFileSync(path, text.replace(from, to));
}
