/**
 * One state file per stack, like a Pulumi checkpoint: every resource's URN,
 * type, id, options and last inputs and outputs, plus the stack outputs.
 * Written after every step, atomically (a temporary file renamed over the
 * old one), so a failed apply leaves what it did create on record.
 *
 * Client secrets are held in plain text (Pulumi encrypts them in its
 * checkpoints): the file is created readable by its owner only, and is meant
 * for okta-local orgs, whose secrets protect nothing real.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Props } from "./provider";

export interface StateResource {
  urn: string;
  type: string;
  /** false for component resources and the stack. */
  custom: boolean;
  id?: string;
  parent?: string;
  inputs: Props;
  outputs: Props;
  protect?: boolean;
  retainOnDelete?: boolean;
  deleteBeforeReplace?: boolean;
  replaceOnChanges?: string[];
  dependencies?: string[];
  /** An old copy of a replaced resource still to be deleted (an interrupted apply). */
  pendingDelete?: boolean;
}

export interface StackState {
  version: 1;
  project: string;
  stack: string;
  orgUrl: string;
  resources: StateResource[];
  /** The stack outputs as the engine holds them (secrets still marked). */
  outputs: Props;
}

export const DEFAULT_STATE_DIR = ".local-apply";

export function statePath(stateDir: string, project: string, stack: string): string {
  return join(stateDir, project, `${stack}.json`);
}

export function readState(path: string, project: string, stack: string, orgUrl: string): StackState {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, project, stack, orgUrl, resources: [], outputs: {} };
    throw err;
  }
  const state = JSON.parse(text) as StackState;
  if (state.version !== 1 || !Array.isArray(state.resources)) throw new Error(`${path} is not a local-apply state file (version 1)`);
  return state;
}

export function writeState(path: string, state: StackState): void {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
  renameSync(partial, path);
}
