/**
 * The guardrails' logic, as pure functions over one resource's inputs.
 *
 * Each check takes the resource's Pulumi type token, its input properties (as
 * the policy analyzer sees them: after the provider's Check, so with Pulumi's
 * autoname and the provider's schema defaults filled in) and a small context,
 * and returns the violations it finds. A check ignores resource types it is
 * not about, so the wiring (`policies.ts`) can hand every resource to every
 * check. Nothing here imports `@pulumi/policy`: tests call these directly.
 *
 * Every message names the property, the value given and what is accepted,
 * then the Okta or provider fact that makes it matter.
 */
import {
  DEFAULT_SERVER_NAME,
  LOOPBACK_HOSTS,
  OIDC_SCOPES,
  Okta,
  OktaEnum,
  OktaType,
  PLATFORM_CLAIM_NAMES,
  PROVIDER_DEFAULT_GRANT_TYPES,
  REQUIRED_SCOPE,
} from "../components/facts";

/** A resource's input properties, keyed by their `@pulumi/okta` (camelCase) names. */
export type Props = Readonly<Record<string, unknown>>;

export interface Violation {
  /** The input property at fault, as the `@pulumi/okta` Args interface names it. */
  property: string;
  /** What is wrong, what is accepted, and why it matters. */
  message: string;
}

export interface CheckContext {
  /** The resource's logical (Pulumi) name: `args.name` inside a policy. */
  logicalName: string;
  /** Claim names that must be access-token claims (policy config, default PLATFORM_CLAIM_NAMES). */
  platformClaimNames: readonly string[];
}

export type Check = (type: string, props: Props, context: CheckContext) => Violation[];

/** A context for callers that have no logical name or policy config at hand. */
export function defaultContext(logicalName = ""): CheckContext {
  return { logicalName, platformClaimNames: PLATFORM_CLAIM_NAMES };
}

// ---------------------------------------------------------------------------
// Small readers. Inputs arrive as plain JSON; anything of the wrong shape is
// treated as unset rather than trusted.

function show(value: unknown): string {
  return value === undefined ? "unset" : JSON.stringify(value);
}

function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function asNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function asStrings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
}

function quoteList(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}

const PUBLIC_APP_TYPES: readonly string[] = [Okta.appType.native, Okta.appType.browser];

// ---------------------------------------------------------------------------
// okta.app.OAuth

/**
 * A native (CLI, Desktop) or browser (SPA) app cannot keep a secret: it must
 * be a public client with PKCE. The provider defaults every app type to
 * `client_secret_basic` (OAUTH-20), and when `pkceRequired` is unset it picks
 * a value itself: true on create, false on later updates of an app that uses a
 * secret (OAUTH-24). So both are required explicitly.
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

/** The grants the app will hold: `grantTypes`, or the provider's default for the type when unset (OAUTH-11). */
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
 * `refreshTokenRotation: "STATIC"` when it is unset (OAUTH-40), so ROTATE
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
 * rejects `none` for web apps (OAUTH-22): the app would fail at apply.
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

const FORBIDDEN_GRANTS: readonly string[] = [Okta.grantType.implicit, Okta.grantType.password];
const FORBIDDEN_GRANTS_WHY =
  "implicit returns tokens in the browser redirect, where they leak through history and referrers, and password " +
  "(resource owner password) hands the user's password to the client; both bypass PKCE and Okta's sign-in policies. " +
  `Use "${Okta.grantType.authorizationCode}" (plus "${Okta.grantType.refreshToken}" on the app for refresh).`;

function forbiddenGrantViolations(property: string, grants: readonly string[]): Violation[] {
  return grants
    .filter((grant) => FORBIDDEN_GRANTS.includes(grant))
    .map((grant) => ({
      property,
      message: `${property} contains "${grant}"; accepted: any grant except ${quoteList(FORBIDDEN_GRANTS)}. ${FORBIDDEN_GRANTS_WHY}`,
    }));
}

