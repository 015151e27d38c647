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
 * What each client asks Okta for in its authorize request. The CLI and
 * Desktop ask for the Enterprise Manager's scope (runbook: "scope=openid
 * toolhive:config:read") plus offline_access for a refresh token; the Cloud
 * UI asks for `openid email profile offline_access`. A rule lacking any of
 * them fails the whole request.
 */
export const CLIENT_SCOPE_REQUESTS = {
  cli: ["openid", "offline_access", REQUIRED_SCOPE],
  cloudUi: ["openid", "email", "profile", "offline_access"],
} as const;

/** Stacklok's default audiences (runbook step 1). */
export const DEFAULT_AUDIENCES = {
  enterpriseManager: "enterprise-manager",
  cloudUi: "cloud-ui",
} as const;

/**
 * Loopback hosts a native app's http redirect URI may use. Okta compares
 * redirect URIs as strings, so `localhost` and `127.0.0.1` are different URIs.
 */
export const LOOPBACK_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];

/** The platform components' names as operators know them. */
export const COMPONENT_TITLE = {
  enterpriseManager: "Enterprise Manager",
  cloudUi: "Cloud UI",
  registryServer: "Registry Server",
} as const;

/**
 * The names of the Registry Server's two providers (stack output
 * `registryServer.providers`, chart `...oauth.providers[].name`): the CLI and
 * Desktop's issuer/audience pair, and the Cloud UI's. The verifier finds the
 * Cloud UI's pair there when the secret `cloudUi` output is redacted.
 */
export const REGISTRY_PROVIDER_NAME = { cliDesktop: "cli-desktop", cloudUi: "cloud-ui" } as const;

/** The CLI's loopback callback. Okta matches redirect URIs exactly, port included. */
export const DEFAULT_CLI_REDIRECT_URI = "http://localhost:8666/callback";

/** Paths the Cloud UI (Better Auth) serves under its public URL. */
export const CLOUD_UI_CALLBACK_PATH = "/api/auth/oauth2/callback/oidc";
export const CLOUD_UI_POST_LOGOUT_PATH = "/signin";

/** `idpConfig.idpType` in the Enterprise Manager chart. */
export const IDP_TYPE = "okta";

/** Okta's pre-provisioned authorization server; its id and name are both `default`. */
export const DEFAULT_SERVER_NAME = "default";

/**
 * Okta API enum values. The `@pulumi/okta` `.d.ts` comments render several
 * of them camelCased (`authorizationCode`, `idToken`); the API rejects those.
 */
