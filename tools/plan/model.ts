/**
 * The offline plan as data: what `pulumi up` would create (a tree by
 * component, with the inputs that matter), how each client's tokens flow,
 * the chart values, and the wiring verdict. Built from a mock-engine run
 * report; every secret is masked before anything leaves this module.
 */
import { parseDocument, visit } from "yaml";
import { REDACTED } from "../../components/contract";
import { Okta, OktaType } from "../../components/facts";
import type { RecordedResource, RunReport } from "../mock-engine/oktaMocks.cjs";
import { strings, text } from "../mock-engine/readers";
import { analyzeWiring, type TokenFlow, type WiringProblem } from "./wiring";

export const MASK = REDACTED;

export interface PlanNode {
  name: string;
  type: string;
  /** Placeholder id from the mock engine; absent for components. */
  id?: string;
  /** The inputs a reviewer needs, with ids replaced by what they refer to. */
  details: Record<string, unknown>;
  /** protected, kept on destroy, replaced delete-first. */
  flags: string[];
  children: PlanNode[];
}

export interface PlanDocument {
  project: string;
  stack: string;
  mode: string;
  resourceCount: number;
  resources: PlanNode[];
  tokenFlows: TokenFlow[];
  chartValues: unknown;
  chartValuesYaml: string;
  /** The Kubernetes manifests the stack outputs (no secret in them). */
  manifests: { platformRoleBindingsYaml: string; mcpManifestsYaml: string };
  wiring: { ok: boolean; problems: WiringProblem[] };
}


/** Turns ids in inputs into the names of what they point at. */
function namer(resources: RecordedResource[]) {
  const byId = new Map<string, string>();
  // Assignments and attributes take their ids from what they attach to.
  const named = new Set<string>([OktaType.oauthApp, OktaType.group, OktaType.authServer, OktaType.authServerDefault, OktaType.serverPolicy]);
  for (const r of resources) {
    if (!named.has(r.type)) continue;
    const label = text(r.type === OktaType.oauthApp ? r.inputs["label"] : r.inputs["name"], r.name);
    byId.set(r.id, label);
    const clientId = r.outputs["clientId"];
    if (typeof clientId === "string") byId.set(clientId, label);
  }
  return (id: unknown): string => {
    const key = String(id);
    if (key === Okta.everyone) return "EVERYONE (anyone assigned to the app)";
    if (key === Okta.allClients) return "ALL_CLIENTS (every OAuth client in the org)";
    return byId.get(key) ?? key;
  };
}

function details(r: RecordedResource, nameOf: (id: unknown) => string): Record<string, unknown> {
  const i = r.inputs;
  switch (r.type) {
    case OktaType.authServerDefault:
    case OktaType.authServer:
      return {
        name: i["name"],
        // `default` too has an aus… id (the provider stores the id Okta
        // returns for /authorizationServers/default); its children carry it.
        id: r.id,
        issuer: r.outputs["issuer"],
        issuerMode: i["issuerMode"],
        audiences: i["audiences"],
        keyRotation: i["credentialsRotationMode"],
        ...(r.type === OktaType.authServerDefault ? { adopted: "Okta's pre-provisioned default server" } : {}),
      };
    case OktaType.serverScope:
      return { name: i["name"], default: i["default"], description: i["description"] };
    case OktaType.serverClaim:
      return {
        name: i["name"],
        token: i["claimType"] === Okta.claimType.accessToken ? "access token" : String(i["claimType"]),
        value: i["valueType"] === Okta.claimValueType.groups ? `groups matching ${String(i["groupFilterType"])} ${String(i["value"])}` : i["value"],
      };
    case OktaType.serverPolicy:
      return { name: i["name"], priority: i["priority"], clients: strings(i["clientWhitelists"]).map(nameOf) };
    case OktaType.serverPolicyRule:
      return {
        name: i["name"],
        priority: i["priority"],
        grants: i["grantTypeWhitelists"],
        scopes: i["scopeWhitelists"],
        users: strings(i["groupWhitelists"]).map(nameOf),
        accessTokenMinutes: i["accessTokenLifetimeMinutes"],
        refreshTokenMinutes: i["refreshTokenLifetimeMinutes"] === 0 ? "unlimited" : i["refreshTokenLifetimeMinutes"],
        refreshWindowMinutes: i["refreshTokenWindowMinutes"],
      };
    case OktaType.oauthApp:
      return {
        label: i["label"],
        clientId: r.outputs["clientId"],
        type: i["type"],
        tokenEndpointAuth: i["tokenEndpointAuthMethod"],
        pkceRequired: i["pkceRequired"],
        grants: i["grantTypes"],
        refreshTokenRotation: i["refreshTokenRotation"],
        signOnPolicy: typeof i["authenticationPolicy"] === "string" ? i["authenticationPolicy"] : "left as the org or an admin set it",
        redirectUris: i["redirectUris"],
        ...(strings(i["postLogoutRedirectUris"]).length > 0 ? { postLogoutRedirectUris: i["postLogoutRedirectUris"] } : {}),
      };
    case OktaType.appGroupAssignments:
      return {
        app: nameOf(i["appId"]),
        groups: Array.isArray(i["groups"]) ? (i["groups"] as Record<string, unknown>[]).map((g) => nameOf(g["id"])) : [],
      };
    case OktaType.group:
      return { name: i["name"] };
    case OktaType.userSchemaProperty:
      return { attribute: i["index"], type: i["type"] === "array" ? `array of ${String(i["arrayType"])}` : i["type"], scope: "org-wide" };
    default:
      return {};
  }
}

