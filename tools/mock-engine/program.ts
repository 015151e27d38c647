/**
 * How Pulumi's nodejs runtime finds and starts a program
 * (`@pulumi/pulumi/cmd/run/run.js`), for the tools that run it on the mock
 * engine: the entry is package.json's `main`; a module that exports a
 * function is called, and what it returns (or the exports themselves) is
 * awaited as the stack outputs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The program file `pulumi up` would run: package.json's main, as Pulumi's nodejs runtime resolves it. */
export function programEntry(projectDir: string): string {
  const manifest = JSON.parse(readFileSync(join(projectDir, "package.json"), "utf8")) as { main?: string };
  return join(projectDir, manifest.main ?? "index.js");
}

/** The stack outputs of a program module's exports: a function's result, else the exports. */
export function startProgram(exported: unknown): unknown {
  return exported instanceof Function ? (exported as () => unknown)() : exported;
}
