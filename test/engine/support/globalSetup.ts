/**
 * `npm run test:engine` runs only on a real engine: this set-up finds the one
 * `npm run engine:build` made available (or the user's installed CLI and
 * okta plugin), prints it with its drift, and hands it to every test file.
 * With none, the run fails here, saying what is missing; it never passes
 * without running.
 */
import type { TestProject } from "vitest/node";
import { describeEngine, findEngine, type Engine } from "../../../tools/engine/engine";

declare module "vitest" {
  export interface ProvidedContext {
    engine: Engine;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const found = await findEngine();
  if ("missing" in found) {
    throw new Error(`npm run test:engine needs the real Pulumi engine, and there is none:\n${found.missing.map((m) => `  - ${m}`).join("\n")}\nRun npm run engine:build first.`);
  }
  process.stdout.write(describeEngine(found));
  project.provide("engine", found);
}
