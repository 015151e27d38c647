/**
 * Okta's OAuth errors, with Okta's exact `error` and `error_description`
 * texts. Texts come from Okta's published OAuth error catalogue
 * (okta/okta-developer-docs, `packages/@okta/vuepress-site/data/oauth2-error-codes.json`),
 * or are marked ASSUMPTION where the catalogue has no entry for the case.
 */

export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "invalid_scope"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "unsupported_response_type"
  | "access_denied"
  | "login_required"
  | "server_error"
  | "invalid_token"
  | "insufficient_scope";

/** An OAuth error as Okta delivers it: a JSON body at the token endpoint, or `error`/`error_description` on the redirect. */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    /** The HTTP status Okta answers with when the error is not delivered by redirect. */
    readonly status: number = 400,
  ) {
    super(`${error}: ${description}`);
    this.name = "OAuthError";
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

/** Okta renders lists in its messages as Java's List#toString: `[a, b]` (okta/okta-mobile-kotlin#224 shows `[refresh_token, authorization_code]`). */
export function oktaList(items: readonly string[]): string {
  return `[${items.join(", ")}]`;
}

/** The catalogue entries okta-local raises, named after the situation Okta describes. */
export const OktaOAuthErrors = {
  userNotAssigned: () => new OAuthError("access_denied", "User is not assigned to the client application."),
  noMatchingPolicy: () =>
    new OAuthError("access_denied", "Policy evaluation failed for this request, please check the policy configurations.", 401),
  scopeNotConfigured: () =>
    new OAuthError("invalid_scope", "One or more scopes are not configured for the authorization server resource."),
  noScopeAndNoDefault: () =>
    new OAuthError(
      "invalid_scope",
      "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
    ),
  grantTypeNotAllowed: (configured: readonly string[]) =>
    new OAuthError(
      "unauthorized_client",
      `The client is not authorized to use the provided grant type. Configured grant types: ${oktaList(configured)}.`,
    ),
  responseTypeNotAllowed: (configured: readonly string[]) =>
    new OAuthError(
      "unsupported_response_type",
      `The response type is not supported by the authorization server. Configured response types: ${oktaList(configured)}.`,
    ),
  pkceRequired: () => new OAuthError("invalid_request", "PKCE code challenge is required by the application."),
  // ASSUMPTION: the catalogue has no text for a method other than S256; Okta's
  // OAuth spec lists S256 as the only accepted code_challenge_method.
  pkceMethodUnsupported: (method: string) =>
    new OAuthError("invalid_request", `The 'code_challenge_method' parameter value '${method}' is not supported; only 'S256' is.`),
  // ASSUMPTION: Okta requires `state` on every request (its OAuth spec); the
  // catalogue's text for the missing parameter is not recorded.
  stateRequired: () => new OAuthError("invalid_request", "The 'state' parameter is required."),
  openidRequiredForIdToken: () =>
    new OAuthError("invalid_scope", "Requests for ID tokens or access tokens with OpenID scopes require the 'openid' scope."),
  loginRequired: () => new OAuthError("login_required", "The client specified not to prompt, but the user is not logged in."),
  tooManyGroups: () =>
    new OAuthError("server_error", "The groups claim matched too many groups and must be configured to match fewer groups."),

  codeInvalid: () => new OAuthError("invalid_grant", "The authorization code is invalid or has expired."),
  redirectUriMismatch: () =>
    new OAuthError("invalid_grant", "The 'redirect_uri' does not match the redirection URI used in the authorization request."),
  pkceVerificationFailed: () => new OAuthError("invalid_grant", "PKCE verification failed."),
  refreshTokenInvalid: () => new OAuthError("invalid_grant", "The refresh token is invalid or expired."),
  refreshScopesNotGranted: (denied: readonly string[]) =>
    new OAuthError(
      "access_denied",
      `Some of the scopes requested for the refresh request were not granted in the original authorize request. Denied scopes: ${oktaList(denied)}.`,
    ),

  noClientCredentials: () => new OAuthError("invalid_client", "No client credentials found.", 401),
  clientAuthenticationFailed: () =>
    new OAuthError("invalid_client", "Client authentication failed. Either the client or the client credentials are invalid.", 401),
  clientSecretInvalid: () => new OAuthError("invalid_client", "The client secret supplied for a confidential client is invalid.", 401),
  invalidClientId: () => new OAuthError("invalid_client", "Invalid value for 'client_id' parameter.", 401),
  // The catalogue lists this one at 401 (Okta's OAuth spec shows 400); the
  // list of methods after the colon is an ASSUMPTION.
  multipleClientCredentials: () =>
    new OAuthError(
      "invalid_request",
      "Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.",
      401,
    ),
  // ASSUMPTION: RFC 6749 section 5.2 texts; Okta's are not recorded.
  unsupportedGrantType: (grantType: string) =>
    new OAuthError("unsupported_grant_type", `The grant type '${grantType}' is not supported by okta-local.`),
  missingParameter: (name: string) => new OAuthError("invalid_request", `The '${name}' parameter is required.`),

  /** The error page Okta shows for a redirect URI that is not registered (backstage/backstage#12006). */
  redirectUriNotRegistered: () =>
    new OAuthError("invalid_request", "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings"),
  postLogoutRedirectUriNotRegistered: () =>
    new OAuthError(
      "invalid_request",
      "The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client app settings",
    ),
  // ASSUMPTION: text of the logout error page for a bad id_token_hint.
  idTokenHintInvalid: () => new OAuthError("invalid_request", "The 'id_token_hint' parameter is invalid or missing."),

  /** `/v1/userinfo` answers these in `WWW-Authenticate` (Okta's OIDC reference). */
  accessTokenInvalid: () => new OAuthError("invalid_token", "The access token is invalid", 401),
  userinfoInsufficientScope: () =>
    new OAuthError(
      "insufficient_scope",
      "The access token must provide access to at least one of these scopes - profile, email, address or phone",
      403,
    ),
} as const;

/** okta-local's answer for an OAuth feature it does not emulate: Okta's OAuth error shape, status 501. */
export function notEmulated(what: string): OAuthError {
  return new OAuthError("server_error", `okta-local does not emulate ${what}.`, 501);
}
