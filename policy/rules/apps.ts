/**
 * Checks on OAuth apps (`okta.app.OAuth`) and their group assignments
 * (`okta.AppGroupAssignments`): client type and authentication, grants and
 * response types, redirect URIs, refresh-token rotation.
 */
import { LOOPBACK_HOSTS, Okta, OktaType, PROVIDER_DEFAULT_GRANT_TYPES } from "../../components/facts";
import { asString, asStrings, type Check, type Props, quoteList, show, type Violation } from "./check";
import { FORBIDDEN_GRANTS, FORBIDDEN_GRANTS_WHY, forbiddenGrantViolations } from "./forbiddenGrants";

const PUBLIC_APP_TYPES: readonly string[] = [Okta.appType.native, Okta.appType.browser];

/**
 * A native (CLI, Desktop) or browser (SPA) app cannot keep a secret: it must
 * be a public client with PKCE. The provider defaults every app type to
 * `client_secret_basic`, and when `pkceRequired` is unset it picks a value
 * itself: true on create, false on later updates of an app that uses a
 * secret (both in terraform-provider-okta `resource_okta_app_oauth.go`). So
 * both are required explicitly.
 */
export const publicClientUsesPkce: Check = (type, props) => {
  if (type !== OktaType.oauthApp) return [];
  const appType = asString(props.type);
  if (appType === undefined || !PUBLIC_APP_TYPES.includes(appType)) return [];
  const violations: Violation[] = [];
  const method = props.tokenEndpointAuthMethod;
  if (method !== Okta.tokenEndpointAuthMethod.none) {
    violations.push({
      property: "tokenEndpointAuthMethod",
      message:
        `tokenEndpointAuthMethod is ${show(method)} on a ${appType} app; accepted: "${Okta.tokenEndpointAuthMethod.none}". ` +
        `A ${appType} app is a public client that cannot keep a secret, and the provider defaults every app type ` +
        `to "${Okta.tokenEndpointAuthMethod.clientSecretBasic}", so "${Okta.tokenEndpointAuthMethod.none}" must be set explicitly.`,
    });
  }
  if (props.pkceRequired !== true) {
    violations.push({
      property: "pkceRequired",
      message:
        `pkceRequired is ${show(props.pkceRequired)} on a ${appType} app; accepted: true. ` +
        `A public client is protected only by PKCE; Okta rejects "${Okta.tokenEndpointAuthMethod.none}" without it, ` +
        `and when pkceRequired is unset the provider decides (true on create, false on later updates of an app ` +
        `that uses a secret), so set it explicitly.`,
    });
  }
  return violations;
};

/**
 * The grants the app will hold: `grantTypes`, or, when unset, the provider's
 * default for the type (its required grants, or every grant it allows for a
 * browser app, which has none required: `resource_okta_app_oauth.go`).
 */
function effectiveGrantTypes(props: Props, appType: string): { grants: readonly string[]; defaulted: boolean } {
  const given = asStrings(props.grantTypes);
  if (given !== undefined && given.length > 0) return { grants: given, defaulted: false };
  return { grants: PROVIDER_DEFAULT_GRANT_TYPES[appType] ?? [], defaulted: true };
}

/**
 * A public client's refresh token sits on the user's device (CLI, Desktop,
 * a browser) with no client secret behind it. OAuth's security BCP (RFC 9700
 * section 4.14.2) requires such refresh tokens to be sender-constrained or
 * rotated; Okta offers rotation: each refresh returns a new refresh token and
 * a stolen copy stops working once either party uses it. The provider sends
 * `refreshTokenRotation: "STATIC"` when it is unset (schema default in
 * terraform-provider-okta `resource_okta_app_oauth.go`), so ROTATE
 * must be set explicitly. Only apps that can get a refresh token are checked.
 */
