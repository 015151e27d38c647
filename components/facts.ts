/**
 * The facts the whole project rests on, each stated once: what Stacklok's
 * components expect, and the values Okta's API really takes. Everything else
 * (the program, the policy pack, the plan and the token verifier) imports
 * them from here.
 */

/** The scope the Enterprise Manager requires in `scp` (else 401). */
export const REQUIRED_SCOPE = "toolhive:config:read";
export const REQUIRED_SCOPE_DESCRIPTION = "Read Stacklok configuration";

/**
 * Scopes the clients request besides the required one. Okta access-policy
 * rules are allowlists: a request naming a scope the rule lacks matches no
 * rule and fails, so every rule lists these explicitly (never `*`).
 */
export const OIDC_SCOPES = ["openid", "profile", "email", "offline_access"] as const;

/**
 * Loopback hosts a native app's http redirect URI may use. Okta compares
 * redirect URIs as strings, so `localhost` and `127.0.0.1` are different URIs.
 */
export const LOOPBACK_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];

/**
 * The CLI's loopback callback, as `thv` sends it: `http://localhost:<port>/callback`
 * (toolhive `pkg/auth/oauth/flow.go`) on port 8666 (`pkg/auth/remote/config.go`
 * `DefaultCallbackPort`). Okta matches redirect URIs exactly, port included,
 * and `thv` moves to another port when 8666 is busy, which Okta then refuses.
 */
export const DEFAULT_CLI_REDIRECT_URI = "http://localhost:8666/callback";

/** Paths the Cloud UI (Better Auth) serves under its public URL. */
export const CLOUD_UI_CALLBACK_PATH = "/api/auth/oauth2/callback/oidc";
export const CLOUD_UI_POST_LOGOUT_PATH = "/signin";

/** `idpConfig.idpType` in the Enterprise Manager chart. */
export const IDP_TYPE = "okta";

/** Okta's pre-provisioned authorization server; its id and name are both `default`. */
export const DEFAULT_SERVER_NAME = "default";

/**
 * Okta API enum values, each written once. The API matches them exactly
 * (snake_case or UPPER_CASE); the `@pulumi/okta` `.d.ts` comments render
 * several camelCased (`authorizationCode`, `idToken`), which the API
 * rejects. Within each group the keys follow the API's own enum order, so
 * `OktaEnum` below lists them as the API does. Sources: Okta's management
 * API (https://developer.okta.com/docs/api/openapi/okta-management/management/)
 * and terraform-provider-okta `okta/services/idaas/resource_okta_app_oauth.go`,
 * `resource_okta_auth_server*.go`, `resource_okta_auth_server_claim.go`.
 */
