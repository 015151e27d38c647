/**
 * What the real provider and Okta would reject, asked of the policy pack
 * itself: every rule lives in the pack (policy/rules/), which runs the
 * single-resource rules as resource policies and the rules spanning
 * resources as stack policies. These helpers only phrase the pack's
 * findings for assertions.
 */
import type { ReportViolation } from "@pulumi/policy";
import { stackPolicies } from "../../policy/policies";
import { policyFindings, stackValidationArgs } from "./policyPack";
import type { RecordedResource } from "./program";

function describeFinding(finding: { urn: string; policy: string; message: string }): string {
  return `${finding.urn.split("::").pop() ?? finding.urn}: [${finding.policy}] ${finding.message}`;
}

/**
 * The pack's stack policies (rules across resources) over a run, one line per
 * violation. Synchronous for property tests: the pack's stack validations do
 * not await, and a change that makes one asynchronous fails here loudly.
 */
export function oktaConstraintViolations(resources: RecordedResource[]): string[] {
  const lines: string[] = [];
  const args = stackValidationArgs(resources);
  for (const policy of stackPolicies) {
    const report: ReportViolation = (message, urn) => lines.push(describeFinding({ urn: urn ?? "", policy: policy.name, message }));
    if (policy.validateStack(args, report) instanceof Promise) {
      throw new Error(`stack policy ${policy.name} is asynchronous; use stackFindings from ./policyPack`);
    }
  }
  return lines;
}

/** Everything the real provider or Okta would reject: the pack's mandatory findings, per resource and per stack. */
export async function oktaRejections(resources: RecordedResource[]): Promise<string[]> {
  return (await policyFindings(resources)).filter((finding) => finding.level === "mandatory").map(describeFinding);
}
