/**
 * Kubernetes manifests the stack outputs: the enterprise platform's role
 * binding and the MCP servers' OIDC configs. Pure, so the plan and the tests
 * see exactly what the stack exports.
 */
import { stringify } from "yaml";
import type { ClaimSpec } from "./config";
import type { McpServerOutput } from "./contract";
import { KUBERNETES_API, Okta, PLATFORM_ROLE } from "./facts";

/** One `spec.bindings[]` entry: a built-in role granted to members of any of the groups. */
interface Binding {
  roleRef: { kind: "ClusterPlatformRole"; name: string };
  from: { groups: string[] }[];
}

export interface ClusterPlatformRoleBinding {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { bindings: Binding[] };
}

/** The groups of one role: names the program knows (it created them) and ids it knows only as ids. */
export interface RoleGroups {
  names: string[];
  ids: string[];
}

export interface RoleBindingInputs {
  name: string;
  writer: RoleGroups;
  reader: RoleGroups;
  /** The groups claim as the servers issue it, or undefined when disabled. */
  groupsClaim: ClaimSpec | undefined;
}

/** Whether the groups claim carries this group name (Okta matches a GROUPS filter on the whole name). */
function claimCarries(claim: ClaimSpec, groupName: string): boolean {
  if (claim.valueType !== Okta.claimValueType.groups) return true; // an expression: cannot tell offline
  return new RegExp(`^(?:${claim.value})$`).test(groupName);
}

/**
 * The ClusterPlatformRoleBinding granting `writer` to the admins and `reader`
 * to the users, by the group names tokens carry. A binding names group
 * values only; the claim they are read from is set platform-wide
 * (docs-website `docs/platform/enterprise-authz/intro.mdx`, "Claim mapping").
 * One group per condition: conditions are OR-ed, while several groups in
 * one condition may all be required. Returns the object (undefined when no
 * group can be bound) and what the operator must know.
 */
export function platformRoleBinding(input: RoleBindingInputs): { binding?: ClusterPlatformRoleBinding; notes: string[] } {
  const notes: string[] = [];
  const claim = input.groupsClaim;
  if (claim === undefined) {
    return { notes: ["The groups claim is disabled: tokens carry no group names, so no group can be bound."] };
  }
  const bindings: Binding[] = [];
  for (const [role, groups] of [
    [PLATFORM_ROLE.writer, input.writer],
    [PLATFORM_ROLE.reader, input.reader],
  ] as const) {
    const carried = groups.names.filter((name) => claimCarries(claim, name));
    for (const dropped of groups.names.filter((name) => !carried.includes(name))) {
      notes.push(`${role}: ${dropped} is left out: the ${claim.name} claim's filter ${JSON.stringify(claim.value)} drops it.`);
    }
    if (groups.ids.length > 0) {
      notes.push(
        `${role}: add the names of groups ${groups.ids.join(", ")} (tokens carry group names; this program knows only their ids).`,
      );
    }
    if (carried.length > 0) {
      bindings.push({ roleRef: { kind: "ClusterPlatformRole", name: role }, from: carried.map((name) => ({ groups: [name] })) });
    }
  }
  if (bindings.length === 0) return { notes };
  const { apiVersion, kind } = KUBERNETES_API.clusterPlatformRoleBinding;
  return { binding: { apiVersion, kind, metadata: { name: input.name }, spec: { bindings } }, notes };
}

export function renderPlatformRoleBindingYaml(
  result: ReturnType<typeof platformRoleBinding>,
  groupsClaimName: string | undefined,
  stackId: string,
): string {
  const header = [
    `# Stacklok Enterprise platform role binding from Pulumi stack ${stackId}.`,
    "# Apply: pulumi stack output platformRoleBindingsYaml | kubectl apply -f -",
    ...(groupsClaimName === undefined
      ? []
      : [`# Group names are read from the ${groupsClaimName} claim; set groupsClaim on the Enterprise Manager's IdP ConfigMap if the platform expects another.`]),
    "# A binding applies to an MCP server once a ToolhiveAuthorizationPolicy attaches it.",
    ...result.notes.map((note) => `# NOTE: ${note}`),
  ];
  const body = result.binding === undefined ? "# Nothing to bind.\n" : stringify(result.binding, { lineWidth: 0 });
  return `${header.join("\n")}\n${body}`;
}

export interface McpOidcConfig {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { type: "inline"; inline: { issuer: string; jwksUrl: string } };
}

/**
 * One MCPOIDCConfig per issuer (per-component mode gives each MCP server its
 * own), named like the Okta server. No namespace: it must live in the
 * MCPServer's namespace, which `kubectl apply -n` chooses.
 */
export function mcpOidcConfigs(servers: Record<string, McpServerOutput>): McpOidcConfig[] {
  const byIssuer = new Map<string, McpOidcConfig>();
  const { apiVersion, kind } = KUBERNETES_API.mcpOidcConfig;
  for (const server of Object.values(servers)) {
    if (byIssuer.has(server.issuer)) continue;
    byIssuer.set(server.issuer, {
      apiVersion,
      kind,
      metadata: { name: server.oidcConfigRef.name },
      spec: { type: "inline", inline: { issuer: server.issuer, jwksUrl: server.jwksUri } },
    });
  }
  return [...byIssuer.values()];
}

export function renderMcpManifestsYaml(servers: Record<string, McpServerOutput>, stackId: string): string {
  const header = [
    `# MCP server OIDC configs from Pulumi stack ${stackId}.`,
    "# Apply in each MCPServer's namespace: pulumi stack output mcpManifestsYaml | kubectl apply -n <namespace> -f -",
  ];
  const names = Object.keys(servers);
  if (names.length === 0) return `${header.join("\n")}\n# No MCP servers configured.\n`;
  const refs = names.flatMap((name) => {
    const block = stringify({ spec: { oidcConfigRef: servers[name]?.oidcConfigRef } }, { lineWidth: 0 }).trimEnd();
    return [`# MCPServer ${name}: set`, ...block.split("\n").map((line) => `#   ${line}`)];
  });
  const docs = mcpOidcConfigs(servers).map((config) => stringify(config, { lineWidth: 0 }));
  return `${[...header, ...refs].join("\n")}\n${docs.join("---\n")}`;
}
