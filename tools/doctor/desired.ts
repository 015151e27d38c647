/**
 * What the program declares for the stack: it is run offline on Pulumi's mock
 * engine with the stack's config, as `npm run plan` runs it, and each
 * registered resource gives its URN, parent URN, type, Pulumi name and the
 * Okta names, labels and markers it would send. The doctor looks for the
 * stack's objects in the org by these, and takes the parent URNs of
 * `pulumi import` commands from them. Secure config values stay encrypted;
 * no name depends on them.
 */
import { deployPlatformIdentity } from "../../components";
import { runOffline } from "../mock-engine/inProcess";
import { loadStackConfig } from "../mock-engine/stackConfig";

export interface DesiredResource {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  inputs: Record<string, unknown>;
  protect: boolean;
}

export type Desired = { ok: true; project: string; resources: DesiredResource[] } | { ok: false; reason: string };

export async function desiredResources(projectDir: string, stack: string): Promise<Desired> {
  let config;
  try {
    config = loadStackConfig(projectDir, stack);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const run = await runOffline({
    project: config.project,
    stack: config.stack,
    config: config.config,
    secretKeys: config.secretKeys,
    program: () => deployPlatformIdentity(),
  });
  if (run.error) return { ok: false, reason: `the program fails with the stack's config: ${run.error.message}` };
  return {
    ok: true,
    project: config.project,
    resources: run.resources
      .filter((r) => r.type !== "pulumi:pulumi:Stack")
      .map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        ...(r.options.parent === undefined ? {} : { parent: r.options.parent }),
        inputs: r.inputs,
        protect: r.options.protect === true,
      })),
  };
}
