/**
 * The platform's vocabulary: the Stacklok components that validate tokens
 * and the client apps that obtain them, each written once. Every other list
 * of components (titles, default audiences, server keys, the verifier's ids,
 * the registry's provider names) is derived from these two tables, so adding
 * a component means adding a row here and building its resources.
 */
import { OIDC_SCOPES, REQUIRED_SCOPE } from "./facts";

/**
 * The apps users sign in with. `name` is the Pulumi name of the app's
 * resources and the name of its Registry Server provider; `label` goes into
 * the Okta app label (with the environment), `description` into the access
 * policy's description. `scopes` is what the client asks for in its authorize
 * request: an Okta rule lacking any of them fails the whole request. The CLI
 * and Desktop ask for `openid toolhive:config:read` (Stacklok's "Configure
 * platform identity" guide) plus `offline_access` for a refresh token; the
 * Cloud UI (Better Auth) asks for `openid email profile offline_access`.
 */
export const CLIENT_APPS = {
  cli: {
    name: "cli-desktop",
    label: "Stacklok CLI and Desktop",
    description: "Stacklok CLI and Desktop",
    scopes: ["openid", "offline_access", REQUIRED_SCOPE],
  },
  cloudUi: {
    name: "cloud-ui",
    label: "Stacklok Enterprise Cloud UI",
    description: "Enterprise Cloud UI",
    scopes: ["openid", "email", "profile", "offline_access"],
  },
} as const;

export type ClientApp = keyof typeof CLIENT_APPS;
export const CLIENT_APP_KEYS = Object.keys(CLIENT_APPS) as ClientApp[];

/**
 * The components, keyed by their stack output. `slug` is the verifier's
 * `--component` value and, for a component with its own audience, the key
 * (and name suffix) of its authorization server in per-component mode.
 * `audience` is set for a component that accepts tokens minted for it alone:
 * Stacklok's default audience for it, the client app whose users obtain
 * those tokens, and whether it requires `toolhive:config:read` in `scp`. The
 * Registry Server has none: it trusts every other component's
 * issuer/audience pair.
 */
export const COMPONENTS = {
  enterpriseManager: {
    title: "Enterprise Manager",
    slug: "enterprise-manager",
    audience: { default: "enterprise-manager", client: "cli", requiresScope: true },
  },
  cloudUi: {
    title: "Cloud UI",
    slug: "cloud-ui",
    audience: { default: "cloud-ui", client: "cloudUi", requiresScope: false },
  },
  registryServer: {
    title: "Registry Server",
    slug: "registry-server",
    audience: undefined,
  },
} as const;

/**
 * Components a stack runs many of, each instance with its own audience and
 * its own authorization server (per-component mode only: Okta gives a server
 * one audience, and ToolHive requires an audience unique per MCP server).
 * `slug` prefixes an instance's server key (`mcp-<name>`) and its verifier
 * id (`mcp:<name>`). `scopes` is what the CLI asks for: ToolHive falls back
 * to the MCP server's RFC 9728 `scopes_supported` (`["openid"]` unless the
 * MCPServer sets `oidcConfigRef.scopes`) and its token source adds
 * `offline_access` (toolhive `pkg/auth/remote/handler.go`,
 * `pkg/auth/tokensource`). Against Okta, which offers no open dynamic client
 * registration, the client must be pre-registered: the CLI/Desktop app.
 */
export const COMPONENT_KINDS = {
  mcpServer: {
    title: "MCP server",
    slug: "mcp",
    audience: { client: "cli", requiresScope: false },
    scopes: ["openid", "offline_access"],
  },
} as const;

/** An MCP server's key: the name of its authorization server's children and the suffix of its Okta name. */
export type McpServerKey = `${(typeof COMPONENT_KINDS)["mcpServer"]["slug"]}-${string}`;
export function mcpServerKey(name: string): McpServerKey {
  return `${COMPONENT_KINDS.mcpServer.slug}-${name}`;
}
/** An MCP server as operators know it (the plan's token flows). */
export type McpServerTitle = `${(typeof COMPONENT_KINDS)["mcpServer"]["title"]} ${string}`;
export function mcpServerTitle(name: string): McpServerTitle {
  return `${COMPONENT_KINDS.mcpServer.title} ${name}`;
}
/** An MCP server's verifier id (`--component mcp:<name>`). */
export type McpServerSlug = `${(typeof COMPONENT_KINDS)["mcpServer"]["slug"]}:${string}`;
export function mcpServerSlug(name: string): McpServerSlug {
  return `${COMPONENT_KINDS.mcpServer.slug}:${name}`;
}

