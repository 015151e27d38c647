/**
 * Follows each client's tokens through the planned Okta objects, as Okta and
 * the components would: which server issues them, whether its policy and
 * rule admit the client, its grant, its scopes and its users, and which
 * components accept the result. Works on what a run registered (resources and
 * stack outputs), not on the program's own plan, so it catches a program
 * that wires things wrongly. Pure.
 */
import { parseAllDocuments } from "yaml";
import type { z } from "zod";
import { isRecord, stackOutputsSchema } from "../../components/contract";
import { KUBERNETES_API, Okta, OktaType } from "../../components/facts";
import {
  CLIENT_SCOPE_REQUESTS,
  COMPONENT_KINDS,
  COMPONENT_TITLE,
  COMPONENTS,
  mcpServerTitle,
  PLATFORM_COMPONENTS,
  type ClientApp,
  type ComponentTitle,
  type McpServerTitle,
  type PlatformComponent,
} from "../../components/platform";
import type { RecordedResource, RunReport } from "../mock-engine/oktaMocks.cjs";
import { strings, text } from "../mock-engine/readers";

/** A component as the plan names it: its title (an MCP server's carries its name). */
export type ComponentName = ComponentTitle | McpServerTitle;
export type ClientKey = ClientApp;

export type WiringCode =
  | "outputs_missing"
  | "client_unplanned"
  | "issuer_unplanned"
  | "issuer_ambiguous"
  | "audience_not_on_server"
  | "server_audiences_not_one"
  | "scope_missing_on_server"
  | "client_not_whitelisted"
  | "grant_not_allowed"
  | "scope_not_allowed"
  | "app_unassigned"
  | "no_assigned_user_admitted"
  | "registry_provider_unissued"
  | "registry_distrusts_client"
  | "mcp_config_missing"
  | "mcp_trusts_other_issuer";

export interface WiringProblem {
  code: WiringCode;
  message: string;
}

export interface TokenFlow {
  client: ClientKey;
  clientLabel: string;
  clientId: string;
  /** The component whose audience the client requests. */
  component: (typeof COMPONENT_TITLE)[PlatformComponent] | McpServerTitle;
  issuer: string;
  serverName?: string;
  audience: string;
  requestedScopes: string[];
  /** Scopes in the token's `scp` (the requested ones, when the rule allows them all). */
  scopes: string[];
  /** Whether Okta would issue the token at all. */
  issued: boolean;
  acceptedBy: ComponentName[];
}

export interface Wiring {
  flows: TokenFlow[];
  problems: WiringProblem[];
}

/** The outputs the check follows: the contract's, less key sets, secrets and chart values. */
const outputsSchema = stackOutputsSchema.pick({ enterpriseManager: true, cloudUi: true, registryServer: true }).extend({
  enterpriseManager: stackOutputsSchema.shape.enterpriseManager.omit({ jwksUri: true }),
  cloudUi: stackOutputsSchema.shape.cloudUi.pick({ issuer: true, audience: true, clientId: true }),
  registryServer: stackOutputsSchema.shape.registryServer.pick({ providers: true }),
  mcpServers: stackOutputsSchema.shape.mcpServers.optional(),
  mcpManifestsYaml: stackOutputsSchema.shape.mcpManifestsYaml.optional(),
});
type Outputs = z.infer<typeof outputsSchema>;

interface Planned {
  servers: RecordedResource[];
  scopes: RecordedResource[];
  policies: RecordedResource[];
  rules: RecordedResource[];
  apps: RecordedResource[];
  assignments: RecordedResource[];
}

function planned(resources: RecordedResource[]): Planned {
  const of = (...types: string[]) => resources.filter((r) => types.includes(r.type));
  return {
    servers: of(OktaType.authServer, OktaType.authServerDefault),
    scopes: of(OktaType.serverScope),
    policies: of(OktaType.serverPolicy),
    rules: of(OktaType.serverPolicyRule),
    apps: of(OktaType.oauthApp),
    assignments: of(OktaType.appGroupAssignments),
  };
}

function serverName(server: RecordedResource): string {
  return text(server.inputs["name"]) || server.name;
}

function byPriority(a: RecordedResource, b: RecordedResource): number {
  return Number(a.inputs["priority"] ?? 0) - Number(b.inputs["priority"] ?? 0);
}

