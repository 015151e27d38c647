/**
 * Drives the policy pack's policies (policy/policies.ts) the way the analyzer
 * server does, without a server or an engine: each validateResource function
 * gets the args object @pulumi/policy builds for one resource, each
 * validateStack function the args it builds for the whole stack, and both a
 * reportViolation callback.
 */
import type {
  EnforcementLevel,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  PolicyResource,
  StackValidationArgs,
} from "@pulumi/policy";
import { policies, stackPolicies } from "../../policy/policies";
import type { RecordedResource } from "./program";

/** The args @pulumi/policy passes to validateResource, for one resource's inputs. */
export function validationArgs(
  type: string,
  props: Record<string, unknown>,
  name: string,
  config: object = {},
  urn = `urn:pulumi:dev::stacklok-identity::${type}::${name}`,
  deleteBeforeReplace?: boolean,
): ResourceValidationArgs {
  return {
    type,
    props,
    name,
    urn,
    opts: resourceOptions(deleteBeforeReplace),
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string) => {
      throw new Error(`notApplicable: ${reason ?? ""}`);
    },
  };
}

/** The resource options @pulumi/policy passes; deleteBeforeReplace only when the engine sent it. */
function resourceOptions(deleteBeforeReplace: boolean | undefined): ResourceValidationArgs["opts"] {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(deleteBeforeReplace === undefined ? {} : { deleteBeforeReplace }),
  };
}

/**
 * The args @pulumi/policy passes to validateStack: every resource, with the
 * resources each property came from (none under the mock engine, which
 * records resolved ids, so the checks compare the ids themselves).
 */
export function stackValidationArgs(resources: readonly RecordedResource[]): StackValidationArgs {
  const policyResources: PolicyResource[] = resources.map((resource) => ({
    type: resource.type,
    props: resource.inputs,
    urn: resource.urn,
    name: resource.name,
    opts: resourceOptions(resource.options.deleteBeforeReplace),
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  }));
  return {
    resources: policyResources,
    stackTags: new Map(),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string) => {
      throw new Error(`notApplicable: ${reason ?? ""}`);
    },
  };
}

export function validationsOf(policy: ResourceValidationPolicy): ResourceValidation[] {
  const validate = policy.validateResource;
  if (validate === undefined) return [];
  return Array.isArray(validate) ? validate : [validate];
}

export interface PolicyFinding {
  policy: string;
  level: EnforcementLevel | undefined;
  urn: string;
  message: string;
}

/** What the pack's stack policies report over a run's resources, as the engine's AnalyzeStack would. */
export async function stackFindings(resources: readonly RecordedResource[]): Promise<PolicyFinding[]> {
  const findings: PolicyFinding[] = [];
  const args = stackValidationArgs(resources);
  for (const policy of stackPolicies) {
    const reportViolation: ReportViolation = (message, urn) =>
      findings.push({ policy: policy.name, level: policy.enforcementLevel, urn: urn ?? "", message });
    await policy.validateStack(args, reportViolation);
  }
  return findings;
}

/**
 * Every violation the pack reports over a run's Okta resources (policy config
 * at its defaults): each resource policy on each resource, then the stack policies.
 */
export async function policyFindings(resources: readonly RecordedResource[]): Promise<PolicyFinding[]> {
  const findings: PolicyFinding[] = [];
  for (const resource of resources.filter((r) => r.type.startsWith("okta:"))) {
    for (const policy of policies) {
      const reportViolation: ReportViolation = (message) =>
        findings.push({ policy: policy.name, level: policy.enforcementLevel, urn: resource.urn, message });
      const args = validationArgs(
        resource.type,
        resource.inputs,
        resource.name,
        {},
        resource.urn,
        resource.options.deleteBeforeReplace,
      );
      for (const validation of validationsOf(policy)) await validation(args, reportViolation);
    }
  }
  return [...findings, ...(await stackFindings(resources))];
}
