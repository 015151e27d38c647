/**
 * Which authorization servers exist, the one audience each carries, which
 * clients may ask it for tokens and which components trust it. Pure data:
 * the components turn it into resources, the tests and the plan read it.
 */
import type { McpServerConfig, StacklokIdentityConfig } from "./config";
import { DEFAULT_SERVER_NAME } from "./facts";
import { MARKER_FIELD_LIMITS, markedDescription, oktaNames, stackMarker } from "./naming";
import {
  CLIENT_OF,
  COMPONENT_KINDS,
  COMPONENT_TITLE,
  COMPONENTS,
  mcpServerKey,
  PLATFORM_COMPONENTS,
  requiresScope,
  scopesAllowed,
  type ClientApp,
  type ComponentServerRole,
  type McpServerKey,
  type PlatformComponent,
} from "./platform";

/**
 * A server's logical key. It prefixes the Pulumi name of every child (scope,
 * claims, policy, rule). Okta cannot move a child to another server in place
 * (the provider would update the old id under the new parent), so each kind
 * of server gets its own key: after a mode switch no child keeps its name
 * while changing server, and Pulumi replaces it instead. `default` and
 * `shared` serve every component (single mode); a component's own server
 * (per-component mode) is keyed by the component's slug.
 */
export type ServerKey = "default" | "shared" | ComponentServerRole | McpServerKey;

export interface ServerPlan {
  key: ServerKey;
  /** Adopt Okta's pre-provisioned `default` server instead of creating one. */
  adoptDefault: boolean;
  name: string;
  /** Carries the stack's marker (`stackMarker`), with the server key as the Pulumi name. */
  description: string;
  /** Always one: Okta refuses a server with any other number (the policy pack checks it too). */
  audiences: string[];
  /** Whether it carries `toolhive:config:read` (every server issuing Enterprise Manager tokens does). */
  issuesRequiredScope: boolean;
  /** Apps its access policy lets request tokens. */
  clients: ClientApp[];
  /** Scopes its rule allows, listed explicitly. */
  scopes: string[];
  /** Components whose tokens it issues. */
  components: PlatformComponent[];
  /** The MCP server whose tokens it issues (per-component mode), if any. */
  mcpServer?: McpServerConfig;
}

export interface Topology {
  servers: ServerPlan[];
  /** The key of the server that issues each component's tokens. */
  issuerOf: Record<PlatformComponent, ServerKey>;
  /** The key of the server that issues each MCP server's tokens, by MCP server name. */
  mcpIssuerOf: Record<string, McpServerKey>;
}

function serverPlan(
  key: ServerKey,
  name: string,
  components: PlatformComponent[],
  config: StacklokIdentityConfig,
  stackId: string,
): ServerPlan {
  const issuesRequiredScope = requiresScope(components);
  const what = components.map((c) => COMPONENT_TITLE[c]).join(" and ");
  return {
    key,
    adoptDefault: key === "default",
    name,
    description: markedDescription(`Stacklok Enterprise: tokens for the ${what} (${config.environment})`, stackMarker(stackId, key), MARKER_FIELD_LIMITS.description),
    // One audience: the components it serves share it in single mode (the
    // config resolves them to the same value), and Okta refuses a second.
    audiences: [...new Set(components.map((c) => config.audiences[c]))],
    issuesRequiredScope,
    clients: components.map((c) => CLIENT_OF[c]),
    scopes: scopesAllowed(issuesRequiredScope),
    components,
  };
}

/**
 * `single`: one server, with one audience every component is configured with
 * (Okta's `default`, or one custom server). `per-component`: one custom server per
 * component, so a token minted for one is rejected by the others because
 * the issuers differ.
 */
export function planTopology(config: StacklokIdentityConfig, stackId: string): Topology {
  if (config.mode === "single") {
    const adopt = config.authorizationServer === DEFAULT_SERVER_NAME;
    const server = serverPlan(adopt ? "default" : "shared", config.authorizationServer, [...PLATFORM_COMPONENTS], config, stackId);
    // Config refuses mcpServers in single mode: one server cannot carry an audience per MCP server.
    return { servers: [server], issuerOf: issuedBy(() => server.key), mcpIssuerOf: {} };
  }
  const names = oktaNames(config.environment);
  const roleOf = (component: PlatformComponent): ComponentServerRole => COMPONENTS[component].slug;
  return {
    servers: [
      ...PLATFORM_COMPONENTS.map((component) =>
        serverPlan(roleOf(component), names.componentServer(roleOf(component)), [component], config, stackId),
      ),
      ...config.mcpServers.map((mcp) => mcpServerPlan(mcp, names.componentServer(mcpServerKey(mcp.name)), config, stackId)),
    ],
    issuerOf: issuedBy(roleOf),
    mcpIssuerOf: Object.fromEntries(config.mcpServers.map((mcp) => [mcp.name, mcpServerKey(mcp.name)])),
  };
}

/**
 * An MCP server's own server: its one audience, admitting the client that
 * signs users in for it. Keyed by the MCP server's name, so adding or
 * removing one leaves every other server's children where they are.
 */
function mcpServerPlan(mcp: McpServerConfig, name: string, config: StacklokIdentityConfig, stackId: string): ServerPlan {
  const kind = COMPONENT_KINDS.mcpServer;
  return {
    key: mcpServerKey(mcp.name),
    adoptDefault: false,
    name,
    description: markedDescription(`Stacklok Enterprise ${kind.title} ${mcp.name} tokens (${config.environment})`, stackMarker(stackId, mcpServerKey(mcp.name)), MARKER_FIELD_LIMITS.description),
    audiences: [mcp.audience],
    issuesRequiredScope: kind.audience.requiresScope,
    clients: [kind.audience.client],
    scopes: scopesAllowed(kind.audience.requiresScope),
    components: [],
    mcpServer: mcp,
  };
}

function issuedBy(serverOf: (component: PlatformComponent) => ServerKey): Record<PlatformComponent, ServerKey> {
  return Object.fromEntries(PLATFORM_COMPONENTS.map((component) => [component, serverOf(component)])) as Record<
    PlatformComponent,
    ServerKey
  >;
}
