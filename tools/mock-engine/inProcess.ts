/**
 * Runs a program in this process on Pulumi's mock engine, the way the nodejs
 * runtime does (inside the root Stack resource, config from PULUMI_CONFIG),
 * and reports what it registered. Each call sets fresh mocks, so runs never
 * see each other's resources.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  collectReport,
  createOktaMocks,
  createOptionsRecorder,
  orgHostFromConfig,
  type OktaMockOptions,
  type RunReport,
} from "./oktaMocks.cjs";

export interface OfflineRunOptions {
  project: string;
  stack: string;
  /** `namespace:key` -> value, as the engine passes config. */
  config: Record<string, string>;
  secretKeys?: string[];
  mocks?: OktaMockOptions;
  /** The program: returns (a promise of) the stack outputs. */
  program: () => unknown;
}

export interface OfflineRun extends RunReport {
  /** What the program returned (its Outputs, unresolved). */
  exported?: unknown;
  /** The program's error; the stack then registers no outputs. */
  error?: Error;
}

export async function runOffline(options: OfflineRunOptions): Promise<OfflineRun> {
  const okta = createOktaMocks({ orgHost: orgHostFromConfig(options.config), ...options.mocks });
  await pulumi.runtime.setMocks(okta.mocks, options.project, options.stack, false);
  pulumi.runtime.setAllConfig(options.config, options.secretKeys);

  const recorder = createOptionsRecorder();
  let exported: unknown;
  let error: Error | undefined;
  // The program's error is caught inside the stack and reported, rather than
  // left to reject the runtime's internal promises as unhandled.
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation(recorder.transformation);
    try {
      exported = await options.program();
      return exported;
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
      return {};
    }
  });
  // Wait for every registration RPC, the stack outputs included.
  await pulumi.runtime.disconnect();
  const report = await collectReport(okta, recorder);
  return { ...report, ...(exported === undefined ? {} : { exported }), ...(error ? { error } : {}) };
}