interface Expectation {
  client: ClientKey;
  component: TokenFlow["component"];
  issuer: string;
  audience: string;
  clientId: string;
  requiredScope?: string;
  /** What the client asks for, when not its usual request (an MCP server's scopes). */
  requestedScopes?: readonly string[];
}

/** The issuer each MCPOIDCConfig in the manifests names, by its Kubernetes name. */
function mcpOidcIssuers(yamlText: string | undefined): Map<string, string> {
  const issuers = new Map<string, string>();
  for (const doc of parseAllDocuments(yamlText ?? "")) {
    const object: unknown = doc.toJS();
    if (!isRecord(object) || object["kind"] !== KUBERNETES_API.mcpOidcConfig.kind) continue;
    const metadata = object["metadata"];
    const spec = object["spec"];
    const inline = isRecord(spec) ? spec["inline"] : undefined;
    if (isRecord(metadata) && isRecord(inline)) issuers.set(text(metadata["name"]), text(inline["issuer"]));
  }
  return issuers;
}

/**
 * One token request per MCP server: the CLI asks the issuer the MCP server
 * trusts (its MCPOIDCConfig, which it advertises in RFC 9728 metadata) for
 * the MCP server's audience. An MCP server whose MCPOIDCConfig is missing
 * trusts nothing.
 */
function mcpExpectations(outputs: Outputs, problems: WiringProblem[]): Expectation[] {
  const trusted = mcpOidcIssuers(outputs.mcpManifestsYaml);
  const kind = COMPONENT_KINDS.mcpServer;
  return Object.entries(outputs.mcpServers ?? {}).flatMap(([name, server]) => {
    const issuer = trusted.get(server.oidcConfigRef.name);
    if (issuer === undefined) {
      problems.push({
        code: "mcp_config_missing",
        message: `MCP server ${name} references the MCPOIDCConfig ${server.oidcConfigRef.name}, which the manifests do not define`,
      });
      return [];
    }
    return [
      {
        client: kind.audience.client,
        component: mcpServerTitle(name),
        issuer,
        audience: server.oidcConfigRef.audience,
        clientId: outputs.enterpriseManager.clientId,
        requestedScopes: kind.scopes,
      },
    ];
  });
}

/** A token for an MCP audience comes from the server carrying it; the MCP server must trust that server's issuer. */
function mcpIssuerProblems(flows: TokenFlow[], plan: Planned): WiringProblem[] {
  return flows
    .filter((flow) => flow.component.startsWith(`${COMPONENT_KINDS.mcpServer.title} `))
    .flatMap((flow) =>
      plan.servers
        .filter((server) => strings(server.inputs["audiences"]).includes(flow.audience) && text(server.outputs["issuer"]) !== flow.issuer)
        .map((server) => ({
          code: "mcp_trusts_other_issuer" as const,
          message:
            `the CLI's token for ${flow.audience} comes from ${serverName(server)} (${text(server.outputs["issuer"])}), ` +
            `but ${flow.component} trusts ${flow.issuer}: it would refuse every token`,
        })),
    );
}

/** One token request per component with its own audience, by the client app that obtains its tokens. */
function expectations(outputs: Outputs): Expectation[] {
  return PLATFORM_COMPONENTS.map((key) => {
    const output: Outputs[PlatformComponent] = outputs[key];
    const { issuer, audience, clientId } = output;
    return {
      client: COMPONENTS[key].audience.client,
      component: COMPONENT_TITLE[key],
      issuer,
      audience,
      clientId,
      ...("requiredScope" in output ? { requiredScope: output.requiredScope } : {}),
    };
  });
}