export const publicClientRotatesRefreshTokens: Check = (type, props) => {
  if (type !== OktaType.oauthApp) return [];
  const appType = asString(props.type);
  if (appType === undefined || !PUBLIC_APP_TYPES.includes(appType)) return [];
  // A public app with a secret is okta-public-client-pkce's finding; with one, the token is not bearer-only.
  if (props.tokenEndpointAuthMethod !== Okta.tokenEndpointAuthMethod.none) return [];
  const { grants, defaulted } = effectiveGrantTypes(props, appType);
  if (!grants.includes(Okta.grantType.refreshToken)) return [];
  if (props.refreshTokenRotation === Okta.refreshTokenRotation.rotate) return [];
  const grantText = defaulted
    ? `grantTypes is ${show(props.grantTypes)}, and the provider's default for a ${appType} app includes "${Okta.grantType.refreshToken}"`
    : `grantTypes includes "${Okta.grantType.refreshToken}"`;
  return [
    {
      property: "refreshTokenRotation",
      message:
        `refreshTokenRotation is ${show(props.refreshTokenRotation)} on a ${appType} app that is a public client ` +
        `(tokenEndpointAuthMethod "${Okta.tokenEndpointAuthMethod.none}") and gets refresh tokens (${grantText}); ` +
        `accepted: "${Okta.refreshTokenRotation.rotate}". The provider sends "${Okta.refreshTokenRotation.static}" when it ` +
        `is unset, so one refresh token keeps working until it expires, with no secret behind it. OAuth's security ` +
        `BCP (RFC 9700 section 4.14.2) requires a public client's refresh tokens to be rotated or sender-constrained; ` +
        `with "${Okta.refreshTokenRotation.rotate}", a stolen copy stops working once the client refreshes ` +
        `(refreshTokenLeeway, 0 to 60 seconds, covers a refresh response lost in transit).`,
    },
  ];
};

/**
 * A web app is the confidential client (the Cloud UI's server side). Okta
 * rejects `none` for web apps ("'token_endpoint_auth_method' is invalid",
 * https://github.com/okta/terraform-provider-okta/issues/580): the app
 * would fail at apply.
 */
export const webAppIsConfidential: Check = (type, props) => {
  if (type !== OktaType.oauthApp || props.type !== Okta.appType.web) return [];
  if (props.tokenEndpointAuthMethod !== Okta.tokenEndpointAuthMethod.none) return [];
  return [
    {
      property: "tokenEndpointAuthMethod",
      message:
        `tokenEndpointAuthMethod is "${Okta.tokenEndpointAuthMethod.none}" on a web app; accepted: ` +
        `"${Okta.tokenEndpointAuthMethod.clientSecretBasic}" (the default) or "${Okta.tokenEndpointAuthMethod.clientSecretPost}". ` +
        `Okta rejects "${Okta.tokenEndpointAuthMethod.none}" for web apps at apply time; a public client must be type "native" or "browser".`,
    },
  ];
};

/**
 * No app may hold the implicit or password grant. An unset `grantTypes`
 * means the provider's default for the app type, which for a
 * browser app includes `implicit`.
 */
export const appHasNoImplicitOrPasswordGrant: Check = (type, props) => {
  if (type !== OktaType.oauthApp) return [];
  const grants = asStrings(props.grantTypes);
  if (grants !== undefined && grants.length > 0) return forbiddenGrantViolations("grantTypes", grants);
  const appType = asString(props.type) ?? "";
  const providerDefault = PROVIDER_DEFAULT_GRANT_TYPES[appType] ?? [];
  const defaulted = providerDefault.filter((grant) => FORBIDDEN_GRANTS.includes(grant));
  if (defaulted.length === 0) return [];
  return [
    {
      property: "grantTypes",
      message:
        `grantTypes is ${show(props.grantTypes)} on a ${appType} app, so the provider sends its default for that type, ` +
        `which includes ${quoteList(defaulted)}; accepted: an explicit list without ${quoteList(FORBIDDEN_GRANTS)}, ` +
        `e.g. ["${Okta.grantType.authorizationCode}"]. ${FORBIDDEN_GRANTS_WHY}`,
    },
  ];
};

const IMPLICIT_RESPONSE_TYPES: readonly string[] = [Okta.responseType.token, Okta.responseType.idToken];

/**
 * `token` / `id_token` response types are the implicit flow (tokens straight
 * from /authorize). A service app's `token` response type belongs to its
 * client-credentials flow instead, so service apps are exempt.
 */
export const appHasNoImplicitResponseType: Check = (type, props) => {
  if (type !== OktaType.oauthApp || props.type === Okta.appType.service) return [];
  const responseTypes = asStrings(props.responseTypes) ?? [];
  return responseTypes
    .filter((responseType) => IMPLICIT_RESPONSE_TYPES.includes(responseType))
    .map((responseType) => ({
      property: "responseTypes",
      message:
        `responseTypes contains "${responseType}"; accepted: ["${Okta.responseType.code}"]. ` +
        `${quoteList(IMPLICIT_RESPONSE_TYPES)} make /authorize return tokens directly (the implicit flow); ` +
        `the authorization code flow with PKCE returns only a code.`,
    }));
};

