/**
 * Runs the program on Pulumi's mock engine, in process, the way the nodejs
 * runtime does (inside the root Stack resource), and reports what it
 * registered. Every call sets fresh mocks, so runs never see each other.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, deployPlatformIdentity, type PlatformOutputs } from "../../components";
import {
  collectReport,
  createOktaMocks,
  createOptionsRecorder,
  orgHostFromConfig,
  type OktaMockOptions,
  type RecordedResource,
  type RunReport,
} from "../../tools/mock-engine/oktaMocks.cjs";

export type { RecordedResource, RunReport };

export interface RunOptions extends OktaMockOptions {
  /** Values under the `stacklok-identity` namespace; objects and lists are sent as JSON, as Pulumi does. */
  config: Record<string, unknown>;
  /** Other namespaces' keys, e.g. `okta:orgName`. */
  extraConfig?: Record<string, string>;
  secretKeys?: string[];
  stack?: string;
  project?: string;
}

export interface RunResult extends RunReport {
  outputs?: PlatformOutputs;
  error?: Error;
}

/** The config every test starts from: the two required keys. */
export const baseConfig = { mode: "single", cloudUiUrl: "https://stacklok.example.com" } as const;

function engineValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export async function runProgram(options: RunOptions): Promise<RunResult> {
  const config: Record<string, string> = { ...options.extraConfig };
  for (const [key, value] of Object.entries(options.config)) config[`${CONFIG_NAMESPACE}:${key}`] = engineValue(value);
  const okta = createOktaMocks({
    orgHost: orgHostFromConfig(config),
    // An untouched default server that already lists Stacklok's audiences, so
    // runs warn only when a test sets up a server whose audiences would go.
    defaultServer: { description: "Default Authorization Server for your Applications", audiences: ["enterprise-manager", "cloud-ui"] },
    ...options,
  });
  await pulumi.runtime.setMocks(okta.mocks, options.project ?? "stacklok-identity", options.stack ?? "dev", false);
  pulumi.runtime.setAllConfig(config, options.secretKeys?.map((k) => `${CONFIG_NAMESPACE}:${k}`));

  const recorder = createOptionsRecorder();
  let outputs: PlatformOutputs | undefined;
  let error: Error | undefined;
  // A program error is caught inside the stack and reported, rather than left
  // to reject the runtime's internal promises (the tests for the real
  // runtime's failure path are in pulumiRuntime.test.ts).
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation(recorder.transformation);
    try {
      outputs = await deployPlatformIdentity();
      return outputs;
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
      return {};
    }
  });
  // Wait for every registration RPC, including the stack outputs.
  await pulumi.runtime.disconnect();
  const report = await collectReport(okta, recorder);
  return { ...report, ...(outputs ? { outputs } : {}), ...(error ? { error } : {}) };
}

/** Okta resources only (no components, no stack). */
export function oktaResources(result: RunReport): RecordedResource[] {
  return result.resources.filter((r) => r.type.startsWith("okta:"));
}

export function findResource(result: RunReport, type: string, name: string): RecordedResource {
  const found = result.resources.find((r) => r.type === type && r.name === name);
  if (!found) {
    const have = result.resources.map((r) => `${r.type}::${r.name}`).join("\n  ");
    throw new Error(`no ${type} named ${name}; registered:\n  ${have}`);
  }
  return found;
}

export function resourcesOfType(result: RunReport, type: string): RecordedResource[] {
  return result.resources.filter((r) => r.type === type);
}