/** Follows one client's token request; pushes what would make it fail. */
function followFlow(expected: Expectation, plan: Planned, problems: WiringProblem[]): TokenFlow {
  const failures: WiringProblem[] = [];
  const fail = (code: WiringCode, message: string) => failures.push({ code, message });
  const requested = [...(expected.requestedScopes ?? CLIENT_SCOPE_REQUESTS[expected.client])];
  const app = plan.apps.find((a) => a.outputs["clientId"] === expected.clientId);
  const label = app ? text(app.inputs["label"]) || app.name : `client ${expected.clientId}`;
  const flow: TokenFlow = {
    client: expected.client,
    clientLabel: label,
    clientId: expected.clientId,
    component: expected.component,
    issuer: expected.issuer,
    audience: expected.audience,
    requestedScopes: requested,
    scopes: [],
    issued: false,
    acceptedBy: [],
  };

  if (!app) fail("client_unplanned", `the ${expected.component} is configured with client ID ${expected.clientId}, but no planned OAuth app has it`);

  const servers = plan.servers.filter((s) => s.outputs["issuer"] === expected.issuer);
  const server = servers[0];
  if (!server) {
    fail("issuer_unplanned", `the ${expected.component} expects tokens from ${expected.issuer}, but no planned authorization server has that issuer`);
  } else if (servers.length > 1) {
    fail("issuer_ambiguous", `${servers.length} planned servers share the issuer ${expected.issuer}`);
  }

  if (server) {
    flow.serverName = serverName(server);
    const audiences = strings(server.inputs["audiences"]);
    if (!audiences.includes(expected.audience)) {
      fail(
        "audience_not_on_server",
        `the ${expected.component}'s audience "${expected.audience}" is on no server its issuer points at: ` +
          `${flow.serverName} (${expected.issuer}) carries ${audiences.map((a) => `"${a}"`).join(", ") || "no audience"}`,
      );
    }
    const serverScopes = plan.scopes.filter((s) => s.inputs["authServerId"] === server.id).map((s) => text(s.inputs["name"]));
    if (expected.requiredScope && !serverScopes.includes(expected.requiredScope)) {
      fail(
        "scope_missing_on_server",
        `${flow.serverName} issues the ${expected.component}'s tokens but has no scope ${expected.requiredScope}; ` +
          "every config request would get 401",
      );
    }

    const policies = plan.policies
      .filter((p) => p.inputs["authServerId"] === server.id)
      .filter((p) => {
        const clients = strings(p.inputs["clientWhitelists"]);
        return clients.includes(Okta.allClients) || clients.includes(expected.clientId);
      })
      .sort(byPriority);
    if (policies.length === 0) {
      fail("client_not_whitelisted", `${label} (client ${expected.clientId}) is in no access policy on ${flow.serverName}: Okta would answer no_matching_policy`);
    }

    const assignment = app ? plan.assignments.find((a) => a.inputs["appId"] === app.id) : undefined;
    const assigned = Array.isArray(assignment?.inputs["groups"])
      ? (assignment.inputs["groups"] as Record<string, unknown>[]).map((g) => text(g["id"]))
      : [];
    if (app && assigned.length === 0) {
      fail("app_unassigned", `${label} has no group assigned: every sign-in would fail with user_not_assigned`);
    }

    const grants = app ? strings(app.inputs["grantTypes"]).filter((g) => g !== Okta.grantType.refreshToken) : [];
    const rules = policies.flatMap((p) => plan.rules.filter((r) => r.inputs["policyId"] === p.id).sort(byPriority));
    const allows = {
      grants: (rule: RecordedResource) => grants.every((g) => strings(rule.inputs["grantTypeWhitelists"]).includes(g)),
      scopes: (rule: RecordedResource) => {
        const allowed = strings(rule.inputs["scopeWhitelists"]);
        return allowed.includes("*") || requested.every((s) => allowed.includes(s));
      },
      people: (rule: RecordedResource) => {
        const groups = strings(rule.inputs["groupWhitelists"]);
        return groups.includes(Okta.everyone) || groups.some((g) => assigned.includes(g));
      },
    };
    if (policies.length > 0) {
      if (!rules.some(allows.grants)) {
        const ruleGrants = [...new Set(rules.flatMap((r) => strings(r.inputs["grantTypeWhitelists"])))];
        fail(
          "grant_not_allowed",
          `${label} uses ${grants.join(", ")}, but no rule of its policy on ${flow.serverName} allows it ` +
            `(the rules allow ${ruleGrants.join(", ") || "nothing"})`,
        );
      } else if (!rules.some((r) => allows.grants(r) && allows.scopes(r))) {
        const allowed = new Set(rules.flatMap((r) => strings(r.inputs["scopeWhitelists"])));
        const missing = requested.filter((s) => !allowed.has(s));
        fail(
          "scope_not_allowed",
          `${label} requests ${missing.join(", ") || requested.join(", ")}, which no rule on ${flow.serverName} allows: ` +
            "Okta rejects the whole request",
        );
      } else if (assigned.length > 0 && !rules.some((r) => allows.grants(r) && allows.scopes(r) && allows.people(r))) {
        fail(
          "no_assigned_user_admitted",
          `no rule on ${flow.serverName} admits the groups assigned to ${label}: its users would match no rule`,
        );
      }
    }
  }

  problems.push(...failures);
  flow.issued = failures.length === 0;
  flow.scopes = flow.issued ? requested : [];
  if (server) flow.issuer = text(server.outputs["issuer"]);
  return flow;
}

