/**
 * Config problems as operators read them: the full key path, the value given
 * (never a secret one) and what is accepted.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { REDACTED } from "../contract";
import { acceptedKeys, CONFIG_NAMESPACE } from "./schema";

/** One problem with the config, before formatting. */
export interface Problem {
  path: PropertyKey[];
  value: unknown;
  message: string;
  missing?: boolean;
}

/** Raised for bad stack config. A RunError, so Pulumi prints it without a stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(readonly problems: string[]) {
    super(
      `Invalid stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was created:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export function keyPath(path: readonly PropertyKey[]): string {
  let out = CONFIG_NAMESPACE + ":";
  path.forEach((segment, i) => {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += (i === 0 ? "" : ".") + String(segment);
  });
  return out;
}

function render(value: unknown, secret: boolean): string {
  if (secret) return REDACTED;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function formatProblem(problem: Problem, secretKeys: ReadonlySet<string>): string {
  const topKey = String(problem.path[0] ?? "");
  const where = keyPath(problem.path);
  if (problem.missing) return `${where}: missing; ${problem.message}`;
  return `${where}: got ${render(problem.value, secretKeys.has(topKey))}; ${problem.message}`;
}

export function zodProblems(issues: z.core.$ZodIssue[]): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: [...issue.path, key],
        value: issue.input?.[key],
        message: `unknown key; accepted keys: ${acceptedKeys(issue.path).join(", ")}`,
      }));
    }
    return [{ path: issue.path, value: issue.input, message: issue.message, missing: issue.input === undefined }];
  });
}