export const Okta = {
  appType: { web: "web", native: "native", browser: "browser", service: "service" },
  grantType: {
    authorizationCode: "authorization_code",
    refreshToken: "refresh_token",
    implicit: "implicit",
    password: "password",
    clientCredentials: "client_credentials",
    interactionCode: "interaction_code",
    deviceCode: "urn:ietf:params:oauth:grant-type:device_code",
    tokenExchange: "urn:ietf:params:oauth:grant-type:token-exchange",
    saml2Bearer: "urn:ietf:params:oauth:grant-type:saml2-bearer",
    jwtBearer: "urn:ietf:params:oauth:grant-type:jwt-bearer",
  },
  /** Okta's own grants a browser app may hold besides the standard ones (MFA OOB/OTP). */
  oktaGrantType: {
    oob: "urn:okta:params:oauth:grant-type:oob",
    otp: "urn:okta:params:oauth:grant-type:otp",
    mfaOob: "http://auth0.com/oauth/grant-type/mfa-oob",
    mfaOtp: "http://auth0.com/oauth/grant-type/mfa-otp",
  },
  /** `token` and `id_token` are the implicit flow's response types. */
  responseType: { code: "code", token: "token", idToken: "id_token" },
  tokenEndpointAuthMethod: {
    clientSecretBasic: "client_secret_basic",
    clientSecretPost: "client_secret_post",
    clientSecretJwt: "client_secret_jwt",
    privateKeyJwt: "private_key_jwt",
    none: "none",
  },
  /** `SUBDOMAIN` lets one `*` match a subdomain (https only); `DISABLED` is the provider default. */
  wildcardRedirect: { disabled: "DISABLED", subdomain: "SUBDOMAIN" },
  /** `DYNAMIC` makes the issuer vary with the URL a request came in on. */
  issuerMode: { orgUrl: "ORG_URL", customUrl: "CUSTOM_URL", dynamic: "DYNAMIC" },
  /** `TRUSTED` skips the consent screen; `REQUIRED` shows it. */
  consentMethod: { required: "REQUIRED", trusted: "TRUSTED" },
  loginMode: { disabled: "DISABLED", spec: "SPEC", okta: "OKTA" },
  /** App `refreshTokenRotation`; the provider sends STATIC (no rotation) when it is unset. */
  refreshTokenRotation: { rotate: "ROTATE", static: "STATIC" },
  status: { active: "ACTIVE", inactive: "INACTIVE" },
  /** `AuthServerDefault` defaults to MANUAL in the provider; `auth.Server` to AUTO. */
  credentialsRotationMode: { auto: "AUTO", manual: "MANUAL" },
  scopeConsent: { implicit: "IMPLICIT", required: "REQUIRED", flexible: "FLEXIBLE" },
  scopeMetadataPublish: { allClients: "ALL_CLIENTS", noClients: "NO_CLIENTS" },
  /** `claimType`: RESOURCE puts the claim in the access token, IDENTITY in the ID token. */
  claimType: { accessToken: "RESOURCE", idToken: "IDENTITY" },
  claimValueType: { expression: "EXPRESSION", groups: "GROUPS", system: "SYSTEM" },
  groupFilterType: { startsWith: "STARTS_WITH", equals: "EQUALS", contains: "CONTAINS", regex: "REGEX" },
  policyRuleType: { resourceAccess: "RESOURCE_ACCESS" },
  /** Rule `groupWhitelists` value meaning "any user assigned to the app". */
  everyone: "EVERYONE",
  /** Policy `clientWhitelists` value meaning every OAuth client in the org. */
  allClients: "ALL_CLIENTS",
  /** Okta returns at most this many groups in a GROUPS claim; above it the token request fails. */
  maxGroupsInClaim: 100,
  /** Access-token lifetime bounds enforced by the API, in minutes. */
  accessTokenLifetimeMinutes: { min: 5, max: 1440, default: 60 },
  /** Refresh-token window bounds (API: minimum 10, maximum five years). */
  refreshTokenWindowMinutes: { min: 10, max: 2_628_000, default: 10_080 },
  /**
   * The provider sends 0 (unlimited) when `refreshTokenLifetimeMinutes` is
   * unset; the API takes at most five years, as for the window.
   */
  refreshTokenLifetimeMinutes: { unlimited: 0, max: 2_628_000 },
} as const;

/**
 * The token lifetimes this program sets when config does not: Okta's
 * defaults for the access token and the refresh window, and a 90-day refresh
 * token lifetime rather than Okta's unlimited one, so a lost laptop's token
 * expires.
 */
export const DEFAULT_TOKEN_LIFETIMES = {
  accessTokenLifetimeMinutes: Okta.accessTokenLifetimeMinutes.default,
  refreshTokenLifetimeMinutes: 129_600,
  refreshTokenWindowMinutes: Okta.refreshTokenWindowMinutes.default,
} as const;

/** Pulumi type tokens of the `@pulumi/okta` resources this project uses. */
export const OktaType = {
  authServer: "okta:auth/server:Server",
  authServerDefault: "okta:index/authServerDefault:AuthServerDefault",
  serverScope: "okta:auth/serverScope:ServerScope",
  serverClaim: "okta:auth/serverClaim:ServerClaim",
  serverPolicy: "okta:auth/serverPolicy:ServerPolicy",
  serverPolicyRule: "okta:auth/serverPolicyRule:ServerPolicyRule",
  oauthApp: "okta:app/oAuth:OAuth",
  appGroupAssignments: "okta:index/appGroupAssignments:AppGroupAssignments",
  group: "okta:group/group:Group",
  userSchemaProperty: "okta:index/userSchemaProperty:UserSchemaProperty",
} as const;

/** Okta's discovery and key-set paths under an authorization server's issuer. */
export const OIDC_DISCOVERY_PATH = "/.well-known/openid-configuration";
export const OKTA_JWKS_PATH = "/v1/keys";

/**
 * The platform's access-token claims: the Registry Server authorizes on
 * `groups` and `roles`, `email` identifies the user. Their names are
 * configurable in the program; these are the defaults, and the policy pack
 * checks claims with these names unless its config names others.
 */
