/**
 * The input rules the real provider and Okta enforce at preview or apply
 * (DESIGN section 3, "What the real provider and Okta reject"), checked over
 * what a mock run registered. The mock engine enforces none of them.
 */
import { Okta, OktaType } from "../../components/facts";
import type { RecordedResource } from "./program";

const NAMED_TYPES: string[] = [
  OktaType.authServer,
  OktaType.authServerDefault,
  OktaType.serverScope,
  OktaType.serverClaim,
  OktaType.serverPolicy,
  OktaType.serverPolicyRule,
  OktaType.group,
];

function isJsonObject(text: unknown): boolean {
  if (typeof text !== "string" || text === "") return false;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

export function oktaConstraintViolations(resources: RecordedResource[]): string[] {
  const violations: string[] = [];
  const flag = (resource: RecordedResource, problem: string) => violations.push(`${resource.type}::${resource.name}: ${problem}`);

  for (const r of resources) {
    const input = r.inputs;
    if (NAMED_TYPES.includes(r.type) && (typeof input["name"] !== "string" || input["name"] === "")) {
      flag(r, "name is not set, so Pulumi would autoname it");
    }
    switch (r.type) {
      case OktaType.serverPolicy: {
        const description = input["description"];
        if (typeof description !== "string" || description.length < 1 || description.length > 255) {
          flag(r, "description must be 1 to 255 characters");
        }
        if (typeof input["name"] === "string" && input["name"].length > 100) flag(r, "name is over 100 characters");
        if (input["status"] === "INACTIVE") flag(r, "a policy cannot be created inactive");
        const clients = strings(input["clientWhitelists"]);
        if (clients.length === 0) flag(r, "clientWhitelists is empty");
        if (clients.includes(Okta.allClients) && clients.length > 1) flag(r, "ALL_CLIENTS mixed with client ids");
        break;
      }
      case OktaType.serverPolicyRule: {
        const access = Number(input["accessTokenLifetimeMinutes"] ?? 60);
        const lifetime = Number(input["refreshTokenLifetimeMinutes"] ?? 0);
        const window = Number(input["refreshTokenWindowMinutes"] ?? Okta.refreshTokenWindowMinutes.default);
        if (access < 5 || access > 1440) flag(r, `access-token lifetime ${access} outside 5..1440`);
        if (lifetime > 0 && !(access <= window && window <= lifetime)) {
          flag(r, `refresh window ${window} not between access ${access} and refresh lifetime ${lifetime}`);
        }
        if (window < Okta.refreshTokenWindowMinutes.min || window > Okta.refreshTokenWindowMinutes.max) {
          flag(r, `refresh window ${window} outside Okta's limits`);
        }
        if (strings(input["grantTypeWhitelists"]).length === 0) flag(r, "grantTypeWhitelists is empty");
        const scopes = strings(input["scopeWhitelists"]);
        if (scopes.length === 0 || scopes.includes("*")) flag(r, "scopes must be listed explicitly");
        break;
      }
      case OktaType.oauthApp: {
        const grants = strings(input["grantTypes"]);
        const responses = input["responseTypes"] === undefined ? undefined : strings(input["responseTypes"]);
        if (!grants.includes(Okta.grantType.authorizationCode)) flag(r, "grantTypes lacks authorization_code");
        if (responses && grants.includes(Okta.grantType.authorizationCode) && !responses.includes("code")) {
          flag(r, "responseTypes lacks code");
        }
        if (input["type"] === "web" && input["tokenEndpointAuthMethod"] === "none") flag(r, "a web app cannot use none");
        if (input["tokenEndpointAuthMethod"] === "none" && input["pkceRequired"] !== true) flag(r, "a public client must require PKCE");
        if (strings(input["redirectUris"]).length === 0) flag(r, "no redirect URI");
        break;
      }
      case OktaType.serverScope:
        if (input["default"] === true && input["optional"] === true) flag(r, "default and optional are exclusive");
        break;
      case OktaType.serverClaim:
        if (input["valueType"] === Okta.claimValueType.groups && !input["groupFilterType"]) flag(r, "GROUPS claim without groupFilterType");
        if (input["valueType"] !== Okta.claimValueType.groups && input["groupFilterType"] !== undefined) {
          flag(r, "groupFilterType on an EXPRESSION claim");
        }
        break;
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