type Components = typeof COMPONENTS;
/** A component, named by its stack output key. */
export type ComponentKey = keyof Components;
/** The verifier's name for a component: its `--component` value and the id in its report. */
export type ComponentSlug = Components[ComponentKey]["slug"];
/** A component's name as operators know it. */
export type ComponentTitle = Components[ComponentKey]["title"];
/** A component with an audience of its own, whose tokens one client app obtains. */
export type PlatformComponent = {
  [K in ComponentKey]: Components[K]["audience"] extends undefined ? never : K;
}[ComponentKey];
/** Name suffix of a component's own server (per-component mode). */
export type ComponentServerRole = Components[PlatformComponent]["slug"];

export const COMPONENT_KEYS = Object.keys(COMPONENTS) as ComponentKey[];
/** The components with their own audience, in table order. */
export const PLATFORM_COMPONENTS = COMPONENT_KEYS.filter(
  (key): key is PlatformComponent => COMPONENTS[key].audience !== undefined,
);

function byComponent<K extends ComponentKey, V>(keys: readonly K[], value: (key: K) => V): Record<K, V> {
  return Object.fromEntries(keys.map((key) => [key, value(key)])) as Record<K, V>;
}

export const COMPONENT_TITLE = byComponent(COMPONENT_KEYS, (key) => COMPONENTS[key].title) as {
  readonly [K in ComponentKey]: Components[K]["title"];
};

/** Stacklok's default audiences ("Configure platform identity", step 1). */
export const DEFAULT_AUDIENCES = byComponent(PLATFORM_COMPONENTS, (key) => COMPONENTS[key].audience.default) as {
  readonly [K in PlatformComponent]: Components[K]["audience"]["default"];
};

/**
 * The component whose audience every component uses in single mode. Okta
 * allows one audience per authorization server ("Okta currently supports only
 * one audience", Authorization Servers API), so one server means one audience;
 * the Enterprise Manager's is the one every chart already names.
 */
export const SINGLE_MODE_AUDIENCE_OF = "enterpriseManager" satisfies PlatformComponent;

/** The app whose users obtain each component's tokens. */
export const CLIENT_OF: Record<PlatformComponent, ClientApp> = byComponent(
  PLATFORM_COMPONENTS,
  (key) => COMPONENTS[key].audience.client,
);

/** What each client asks Okta for in its authorize request. */
export const CLIENT_SCOPE_REQUESTS = Object.fromEntries(
  CLIENT_APP_KEYS.map((client) => [client, CLIENT_APPS[client].scopes]),
) as { readonly [C in ClientApp]: (typeof CLIENT_APPS)[C]["scopes"] };

/**
 * The names of the Registry Server's providers (stack output
 * `registryServer.providers`, chart `...oauth.providers[].name`): one per
 * client app, carrying the issuer/audience pair of that client's tokens. The
 * verifier finds the Cloud UI's pair there when the secret `cloudUi` output
 * is redacted.
 */
export const REGISTRY_PROVIDER_NAME = {
  cliDesktop: CLIENT_APPS.cli.name,
  cloudUi: CLIENT_APPS.cloudUi.name,
} as const;

/** The scopes a server's rule allows: the OIDC ones, plus the required scope when it issues it. */
export function scopesAllowed(issuesRequiredScope: boolean): string[] {
  return issuesRequiredScope ? [...OIDC_SCOPES, REQUIRED_SCOPE] : [...OIDC_SCOPES];
}

/** Whether a server issuing these components' tokens must carry `toolhive:config:read`. */
export function requiresScope(components: readonly PlatformComponent[]): boolean {
  return components.some((key) => COMPONENTS[key].audience.requiresScope);
}