export const Okta = {
  grantType: {
    authorizationCode: "authorization_code",
    refreshToken: "refresh_token",
    implicit: "implicit",
    password: "password",
    clientCredentials: "client_credentials",
  },
  /** `token` and `id_token` are the implicit flow's response types. */
  responseType: { code: "code", token: "token", idToken: "id_token" },
  tokenEndpointAuthMethod: {
    none: "none",
    clientSecretBasic: "client_secret_basic",
    clientSecretPost: "client_secret_post",
  },
  appType: { native: "native", web: "web", browser: "browser", service: "service" },
  /** `SUBDOMAIN` lets one `*` match a subdomain (https only); `DISABLED` is the provider default. */
  wildcardRedirect: { disabled: "DISABLED", subdomain: "SUBDOMAIN" },
  /** `claimType`: RESOURCE puts the claim in the access token, IDENTITY in the ID token. */
  claimType: { accessToken: "RESOURCE", idToken: "IDENTITY" },
  claimValueType: { expression: "EXPRESSION", groups: "GROUPS" },
  groupFilterType: { regex: "REGEX" },
  issuerMode: { orgUrl: "ORG_URL", customUrl: "CUSTOM_URL" },
  /** `AuthServerDefault` defaults to MANUAL in the provider; `auth.Server` to AUTO. */
  credentialsRotationMode: { auto: "AUTO", manual: "MANUAL" },
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
  /** The provider sends 0 (unlimited) when `refreshTokenLifetimeMinutes` is unset. */
  refreshTokenLifetimeMinutes: { unlimited: 0 },
  /** App `refreshTokenRotation`; the provider sends STATIC (no rotation) when it is unset. */
  refreshTokenRotation: { rotate: "ROTATE", static: "STATIC" },
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
 * The platform's access-token claims (DESIGN section 3, step 3). Their names
 * are configurable in the program; these are the defaults, and the policy
 * pack checks claims with these names unless its config names others.
 */
export const PLATFORM_CLAIM_NAMES = ["groups", "roles", "email"] as const;

/**
 * Every value the Okta API accepts for the enum-valued inputs the project
 * sets or checks. The API matches them exactly (snake_case or UPPER_CASE);
 * the policy pack uses these lists to catch the camelCased renderings that
 * the `@pulumi/okta` doc comments show (`authorizationCode`, `idToken`,
 * `client*secret*basic`). Sources: okta-provider-constraints.md (OAUTH-02,
 * OAUTH-10, OAUTH-12, OAUTH-17, OAUTH-21, OAUTH-39, AS-03, AS-04, SC-03,
 * SC-04, CL-02..CL-04, PR-02, PO-04).
 */
export const OktaEnum = {
  appType: ["web", "native", "browser", "service"],
  grantType: [
    "authorization_code",
    "refresh_token",
    "implicit",
    "password",
    "client_credentials",
    "interaction_code",
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:token-exchange",
    "urn:ietf:params:oauth:grant-type:saml2-bearer",
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
  ],
  responseType: ["code", "token", "id_token"],
  tokenEndpointAuthMethod: ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"],
  wildcardRedirect: ["DISABLED", "SUBDOMAIN"],
  issuerMode: ["ORG_URL", "CUSTOM_URL", "DYNAMIC"],
  consentMethod: ["REQUIRED", "TRUSTED"],
  loginMode: ["DISABLED", "SPEC", "OKTA"],
  refreshTokenRotation: ["ROTATE", "STATIC"],
  status: ["ACTIVE", "INACTIVE"],
  credentialsRotationMode: ["AUTO", "MANUAL"],
  scopeConsent: ["IMPLICIT", "REQUIRED", "FLEXIBLE"],
  scopeMetadataPublish: ["ALL_CLIENTS", "NO_CLIENTS"],
  claimType: ["RESOURCE", "IDENTITY"],
  claimValueType: ["EXPRESSION", "GROUPS", "SYSTEM"],
  groupFilterType: ["STARTS_WITH", "EQUALS", "CONTAINS", "REGEX"],
  policyRuleType: ["RESOURCE_ACCESS"],
  /** The special `clientWhitelists` entry; everything else there is a client ID. */
  clientWhitelist: ["ALL_CLIENTS"],
  /** The special rule `groupWhitelists` entry; everything else there is a group ID. */
  groupWhitelist: ["EVERYONE"],
} as const;

/**
 * What the provider sends as `grantTypes` when an `okta.app.OAuth` omits it
 * (okta-provider-constraints.md OAUTH-11): the type's required grant, or,
 * for `browser` apps, which have none, every grant a browser app may hold,
 * `implicit` included.
 */
export const PROVIDER_DEFAULT_GRANT_TYPES: Readonly<Record<string, readonly string[]>> = {
  web: ["authorization_code"],
  native: ["authorization_code"],
  service: ["client_credentials"],
  browser: [
    "implicit",
    "authorization_code",
    "refresh_token",
    "urn:ietf:params:oauth:grant-type:saml2-bearer",
    "urn:ietf:params:oauth:grant-type:token-exchange",
    "urn:ietf:params:oauth:grant-type:device_code",
    "interaction_code",
    "urn:okta:params:oauth:grant-type:oob",
    "urn:okta:params:oauth:grant-type:otp",
    "http://auth0.com/oauth/grant-type/mfa-oob",
    "http://auth0.com/oauth/grant-type/mfa-otp",
  ],
};