function flags(r: RecordedResource): string[] {
  const out: string[] = [];
  if (r.options.protect) out.push("protected");
  if (r.options.retainOnDelete) out.push("kept on destroy");
  if (r.options.deleteBeforeReplace) out.push("replaced delete-first");
  return out;
}

/** Reading order: who may sign in, the apps, then the servers with their contents. */
const TYPE_ORDER: string[] = [
  OktaType.group,
  OktaType.userSchemaProperty,
  "stacklok:identity:OAuthApp",
  OktaType.oauthApp,
  OktaType.appGroupAssignments,
  "stacklok:identity:AuthorizationServer",
  OktaType.authServerDefault,
  OktaType.authServer,
  OktaType.serverScope,
  OktaType.serverClaim,
  OktaType.serverPolicy,
  OktaType.serverPolicyRule,
];
const rank = (type: string) => (TYPE_ORDER.includes(type) ? TYPE_ORDER.indexOf(type) : TYPE_ORDER.length);

function tree(report: RunReport): PlanNode[] {
  const nameOf = namer(report.resources);
  const shown = report.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  const nodes = new Map<string, PlanNode>();
  for (const r of shown) {
    nodes.set(r.urn, {
      name: r.name,
      type: r.type,
      ...(r.custom ? { id: r.id } : {}),
      details: details(r, nameOf),
      flags: flags(r),
      children: [],
    });
  }
  const roots: PlanNode[] = [];
  for (const r of shown) {
    const node = nodes.get(r.urn);
    if (!node) continue;
    const parent = r.options.parent ? nodes.get(r.options.parent) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  // Registration order depends on promise timing; print in a fixed order.
  const sortTree = (list: PlanNode[]) => {
    list.sort((a, b) => rank(a.type) - rank(b.type) || a.name.localeCompare(b.name));
    for (const node of list) sortTree(node.children);
  };
  sortTree(roots);
  return roots;
}

/** Every secret value the run produced: the apps' client secrets and secret config. */
function secretValues(report: RunReport, config: Record<string, string>, secretKeys: string[]): string[] {
  const secrets = report.resources
    .map((r) => r.outputs["clientSecret"])
    .filter((v): v is string => typeof v === "string" && v !== "");
  for (const key of secretKeys) {
    const value = config[key];
    if (value) secrets.push(value);
  }
  return secrets;
}

function masked<T>(value: T, secrets: string[]): T {
  const mask = (text: string) => secrets.reduce((out, secret) => out.split(secret).join(MASK), text);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return mask(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

export interface PlanInputs {
  project: string;
  stack: string;
  config: Record<string, string>;
  secretKeys: string[];
  report: RunReport;
}

export function buildPlan(inputs: PlanInputs): PlanDocument {
  const { report } = inputs;
  const outputs = report.stackOutputs ?? {};
  const wiring = analyzeWiring(report);
  const plan: PlanDocument = {
    project: inputs.project,
    stack: inputs.stack,
    mode: text(outputs["mode"], "unknown"),
    resourceCount: report.resources.filter((r) => r.custom && r.type !== "pulumi:pulumi:Stack").length,
    resources: tree(report),
    tokenFlows: wiring.flows,
    chartValues: outputs["chartValues"] ?? null,
    chartValuesYaml: "",
    manifests: {
      platformRoleBindingsYaml: text(outputs["platformRoleBindingsYaml"]),
      mcpManifestsYaml: text(outputs["mcpManifestsYaml"]),
    },
    wiring: { ok: wiring.problems.length === 0, problems: wiring.problems },
  };
  const secrets = secretValues(report, inputs.config, inputs.secretKeys);
  const safe = masked(plan, secrets);
  const yaml = outputs["chartValuesYaml"];
  if (typeof yaml === "string") safe.chartValuesYaml = maskedYaml(yaml, secrets);
  return safe;
}

/**
 * The program's YAML with secret scalars replaced in the parsed document, so
 * the program's order and comments stay and the mask is quoted as YAML needs.
 */
function maskedYaml(text: string, secrets: string[]): string {
  const doc = parseDocument(text);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && secrets.some((secret) => (node.value as string).includes(secret))) {
        node.value = masked(node.value, secrets);
      }
    },
  });
  return doc.toString({ lineWidth: 0 });
}