/**
 * True when `uri` is http(s) on a loopback host (facts.ts LOOPBACK_HOSTS,
 * the list the program's config accepts). The host is taken from a real URL
 * parse, whose `hostname` is lower-cased with IPv6 in brackets as the list
 * spells it, so `http://localhost.evil.com`, `http://127.0.0.1.nip.io` and
 * `http://localhost@evil.com` are not loopback.
 */
export function isLoopbackUri(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && LOOPBACK_HOSTS.includes(url.hostname);
}

/**
 * A private-use URI scheme in reverse-domain form (RFC 8252 section 7.1),
 * e.g. `com.example.app`: at least two dot-separated labels, so it names a
 * domain its owner controls and another app is unlikely to claim it.
 */
export function isPrivateUseScheme(scheme: string): boolean {
  return /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+$/i.test(scheme);
}

/**
 * Why `uri` is not an acceptable redirect URI for an app of `appType`, or
 * undefined when it is. Rules: no `*` (Okta matches exactly; wildcards are
 * the SUBDOMAIN mode this pack forbids), no fragment, absolute; then by type:
 * web/browser/service https only; native https, http on a loopback host
 * (RFC 8252 section 7.3), or a reverse-domain private-use scheme (section 7.1).
 */
export function redirectUriProblem(uri: string, appType: string | undefined): string | undefined {
  if (uri.includes("*")) {
    return (
      `contains "*": Okta matches redirect URIs exactly and honours a wildcard only with wildcardRedirect ` +
      `"${Okta.wildcardRedirect.subdomain}", which would let any matching subdomain receive authorization codes; list each URI`
    );
  }
  if (uri.includes("#")) {
    return "contains a fragment (#...): Okta requires absolute redirect URIs without a fragment (RFC 6749 section 3.1.2)";
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "is not an absolute URI: Okta requires absolute redirect URIs (scheme, host, path)";
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme === "https") return undefined;
  if (appType !== Okta.appType.native) {
    return (
      `uses "${scheme}:" on a ${appType ?? "untyped"} app; accepted: https only. Plain http (even on a loopback host) ` +
      `is accepted only for native apps, whose loopback listener never leaves the user's machine (RFC 8252 section 7.3)`
    );
  }
  if (scheme === "http") {
    if (LOOPBACK_HOSTS.includes(url.hostname)) return undefined;
    return (
      `uses http on host "${url.hostname}"; accepted for a native app: https, http on a loopback host ` +
      `(${LOOPBACK_HOSTS.join(", ")}), or a reverse-domain private-use scheme. http to any other host sends the ` +
      `authorization code over the network in clear text`
    );
  }
  if (isPrivateUseScheme(scheme)) return undefined;
  return (
    `uses the scheme "${scheme}:"; accepted for a native app: https, http on a loopback host ` +
    `(${LOOPBACK_HOSTS.join(", ")}), or a reverse-domain private-use scheme such as "com.example.app:" ` +
    `(RFC 8252 section 7.1): a short scheme can be claimed by any other app on the device`
  );
}

const REDIRECT_PROPERTIES = ["redirectUris", "postLogoutRedirectUris"] as const;

/** Redirect and post-logout URIs of every OAuth app, and no SUBDOMAIN wildcard mode. */
export const appRedirectUrisAreSafe: Check = (type, props) => {
  if (type !== OktaType.oauthApp) return [];
  const appType = asString(props.type);
  const violations: Violation[] = [];
  if (props.wildcardRedirect === Okta.wildcardRedirect.subdomain) {
    violations.push({
      property: "wildcardRedirect",
      message:
        `wildcardRedirect is "${Okta.wildcardRedirect.subdomain}"; accepted: "${Okta.wildcardRedirect.disabled}" (the default). ` +
        `With SUBDOMAIN a "*" redirect URI lets any matching subdomain receive authorization codes.`,
    });
  }
  for (const property of REDIRECT_PROPERTIES) {
    for (const uri of asStrings(props[property]) ?? []) {
      const problem = redirectUriProblem(uri, appType);
      if (problem !== undefined) violations.push({ property, message: `${property} entry "${uri}" ${problem}.` });
    }
  }
  return violations;
};

/** App types whose `grantTypes` must include `authorization_code` (the provider's validateGrantTypes). */
const CODE_FLOW_APP_TYPES: readonly string[] = [Okta.appType.native, Okta.appType.web];

