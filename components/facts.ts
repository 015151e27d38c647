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

/** Stacklok's default audiences (runbook step 1). */
export const DEFAULT_AUDIENCES = {
  enterpriseManager: "enterprise-manager",
  cloudUi: "cloud-ui",
} as const;

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
  responseType: { code: "code" },
  tokenEndpointAuthMethod: {
    none: "none",
    clientSecretBasic: "client_secret_basic",
    clientSecretPost: "client_secret_post",
  },
  appType: { native: "native", web: "web" },
  /** `claimType`: RESOURCE puts the claim in the access token, IDENTITY in the ID token. */
  claimType: { accessToken: "RESOURCE", idToken: "IDENTITY" },
  claimValueType: { expression: "EXPRESSION", groups: "GROUPS" },
  groupFilterType: { regex: "REGEX" },
  issuerMode: { orgUrl: "ORG_URL", customUrl: "CUSTOM_URL" },
  credentialsRotationMode: { auto: "AUTO" },
  /** Rule `groupWhitelists` value meaning "any user assigned to the app". */
  everyone: "EVERYONE",
  /** Policy `clientWhitelists` value meaning every OAuth client in the org. */
  allClients: "ALL_CLIENTS",
  /** Okta returns at most this many groups in a GROUPS claim; above it the token request fails. */
  maxGroupsInClaim: 100,
  /** Access-token lifetime bounds enforced by the API, in minutes. */
  accessTokenLifetimeMinutes: { min: 5, max: 1440 },
  /** Refresh-token window bounds (API: minimum 10, maximum five years). */
  refreshTokenWindowMinutes: { min: 10, max: 2_628_000, default: 10_080 },
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