/**
 * No app may hold the implicit or password grant. An unset `grantTypes`
 * means the provider's default for the app type (OAUTH-11), which for a
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

/** An access-policy rule must not let any client use the implicit or password grant. */
export const ruleHasNoImplicitOrPasswordGrant: Check = (type, props) => {
  if (type !== OktaType.serverPolicyRule) return [];
  return forbiddenGrantViolations("grantTypeWhitelists", asStrings(props.grantTypeWhitelists) ?? []);
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

// ---------------------------------------------------------------------------
// okta.auth.ServerPolicyRule

const EXPECTED_SCOPES = [...OIDC_SCOPES, REQUIRED_SCOPE];

/**
 * Okta rules are allowlists of scopes: `*` grants any scope (including ones
 * added to the server later) to every client the policy names, and an empty
 * list matches no request.
 */
export const ruleListsExplicitScopes: Check = (type, props) => {
  if (type !== OktaType.serverPolicyRule) return [];
  const scopes = asStrings(props.scopeWhitelists);
  if (scopes === undefined || scopes.length === 0) {
    return [
      {
        property: "scopeWhitelists",
        message:
          `scopeWhitelists is ${show(props.scopeWhitelists)}; accepted: the explicit scopes the clients request, ` +
          `e.g. ${quoteList(EXPECTED_SCOPES)}. Okta rules are allowlists: a request naming a scope the rule lacks ` +
          `matches no rule and fails.`,
      },
    ];
  }
  if (!scopes.includes("*")) return [];
  return [
    {
      property: "scopeWhitelists",
      message:
        `scopeWhitelists contains "*"; accepted: explicit scope names, e.g. ${quoteList(EXPECTED_SCOPES)}. ` +
        `"*" grants every scope on the server, including any added later, to every client the policy names.`,
    },
  ];
};

/**
 * Token lifetimes the provider checks only in Create/Update (PR-05..PR-07),
 * that is at `pulumi up`, possibly after other resources were created.
 * Unset values are the provider's defaults: access 60, refresh 0
 * (unlimited), window 10080.
 */
export const ruleTokenLifetimesAreValid: Check = (type, props) => {
  if (type !== OktaType.serverPolicyRule) return [];
  const bounds = Okta.accessTokenLifetimeMinutes;
  const access = asNumber(props.accessTokenLifetimeMinutes) ?? bounds.default;
  const refresh = asNumber(props.refreshTokenLifetimeMinutes) ?? Okta.refreshTokenLifetimeMinutes.unlimited;
  const windowGiven = asNumber(props.refreshTokenWindowMinutes);
  const window = windowGiven ?? Okta.refreshTokenWindowMinutes.default;
  const violations: Violation[] = [];
  if (access < bounds.min || access > bounds.max) {
    violations.push({
      property: "accessTokenLifetimeMinutes",
      message:
        `accessTokenLifetimeMinutes is ${access}; accepted: ${bounds.min} to ${bounds.max} minutes. ` +
        `Okta rejects other values, and the provider only finds out at apply time.`,
    });
  }
  if (refresh === Okta.refreshTokenLifetimeMinutes.unlimited) return violations;
  if (refresh < access) {
    violations.push({
      property: "refreshTokenLifetimeMinutes",
      message:
        `refreshTokenLifetimeMinutes is ${refresh}, shorter than accessTokenLifetimeMinutes (${access}); accepted: ` +
        `0 (unlimited) or at least the access-token lifetime. The provider rejects this at apply time.`,
    });
  }
  if (window < access || window > refresh) {
    const windowShown = windowGiven === undefined ? `unset (the provider sends ${window})` : `${window}`;
    violations.push({
      property: "refreshTokenWindowMinutes",
      message:
        `refreshTokenWindowMinutes is ${windowShown} with accessTokenLifetimeMinutes ${access} and ` +
        `refreshTokenLifetimeMinutes ${refresh}; accepted: between the access-token lifetime and the refresh-token ` +
        `lifetime. The provider rejects this at apply time; set the window explicitly when the refresh lifetime is ` +
        `below ${Okta.refreshTokenWindowMinutes.default} minutes.`,
    });
  }
  return violations;
};

// ---------------------------------------------------------------------------
// okta.auth.ServerPolicy

/** An access policy's client list: not empty, and ALL_CLIENTS never mixed with client IDs (PO-04). */
export const policyClientListIsValid: Check = (type, props) => {
  if (type !== OktaType.serverPolicy) return [];
  const clients = asStrings(props.clientWhitelists) ?? [];
  if (clients.length === 0) {
    return [
      {
        property: "clientWhitelists",
        message:
          `clientWhitelists is ${show(props.clientWhitelists)}; accepted: the client IDs of the apps that request ` +
          `tokens from this server (app.clientId). A policy that names no client matches no token request.`,
      },
    ];
  }
  if (!clients.includes(Okta.allClients) || clients.length === 1) return [];
  return [
    {
      property: "clientWhitelists",
      message:
        `clientWhitelists mixes "${Okta.allClients}" with client IDs (${show(clients)}); accepted: either ` +
        `["${Okta.allClients}"] alone or client IDs only. Okta does not accept the two forms together.`,
    },
  ];
};

/**
 * `ALL_CLIENTS` is valid but lets every OAuth app in the org mint tokens
 * with this server's audiences; on a shared org, name the clients.
 */
export const policyNamesExplicitClients: Check = (type, props) => {
  if (type !== OktaType.serverPolicy) return [];
  const clients = asStrings(props.clientWhitelists) ?? [];
  if (clients.length !== 1 || clients[0] !== Okta.allClients) return [];
  return [
    {
      property: "clientWhitelists",
      message:
        `clientWhitelists is ["${Okta.allClients}"]; recommended: the client IDs of the Stacklok apps. ` +
        `"${Okta.allClients}" lets every OAuth app in the org obtain tokens with this server's audiences, which ` +
        `the Stacklok components would accept.`,
    },
  ];
};

const POLICY_NAME_MAX = 100;
const POLICY_DESCRIPTION_MAX = 255;

/** Okta requires a policy description of 1-255 characters and a name of at most 100 (PO-03). */
export const policyDescriptionIsValid: Check = (type, props) => {
  if (type !== OktaType.serverPolicy) return [];
  const violations: Violation[] = [];
  const description = asString(props.description);
  if (description === undefined || description.trim() === "") {
    violations.push({
      property: "description",
      message:
        `description is ${show(props.description)}; accepted: 1 to ${POLICY_DESCRIPTION_MAX} characters. ` +
        `The provider drops an empty description, and Okta rejects the policy at apply time.`,
    });
  } else if (description.length > POLICY_DESCRIPTION_MAX) {
    violations.push({
      property: "description",
      message:
        `description is ${description.length} characters long; accepted: 1 to ${POLICY_DESCRIPTION_MAX}. ` +
        `Okta rejects a longer description at apply time.`,
    });
  }
  const name = asString(props.name);
  if (name !== undefined && name.length > POLICY_NAME_MAX) {
    violations.push({
      property: "name",
      message:
        `name is ${name.length} characters long; accepted: 1 to ${POLICY_NAME_MAX}. Okta rejects a longer ` +
        `policy name at apply time.`,
    });
  }
  return violations;
};

// ---------------------------------------------------------------------------
// okta.auth.ServerScope

/**
 * Okta grants default scopes to any request that names no scope, so a
 * default `toolhive:config:read` would reach every client of the server
 * without being asked for. Stacklok's runbook creates it as non-default.
 */
export const requiredScopeIsNotDefault: Check = (type, props) => {
  if (type !== OktaType.serverScope || props.name !== REQUIRED_SCOPE || props.default !== true) return [];
  return [
    {
      property: "default",
      message:
        `default is true on the "${REQUIRED_SCOPE}" scope; accepted: false (or unset). A default scope is granted ` +
        `to any token request that names no scope, so every client of this server would get the Enterprise ` +
        `Manager's configuration permission without asking for it; the Stacklok CLI requests it explicitly.`,
    },
  ];
};

/** Okta: "It's unsupported to set both optional and default to true" (SC-06). */
export const scopeIsNotBothDefaultAndOptional: Check = (type, props) => {
  if (type !== OktaType.serverScope || props.default !== true || props.optional !== true) return [];
  return [
    {
      property: "optional",
      message:
        `default and optional are both true on scope ${show(props.name)}; accepted: at most one of them true. ` +
        `Okta treats them as mutually exclusive and rejects the scope at apply time.`,
    },
  ];
};

// ---------------------------------------------------------------------------
// okta.auth.ServerClaim

/**
 * The platform components read `groups`, `roles` and `email` from the access
 * token (they never see the ID token), so these claims must be RESOURCE
 * (access-token) claims.
 */
export const platformClaimIsAccessTokenClaim: Check = (type, props, context) => {
  if (type !== OktaType.serverClaim) return [];
  const name = asString(props.name);
  if (name === undefined || !context.platformClaimNames.includes(name)) return [];
  if (props.claimType === Okta.claimType.accessToken) return [];
  return [
    {
      property: "claimType",
      message:
        `claimType is ${show(props.claimType)} on the "${name}" claim; accepted: "${Okta.claimType.accessToken}". ` +
        `The Stacklok components validate the access token and read this claim from it; ` +
        `"${Okta.claimType.idToken}" puts it only in the ID token, which they never see.`,
    },
  ];
};

const USER_GROUPS_EXPRESSION = /^\s*user\.groups\s*$/;

/**
 * A claim's value must mean what it says: GROUPS claims need a group filter,
 * EXPRESSION claims must not have one (CL-04), and `user.groups` is not Okta
 * Expression Language (there is no `groups` profile attribute).
 */
export const claimValueIsValid: Check = (type, props) => {
  if (type !== OktaType.serverClaim) return [];
  const valueType = asString(props.valueType) ?? Okta.claimValueType.expression;
  const filter = props.groupFilterType;
  const violations: Violation[] = [];
  if (valueType === Okta.claimValueType.groups && (filter === undefined || filter === "")) {
    violations.push({
      property: "groupFilterType",
      message:
        `groupFilterType is unset on a ${Okta.claimValueType.groups} claim; accepted: ${quoteList(OktaEnum.groupFilterType)}. ` +
        `A ${Okta.claimValueType.groups} claim's value is a filter pattern, and Okta needs to know how to match it ` +
        `(use "${Okta.groupFilterType.regex}" with value ".*" for every group).`,
    });
  }
  if (valueType === Okta.claimValueType.expression && filter !== undefined && filter !== "") {
    violations.push({
      property: "groupFilterType",
      message:
        `groupFilterType is ${show(filter)} on an ${Okta.claimValueType.expression} claim; accepted: unset. ` +
        `Okta applies a group filter only to ${Okta.claimValueType.groups} claims; for an expression claim it is rejected or ignored.`,
    });
  }
  const value = asString(props.value);
  if (valueType === Okta.claimValueType.expression && value !== undefined && USER_GROUPS_EXPRESSION.test(value)) {
    violations.push({
      property: "value",
      message:
        `value is "${value.trim()}"; that is not valid Okta Expression Language: user.<attr> reads a user-profile ` +
        `attribute and there is no "groups" attribute, so the claim would be empty or fail the token request. ` +
        `Accepted: valueType "${Okta.claimValueType.groups}" with groupFilterType "${Okta.groupFilterType.regex}" and value ".*", ` +
        `or an expression such as user.getGroups({'group.type': {'OKTA_GROUP'}}).![name].`,
    });
  }
  return violations;
};

// ---------------------------------------------------------------------------
// okta.AuthServerDefault

/**
 * Adopting Okta's `default` server: the provider looks the server up by
 * `name` (an autonamed `<logical>-1a2b3c4` is a 404, any other name renames
 * the server), and its `credentialsRotationMode` default is MANUAL (ASD-01..03).
 */
export const defaultServerIsAdoptedSafely: Check = (type, props) => {
  if (type !== OktaType.authServerDefault) return [];
  const violations: Violation[] = [];
  if (props.name !== DEFAULT_SERVER_NAME) {
    violations.push({
      property: "name",
      message:
        `name is ${show(props.name)}; accepted: "${DEFAULT_SERVER_NAME}". The provider uses name as the id of the ` +
        `server to adopt: any other value fails with a 404 at apply time or renames Okta's default server.`,
    });
  }
  if (props.credentialsRotationMode !== Okta.credentialsRotationMode.auto) {
    violations.push({
      property: "credentialsRotationMode",
      message:
        `credentialsRotationMode is ${show(props.credentialsRotationMode)}; accepted: "${Okta.credentialsRotationMode.auto}". ` +
        `For AuthServerDefault the provider sends "${Okta.credentialsRotationMode.manual}" when this is unset, which ` +
        `switches the default server to manual signing-key rotation or leaves a perpetual diff.`,
    });
  }
  return violations;
};

// ---------------------------------------------------------------------------
// Pulumi autonaming

/** What `name` is in Okta for each autonamed resource type, to say why a random suffix hurts. */
const NAMED_TYPES: Readonly<Record<string, string>> = {
  [OktaType.serverScope]: "the scope string clients request and find in scp",
  [OktaType.serverClaim]: "the claim's key in the token",
  [OktaType.serverPolicy]: "the access policy's name in Okta",
  [OktaType.serverPolicyRule]: "the rule's name in Okta",
  [OktaType.authServer]: "the authorization server's name in Okta",
  [OktaType.authServerDefault]: `the id of the server to adopt ("${DEFAULT_SERVER_NAME}")`,
  [OktaType.group]: "the group name, which is what a GROUPS claim carries",
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Pulumi fills an omitted `name` with `<logical name>-<7 hex>` in the
 * provider's Check, before the policy analyzer sees the inputs, so "unset"
 * shows up as a name with a random suffix.
 */
export const nameIsExplicit: Check = (type, props, context) => {
  const meaning = NAMED_TYPES[type];
  if (meaning === undefined) return [];
  const name = asString(props.name);
  if (name === undefined || name === "") {
    return [
      {
        property: "name",
        message: `name is ${show(props.name)}; accepted: an explicit name. It is ${meaning}.`,
      },
    ];
  }
  const autonamed = new RegExp(`^${escapeRegExp(context.logicalName)}-[0-9a-f]{7}$`);
  if (context.logicalName === "" || !autonamed.test(name)) return [];
  return [
    {
      property: "name",
      message:
        `name is "${name}", which Pulumi auto-generated from the logical name "${context.logicalName}" because name ` +
        `was not set; accepted: an explicit name. It is ${meaning}, so a random suffix breaks every client ` +
        `and component that expects the real name.`,
    },
  ];
};

// ---------------------------------------------------------------------------
// Enum spelling

/** Enum-valued inputs per type token, with every value the API accepts. */
const ENUM_INPUTS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  [OktaType.oauthApp]: {
    type: OktaEnum.appType,
    grantTypes: OktaEnum.grantType,
    responseTypes: OktaEnum.responseType,
    tokenEndpointAuthMethod: OktaEnum.tokenEndpointAuthMethod,
    wildcardRedirect: OktaEnum.wildcardRedirect,
    issuerMode: OktaEnum.issuerMode,
    consentMethod: OktaEnum.consentMethod,
    loginMode: OktaEnum.loginMode,
    refreshTokenRotation: OktaEnum.refreshTokenRotation,
    status: OktaEnum.status,
  },
  [OktaType.serverPolicyRule]: {
    grantTypeWhitelists: OktaEnum.grantType,
    groupWhitelists: OktaEnum.groupWhitelist,
    type: OktaEnum.policyRuleType,
    status: OktaEnum.status,
  },
  [OktaType.serverPolicy]: {
    clientWhitelists: OktaEnum.clientWhitelist,
    status: OktaEnum.status,
  },
  [OktaType.serverScope]: {
    consent: OktaEnum.scopeConsent,
    metadataPublish: OktaEnum.scopeMetadataPublish,
  },
  [OktaType.serverClaim]: {
    claimType: OktaEnum.claimType,
    valueType: OktaEnum.claimValueType,
    groupFilterType: OktaEnum.groupFilterType,
    status: OktaEnum.status,
  },
  [OktaType.authServerDefault]: {
    credentialsRotationMode: OktaEnum.credentialsRotationMode,
    issuerMode: OktaEnum.issuerMode,
    status: OktaEnum.status,
  },
  [OktaType.authServer]: {
    credentialsRotationMode: OktaEnum.credentialsRotationMode,
    issuerMode: OktaEnum.issuerMode,
    status: OktaEnum.status,
  },
};

/** Folds spelling: `authorizationCode`, `client*secret*basic` and `AUTHORIZATION-CODE` all meet `authorization_code`. */
function spellingKey(value: string): string {
  return value.toLowerCase().replace(/[_*\-\s]/g, "");
}

/** The real API value `value` is a misspelling of, or undefined when it is exact or unrelated. */
export function realEnumValue(value: string, accepted: readonly string[]): string | undefined {
  if (accepted.includes(value)) return undefined;
  return accepted.find((real) => spellingKey(real) === spellingKey(value));
}

/**
 * The `@pulumi/okta` doc comments render enum values camelCased
 * (`authorizationCode`, `idToken`, `client*secret*basic`); the API needs the
 * real snake_case / UPPER_CASE values and rejects or ignores the others.
 * Values that are not a spelling of a known value (client IDs, group IDs,
 * Early Access grants) are left alone.
 */
export const enumValuesAreApiValues: Check = (type, props) => {
  const inputs = ENUM_INPUTS[type];
  if (inputs === undefined) return [];
  const violations: Violation[] = [];
  for (const [property, accepted] of Object.entries(inputs)) {
    const raw = props[property];
    const values = typeof raw === "string" ? [raw] : (asStrings(raw) ?? []);
    for (const value of values) {
      const real = realEnumValue(value, accepted);
      if (real === undefined) continue;
      violations.push({
        property,
        message:
          `${property} has "${value}"; the Okta API value is "${real}". The @pulumi/okta docs render enum values ` +
          `camelCased, but the API only accepts its own spelling (one of ${quoteList(accepted)}).`,
      });
    }
  }
  return violations;
};
