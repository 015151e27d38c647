/** The resolved config the program builds from: API values, claims resolved, keys grouped. */
import type { Okta, PLATFORM_CLAIM_NAMES, RegistryRole } from "../facts";
import type { PlatformComponent } from "../platform";
import type { RawConfig } from "./schema";

/** A platform claim, as config names it (`claims.<key>`); its default name is the key itself. */
export type ClaimKey = (typeof PLATFORM_CLAIM_NAMES)[number];

/** A claim as Okta takes it. Friendly config maps to API values only here. */
export interface ClaimSpec {
  key: ClaimKey;
  name: string;
  valueType: typeof Okta.claimValueType.groups | typeof Okta.claimValueType.expression;
  value: string;
  groupFilterType?: typeof Okta.groupFilterType.regex;
}

export interface TokenLifetimes {
  accessTokenLifetimeMinutes: number;
  /** 0 means unlimited (Okta's default). */
  refreshTokenLifetimeMinutes: number;
  refreshTokenWindowMinutes: number;
}

/** A Registry Server claim matcher: every claim must carry the value (or one of the values). */
export type ClaimMatcher = Record<string, string | string[]>;
export type RegistryRoles = Record<RegistryRole, ClaimMatcher[]>;

/** An MCP server validating tokens for its own audience (per-component mode). */
export interface McpServerConfig {
  name: string;
  /** The public URL MCP clients reach it at (RFC 9728 resource). */
  resourceUrl: string;
  audience: string;
}

export interface StacklokIdentityConfig {
  mode: RawConfig["mode"];
  /** Goes into every Okta object name and label so stacks sharing an org never collide. */
  environment: string;
  authorizationServer: string;
  /** Each component's audience; in single mode all the same (one server, one audience). */
  audiences: Record<PlatformComponent, string>;
  cloudUiUrl: string;
  enterpriseManagerUrl?: string;
  registryUrl?: string;
  cliRedirectUris: string[];
  access: {
    createGroup: boolean;
    groupIds: string[];
    everyone: boolean;
    /** Whitelist the platform's apps by client ID, or every client in the org. */
    policyClients: RawConfig["accessPolicyClients"];
  };
  claims: ClaimSpec[];
  /**
   * The custom user-profile attribute to create for the roles claim: the
   * attribute its `user.<attribute>` expression reads, when config manages it.
   */
  rolesAttribute?: string;
  /** Assign this authentication (sign-on) policy to both apps; unset leaves the apps' policy alone. */
  authenticationPolicyId?: string;
  tokens: TokenLifetimes;
  cloudUiTokenEndpointAuthMethod: RawConfig["cloudUiTokenEndpointAuthMethod"];
  issuerMode?: RawConfig["issuerMode"];
  protect: boolean;
  takeOverDefaultServer: boolean;
  /** The admins: assigned to both apps and admitted like the users; the default registry roles and `writer` name them. */
  admins: { createGroup: boolean; groupIds: string[] };
  /** Who holds each Registry Server role; always set, so the registry never runs without `authz`. */
  registryRoles: RegistryRoles;
  mcpServers: McpServerConfig[];
}