/**
 * Web and native apps sign users in with the authorization code flow. The
 * provider rejects, at apply time, a non-empty `grantTypes` of a web or
 * native app without `authorization_code` (`validateGrantTypes` in
 * terraform-provider-okta `resource_okta_app_oauth.go`), and Okta's OAuth
 * API requires that "a grant_types value that includes authorization_code
 * implies a response_types value that includes code"
 * (https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/tag/Client/).
 */
export const appUsesAuthorizationCode: Check = (type, props) => {
  if (type !== OktaType.oauthApp) return [];
  const appType = asString(props.type);
  const grants = asStrings(props.grantTypes) ?? [];
  const violations: Violation[] = [];
  if (appType !== undefined && CODE_FLOW_APP_TYPES.includes(appType) && grants.length > 0 &&
      !grants.includes(Okta.grantType.authorizationCode)) {
    violations.push({
      property: "grantTypes",
      message:
        `grantTypes is ${show(props.grantTypes)} on a ${appType} app; accepted: a list that includes ` +
        `"${Okta.grantType.authorizationCode}". The provider requires it for ${quoteList(CODE_FLOW_APP_TYPES)} apps ` +
        `and rejects the app at apply time.`,
    });
  }
  const responseTypes = asStrings(props.responseTypes);
  if (responseTypes !== undefined && grants.includes(Okta.grantType.authorizationCode) &&
      !responseTypes.includes(Okta.responseType.code)) {
    violations.push({
      property: "responseTypes",
      message:
        `responseTypes is ${show(props.responseTypes)} while grantTypes includes "${Okta.grantType.authorizationCode}"; ` +
        `accepted: a list that includes "${Okta.responseType.code}" (or unset). Okta requires the code response type ` +
        `for the authorization code grant and rejects the app at apply time.`,
    });
  }
  return violations;
};

/** Grants that need no redirect URI: neither sends the user's browser to /authorize. */
const GRANTS_WITHOUT_REDIRECT: readonly string[] = [Okta.grantType.password, Okta.grantType.clientCredentials];

/**
 * Okta's OAuth API: "At least one redirect_uris and response_types are
 * required for all client types", except clients whose grants include
 * `password` or `client_credentials`
 * (https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/tag/Client/).
 */
export const appHasRedirectUri: Check = (type, props) => {
  if (type !== OktaType.oauthApp) return [];
  const appType = asString(props.type) ?? "";
  const { grants } = effectiveGrantTypes(props, appType);
  if (grants.some((grant) => GRANTS_WITHOUT_REDIRECT.includes(grant))) return [];
  if ((asStrings(props.redirectUris) ?? []).length > 0) return [];
  return [
    {
      property: "redirectUris",
      message:
        `redirectUris is ${show(props.redirectUris)} on a ${appType || "untyped"} app; accepted: at least one redirect ` +
        `URI. Okta requires one for every client unless its grants include ${quoteList(GRANTS_WITHOUT_REDIRECT)}, ` +
        `and rejects the app at apply time.`,
    },
  ];
};

/** True when `text` parses as a JSON object (an empty string does not parse). */
function isJsonObject(text: unknown): boolean {
  if (typeof text !== "string") return false;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * `okta.AppGroupAssignments` is authoritative for the groups it lists. With
 * no groups, the provider's Read imports every group already assigned to the
 * app into state; each group's `profile` must be non-empty JSON (the
 * provider's `stringIsJSON` validator; "{}" for none). Both from
 * terraform-provider-okta `resource_okta_app_group_assignments.go`.
 */
export const groupAssignmentsAreExplicit: Check = (type, props) => {
  if (type !== OktaType.appGroupAssignments) return [];
  const groups = Array.isArray(props.groups) ? (props.groups as unknown[]) : [];
  if (groups.length === 0) {
    return [
      {
        property: "groups",
        message:
          `groups is ${show(props.groups)}; accepted: at least one group. With no groups the provider imports every ` +
          `existing assignment of the app into state and manages it from then on.`,
      },
    ];
  }
  const violations: Violation[] = [];
  groups.forEach((group, index) => {
    const entry = typeof group === "object" && group !== null ? (group as Record<string, unknown>) : {};
    if (isJsonObject(entry.profile)) return;
    violations.push({
      property: "groups",
      message:
        `groups[${index}] (group ${show(entry.id)}) profile is not a JSON object: ${show(entry.profile)}; accepted: ` +
        `a JSON object such as "{}". The provider validates it as non-empty JSON before anything is sent.`,
    });
  });
  return violations;
};
