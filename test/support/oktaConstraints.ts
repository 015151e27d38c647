/**
 * The input rules the real provider and Okta enforce at preview or apply
 * (DESIGN section 3, "What the real provider and Okta reject") that the
 * policy pack does not check, because they span resources or live in
 * resource options rather than inputs. Everything a single resource's inputs
 * show is the pack's job (policy/rules.ts); `oktaRejections` runs both, so
 * each rule is written once.
 */
import { Okta, OktaType } from "../../components/facts";
import { strings } from "../../tools/mock-engine/readers";
import { policyFindings } from "./policyPack";
import type { RecordedResource } from "./program";

function isJsonObject(text: unknown): boolean {
  if (typeof text !== "string" || text === "") return false;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Rules beyond a single resource's inputs. */
export function oktaConstraintViolations(resources: RecordedResource[]): string[] {
  const violations: string[] = [];
  const flag = (resource: RecordedResource, problem: string) => violations.push(`${resource.type}::${resource.name}: ${problem}`);

  for (const r of resources) {
    const input = r.inputs;
    switch (r.type) {
      case OktaType.serverPolicy:
        if (input["status"] === "INACTIVE") flag(r, "a policy cannot be created inactive");
        break;
      case OktaType.serverPolicyRule: {
        const window = Number(input["refreshTokenWindowMinutes"] ?? Okta.refreshTokenWindowMinutes.default);
        if (window < Okta.refreshTokenWindowMinutes.min || window > Okta.refreshTokenWindowMinutes.max) {
          flag(r, `refresh window ${window} outside Okta's limits`);
        }
        break;
      }
      case OktaType.oauthApp: {
        const grants = strings(input["grantTypes"]);
        const responses = input["responseTypes"] === undefined ? undefined : strings(input["responseTypes"]);
        if (!grants.includes(Okta.grantType.authorizationCode)) flag(r, "grantTypes lacks authorization_code");
        if (responses && grants.includes(Okta.grantType.authorizationCode) && !responses.includes("code")) {
          flag(r, "responseTypes lacks code");
        }
        if (strings(input["redirectUris"]).length === 0) flag(r, "no redirect URI");
        break;
      }
      case OktaType.userSchemaProperty:
        if (input["type"] === "array" && !input["arrayType"]) flag(r, "array attribute without arrayType");
        if (typeof input["title"] !== "string" || input["title"] === "") flag(r, "title is empty");
        if (r.options.deleteBeforeReplace !== true) {
          flag(r, "a replacement would create then delete the same attribute: set deleteBeforeReplace");
        }
        break;
      case OktaType.appGroupAssignments: {
        const groups = Array.isArray(input["groups"]) ? (input["groups"] as Record<string, unknown>[]) : [];
        if (groups.length === 0) flag(r, "no groups: the resource would import every existing assignment");
        for (const group of groups) if (!isJsonObject(group["profile"])) flag(r, `group ${String(group["id"])} profile is not a JSON object`);
        break;
      }
    }
  }

  // One authoritative assignment per app.
  const perApp = new Map<string, number>();
  for (const r of resources.filter((x) => x.type === OktaType.appGroupAssignments)) {
    const appId = String(r.inputs["appId"]);
    perApp.set(appId, (perApp.get(appId) ?? 0) + 1);
  }
  for (const [appId, count] of perApp) if (count > 1) violations.push(`app ${appId}: ${count} AppGroupAssignments`);

  // Policy priorities contiguous from 1 per server, rule priorities per policy.
  const priorities = (type: string, scopeKey: string) => {
    const byScope = new Map<string, number[]>();
    for (const r of resources.filter((x) => x.type === type)) {
      const key = String(r.inputs[scopeKey]);
      byScope.set(key, [...(byScope.get(key) ?? []), Number(r.inputs["priority"])]);
    }
    for (const [key, list] of byScope) {
      const sorted = [...list].sort((a, b) => a - b);
      if (sorted.some((p, i) => p !== i + 1)) violations.push(`${type} under ${key}: priorities ${sorted.join(",")} not contiguous from 1`);
    }
  };
  priorities(OktaType.serverPolicy, "authServerId");
  priorities(OktaType.serverPolicyRule, "policyId");
  return violations;
}

/** Everything the real provider or Okta would reject: the rules above plus the pack's mandatory policies. */
export async function oktaRejections(resources: RecordedResource[]): Promise<string[]> {
  const mandatory = (await policyFindings(resources))
    .filter((finding) => finding.level === "mandatory")
    .map((finding) => `${finding.urn.split("::").pop() ?? finding.urn}: [${finding.policy}] ${finding.message}`);
  return [...oktaConstraintViolations(resources), ...mandatory];
}
