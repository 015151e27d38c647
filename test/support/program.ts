/**
 * Runs the program in process on Pulumi's mock engine (tools/mock-engine)
 * with the given stack config, and reports what it registered.
 */
import type * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, deployPlatformIdentity, type PlatformOutputs } from "../../components";
import { runOffline } from "../../tools/mock-engine/inProcess";
import type { OktaMockOptions, RecordedResource, RunReport } from "../../tools/mock-engine/oktaMocks.cjs";

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
  const { config: _config, extraConfig: _extra, secretKeys, stack, project, ...mocks } = options;
  let outputs: PlatformOutputs | undefined;
  const run = await runOffline({
    project: project ?? "stacklok-identity",
    stack: stack ?? "dev",
    config,
    ...(secretKeys ? { secretKeys: secretKeys.map((k) => `${CONFIG_NAMESPACE}:${k}`) } : {}),
    mocks: {
      // An untouched default server that already carries Stacklok's default
      // audience (its one audience), so runs warn only when a test sets up a
      // server whose audience would go.
      defaultServer: {
        description: "Default Authorization Server for your Applications",
        audiences: ["enterprise-manager"],
        issuerMode: "ORG_URL",
      },
      ...mocks,
    },
    program: async () => (outputs = await deployPlatformIdentity()),
  });
  const { exported: _exported, ...report } = run;
  return { ...report, ...(outputs ? { outputs } : {}) };
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

/** An Output's value on the mock engine. */
export function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((done) => {
    output.apply((value) => {
      done(value);
      return value;
    });
  });
}