export const PLATFORM_CLAIM_NAMES = ["groups", "roles", "email"] as const;

type EnumValues<T> = readonly T[keyof T][];
/** A group's values in the order written above (the API's order). */
function values<T extends Record<string, string>>(group: T): EnumValues<T> {
  return Object.values(group) as unknown as EnumValues<T>;
}

/**
 * Every value the Okta API accepts for the enum-valued inputs the project
 * sets or checks, as lists. The policy pack uses them to catch the
 * camelCased renderings the `@pulumi/okta` doc comments show
 * (`authorizationCode`, `idToken`, `client*secret*basic`).
 */
export const OktaEnum = {
  appType: values(Okta.appType),
  grantType: values(Okta.grantType),
  responseType: values(Okta.responseType),
  tokenEndpointAuthMethod: values(Okta.tokenEndpointAuthMethod),
  wildcardRedirect: values(Okta.wildcardRedirect),
  issuerMode: values(Okta.issuerMode),
  consentMethod: values(Okta.consentMethod),
  loginMode: values(Okta.loginMode),
  refreshTokenRotation: values(Okta.refreshTokenRotation),
  status: values(Okta.status),
  credentialsRotationMode: values(Okta.credentialsRotationMode),
  scopeConsent: values(Okta.scopeConsent),
  scopeMetadataPublish: values(Okta.scopeMetadataPublish),
  claimType: values(Okta.claimType),
  claimValueType: values(Okta.claimValueType),
  groupFilterType: values(Okta.groupFilterType),
  policyRuleType: values(Okta.policyRuleType),
  /** The special `clientWhitelists` entry; everything else there is a client ID. */
  clientWhitelist: [Okta.allClients],
  /** The special rule `groupWhitelists` entry; everything else there is a group ID. */
  groupWhitelist: [Okta.everyone],
} as const;

const grant = Okta.grantType;
/**
 * What the provider sends as `grantTypes` when an `okta.app.OAuth` omits it
 * (terraform-provider-okta `okta/services/idaas/resource_okta_app_oauth.go`:
 * `appMap.RequiredGrantTypes`, else `appMap.ValidGrantTypes`): the type's
 * required grant, or, for `browser` apps, which have none, every grant a
 * browser app may hold, `implicit` included.
 */
export const PROVIDER_DEFAULT_GRANT_TYPES: Readonly<Record<string, readonly string[]>> = {
  web: [grant.authorizationCode],
  native: [grant.authorizationCode],
  service: [grant.clientCredentials],
  browser: [
    grant.implicit,
    grant.authorizationCode,
    grant.refreshToken,
    grant.saml2Bearer,
    grant.tokenExchange,
    grant.deviceCode,
    grant.interactionCode,
    Okta.oktaGrantType.oob,
    Okta.oktaGrantType.otp,
    Okta.oktaGrantType.mfaOob,
    Okta.oktaGrantType.mfaOtp,
  ],
};

/**
 * The Registry Server's roles (toolhive-registry-server
 * `internal/config/config.go` `RolesConfig`). Each is a list of claim maps:
 * the keys of one map must all match the token, any map in the list grants
 * the role, and an empty map never matches (`internal/auth/roles.go`). With
 * no `authz` block every authenticated user holds every role
 * (`internal/auth/authz_middleware.go`), so the program always emits one.
 */
export const REGISTRY_ROLES = ["superAdmin", "manageSources", "manageRegistries", "manageEntries"] as const;
export type RegistryRole = (typeof REGISTRY_ROLES)[number];

/**
 * The Stacklok Enterprise platform's built-in `ClusterPlatformRole`s: `reader`
 * grants the MCP read operations and `call_tool`, `writer` every action
 * (docs-website `docs/platform/enterprise-authz/intro.mdx`, "Built-in roles").
 */
export const PLATFORM_ROLE = { writer: "writer", reader: "reader" } as const;

/** API versions of the Kubernetes objects the stack outputs describe. */
export const KUBERNETES_API = {
  clusterPlatformRoleBinding: { apiVersion: "platform.enterprise.stacklok.com/v1alpha1", kind: "ClusterPlatformRoleBinding" },
  mcpOidcConfig: { apiVersion: "toolhive.stacklok.dev/v1beta1", kind: "MCPOIDCConfig" },
} as const;
