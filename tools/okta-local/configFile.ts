/**
 * okta-local's input files (the seed, the faults): read as YAML (JSON is YAML
 * too) and checked with zod, every problem as one line naming the key, the
 * value and what is accepted.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { ZodError } from "zod";
import { valueAt } from "./errors";

/** One line per zod issue: `  key.path[0]: message (got value)`. */
export function issueLines(error: ZodError, input: unknown): string[] {
  return error.issues.map((issue) => {
    const key = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") || "(top level)";
    const value = valueAt(input, issue.path);
    return `  ${key}: ${issue.message}${value === undefined ? "" : ` (got ${JSON.stringify(value)})`}`;
  });
}

/** The document in a YAML or JSON file; `fail` builds the error thrown when it cannot be read or parsed. */
export function readDocument(path: string, what: string, fail: (message: string) => Error): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw fail(`cannot read ${what} ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return parse(text);
  } catch (error) {
    throw fail(`${what} ${path} is not YAML or JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