/** The components that accept a token: those whose issuer, audience and required scope it matches, and the registry. */
function acceptingComponents(flow: TokenFlow, outputs: Outputs, mcpTrust: Expectation[]): ComponentName[] {
  if (!flow.issued) return [];
  const mcp = mcpTrust.filter((m) => m.issuer === flow.issuer && m.audience === flow.audience).map((m) => m.component);
  const accepted: ComponentName[] = PLATFORM_COMPONENTS.filter((key) => {
    const output: Outputs[PlatformComponent] = outputs[key];
    const scopeMet = !("requiredScope" in output) || flow.scopes.includes(output.requiredScope);
    return flow.issuer === output.issuer && flow.audience === output.audience && scopeMet;
  }).map((key) => COMPONENT_TITLE[key]);
  if (outputs.registryServer.providers.some((p) => p.issuerUrl === flow.issuer && p.audience === flow.audience)) {
    accepted.push(COMPONENT_TITLE.registryServer);
  }
  return [...accepted, ...(mcp as ComponentName[])];
}

export function analyzeWiring(report: RunReport): Wiring {
  const parsed = outputsSchema.safeParse(report.stackOutputs);
  if (!parsed.success) {
    return {
      flows: [],
      problems: [{ code: "outputs_missing", message: "the program exported no enterpriseManager, cloudUi and registryServer outputs to check" }],
    };
  }
  const outputs = parsed.data;
  const plan = planned(report.resources);
  const problems: WiringProblem[] = [];
  const mcp = mcpExpectations(outputs, problems);
  const platformFlows = expectations(outputs).map((expected) => followFlow(expected, plan, problems));
  const mcpFlows = mcp.map((expected) => followFlow(expected, plan, problems));
  const flows = [...platformFlows, ...mcpFlows];
  problems.push(...mcpIssuerProblems(mcpFlows, plan));
  for (const flow of flows) flow.acceptedBy = acceptingComponents(flow, outputs, mcp);
  // MCP servers' tokens are theirs alone: the registry trusts only the platform's.
  for (const flow of platformFlows) {
    if (flow.issued && !flow.acceptedBy.includes(COMPONENT_TITLE.registryServer)) {
      problems.push({
        code: "registry_distrusts_client",
        message: `the Registry Server has no provider for ${flow.clientLabel}'s tokens (${flow.issuer}, audience ${flow.audience})`,
      });
    }
  }
  for (const provider of outputs.registryServer.providers) {
    if (!flows.some((f) => f.issued && f.issuer === provider.issuerUrl && f.audience === provider.audience)) {
      problems.push({
        code: "registry_provider_unissued",
        message: `the Registry Server's provider ${provider.name} (${provider.issuerUrl}, audience ${provider.audience}) matches no token a client gets`,
      });
    }
  }
  problems.push(...audienceCountProblems(plan));
  return { flows, problems };
}

/**
 * Okta gives an authorization server exactly one audience and refuses any
 * other count ("'audiences' must be an array with exactly one value."), so a
 * plan with such a server cannot be applied.
 */
function audienceCountProblems(plan: Planned): WiringProblem[] {
  return plan.servers
    .filter((server) => strings(server.inputs["audiences"]).length !== 1)
    .map((server) => ({
      code: "server_audiences_not_one" as const,
      message:
        `${serverName(server)} carries ${strings(server.inputs["audiences"]).map((a) => `"${a}"`).join(", ") || "no audience"}; ` +
        "Okta allows exactly one audience per authorization server and would refuse it",
    }));
}
