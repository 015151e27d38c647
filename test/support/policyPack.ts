/**
 * Drives the policy pack's policies (policy/policies.ts) the way the analyzer
 * server does, without a server or an engine: each validateResource function
 * gets the args object @pulumi/policy builds and a reportViolation callback.
 */
import type {
  EnforcementLevel,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { policies } from "../../policy/policies";
import type { RecordedResource } from "./program";

/** The args @pulumi/policy passes to validateResource, for one resource's inputs. */
export function validationArgs(
  type: string,
  props: Record<string, unknown>,
  name: string,
  config: object = {},
  urn = `urn:pulumi:dev::stacklok-identity::${type}::${name}`,
): ResourceValidationArgs {
  return {
    type,
    props,
    name,
    urn,
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
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

/** Every violation the pack reports over a run's Okta resources (policy config at its defaults). */
export async function policyFindings(resources: readonly RecordedResource[]): Promise<PolicyFinding[]> {
  const findings: PolicyFinding[] = [];
  for (const resource of resources.filter((r) => r.type.startsWith("okta:"))) {
    for (const policy of policies) {
      const reportViolation: ReportViolation = (message) =>
        findings.push({ policy: policy.name, level: policy.enforcementLevel, urn: resource.urn, message });
      for (const validation of validationsOf(policy)) {
        await validation(validationArgs(resource.type, resource.inputs, resource.name, {}, resource.urn), reportViolation);
      }
    }
  }
  return findings;
}
