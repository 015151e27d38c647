/**
 * `/v1/authorize` for the authorization-code flow: the request checks Okta
 * makes before anyone signs in, the sign-in of a seeded user, and the code.
 *
 * Errors reach the client as Okta delivers them: a bad client_id or
 * redirect_uri gets an error page (never a redirect to an unregistered URI);
 * everything else is a redirect carrying `state`, `error` and
 * `error_description` (developer.okta.com/docs/reference/error-codes/).
 */
import type { AuthorizationCodeGrant, OktaJson, OrgState } from "../store";
import { OAuthError, OktaOAuthErrors, notEmulated } from "./errors";
import {
  appGrantTypes,
  appRedirectUris,
  appRequiresPkce,
  appResponseTypes,
  at,
  findUserByLogin,
  groupIdsOfUser,
  groupName,
  isEveryoneGroup,
  oidcApp,
  type ResolvedServer,
} from "./org";
import type { DemoAccount } from "./pages";
import { assertScopesExist, evaluateAccessPolicies, requestedScopes } from "./policy";
import { opaqueToken } from "./tokens";

/** "The code lives 300 s" (Okta's OAuth spec for `/v1/token`). */
export const AUTHORIZATION_CODE_LIFETIME_SECONDS = 300;


export type AuthorizeParams = Record<string, string | undefined>;

/** An error Okta shows as a page instead of redirecting. */
export class ErrorPageError extends Error {
  constructor(readonly oauth: OAuthError) {
    super(oauth.message);
    this.name = "ErrorPageError";
  }
}

/** An error delivered to the client's redirect URI. */
export class RedirectError extends Error {
  constructor(
    readonly oauth: OAuthError,
    readonly redirectUri: string,
    readonly state: string | undefined,
  ) {
    super(oauth.message);
    this.name = "RedirectError";
  }
}

export interface PendingAuthorization {
  clientId: string;
  app: OktaJson;
  redirectUri: string;
  state: string;
  scopes: string[];
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

/**
 * Exact match (Okta's OAuth spec: the redirect_uri "must match the value
 * preregistered"). A `*` in the first host label is honoured only on apps
 * with `wildcard_redirect: "SUBDOMAIN"`, the only apps such URIs were
 * recorded on (ASSUMPTION beyond that).
 */
export function isRegisteredRedirectUri(app: OktaJson, redirectUri: string): boolean {
  const registered = appRedirectUris(app);
  if (registered.includes(redirectUri)) return true;
  if (at(app, "settings", "oauthClient", "wildcard_redirect") !== "SUBDOMAIN") return false;
  return registered
    .filter((uri) => uri.includes("://*."))
    .some((uri) => {
      const [scheme, rest] = uri.split("://*.") as [string, string];
      const pattern = `^${escapeRegex(scheme)}://[^./:]+\\.${escapeRegex(rest)}$`;
      return new RegExp(pattern, "u").test(redirectUri);
    });
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/gu, "\\$&");
}

/** The checks Okta makes before showing the sign-in page, in the order the failures are delivered. */
export function validateAuthorizeRequest(state: OrgState, server: ResolvedServer, params: AuthorizeParams): PendingAuthorization {
  const clientId = params.client_id ?? "";
  const app = oidcApp(state, clientId);
  // ASSUMPTION: an unknown or inactive client gets the error page too; no
  // recording shows which Okta does.
  if (app === undefined || app.status !== "ACTIVE") throw new ErrorPageError(OktaOAuthErrors.invalidClientId());
  const redirectUri = params.redirect_uri ?? "";
  // A stored URI that does not parse (an old state file) cannot be redirected to either.
  if (!isRegisteredRedirectUri(app, redirectUri) || !URL.canParse(redirectUri)) throw new ErrorPageError(OktaOAuthErrors.redirectUriNotRegistered());
  // Okta supports fragment, form_post and okta_post_message too; okta-local answers 501 for them (shown as the error page).
  if (params.response_mode !== undefined && params.response_mode !== "query") {
    throw new ErrorPageError(notEmulated(`response_mode '${params.response_mode}'`));
  }

  const fail = (error: OAuthError): never => {
    throw new RedirectError(error, redirectUri, params.state);
  };
  const responseType = params.response_type ?? "";
  if (!appResponseTypes(app).includes(responseType)) fail(OktaOAuthErrors.responseTypeNotAllowed(appResponseTypes(app)));
  if (responseType !== "code") fail(notEmulated(`response_type '${responseType}' (only 'code' is)`));
  if (!appGrantTypes(app).includes("authorization_code")) fail(OktaOAuthErrors.grantTypeNotAllowed(appGrantTypes(app)));
  if (params.state === undefined || params.state === "") fail(OktaOAuthErrors.stateRequired());

  const challenge = params.code_challenge;
  if (challenge !== undefined) {
    // Okta accepts S256 only (Okta's OAuth spec, `code_challenge_method` enum);
    // a missing method would mean `plain` (RFC 7636 section 4.3).
    const method = params.code_challenge_method ?? "plain";
    if (method !== "S256") fail(OktaOAuthErrors.pkceMethodUnsupported(method));
  } else if (appRequiresPkce(app)) {
    fail(OktaOAuthErrors.pkceRequired());
  }

  let scopes: string[] = [];
  try {
    scopes = requestedScopes(state, server, params.scope);
    assertScopesExist(state, server, scopes);
  } catch (error) {
    if (error instanceof OAuthError) fail(error);
    throw error;
  }
  // okta-local keeps no browser session, so there is never a user to skip the prompt for.
  if (params.prompt === "none") fail(OktaOAuthErrors.loginRequired());

  const pending: PendingAuthorization = { clientId, app, redirectUri, state: params.state ?? "", scopes };
  if (params.nonce !== undefined) pending.nonce = params.nonce;
  if (challenge !== undefined) {
    pending.codeChallenge = challenge;
    pending.codeChallengeMethod = "S256";
  }
  return pending;
}

/** The parameters the sign-in form carries back, hidden. */
export function pendingParams(params: AuthorizeParams): Record<string, string> {
  const carried: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && name !== "username" && name !== "password") carried[name] = value;
  }
  return carried;
}

/** A demo seed's user as the seed names them. */
export interface SeededAccount {
  login: string;
  password: string;
  firstName: string;
  lastName: string;
}

/**
 * The demo seed's users the sign-in page lists: those that can still sign in
 * with the seeded password (a user deleted, deactivated or given another
 * password since is left out), with the groups they are in now.
 */
export function demoAccounts(state: OrgState, seeded: readonly SeededAccount[]): DemoAccount[] {
  const accounts: DemoAccount[] = [];
  for (const account of seeded) {
    const userId = signIn(state, account.login, account.password);
    if (userId === undefined) continue;
    const groups = groupIdsOfUser(state, userId)
      .filter((groupId) => !isEveryoneGroup(state.groups[groupId] ?? {}))
      .map((groupId) => groupName(state, groupId) ?? groupId)
      .sort();
    accounts.push({ name: `${account.firstName} ${account.lastName}`, login: account.login, password: account.password, groups });
  }
  return accounts;
}

/** A seeded user's sign-in: an ACTIVE user whose password matches. */
export function signIn(state: OrgState, username: string, password: string): string | undefined {
  const found = findUserByLogin(state, username);
  if (found === undefined) return undefined;
  if (found.user.status !== undefined && found.user.status !== "ACTIVE") return undefined;
  return state.passwords[found.id] === password ? found.id : undefined;
}

/** Okta's redirect: `state` first, then the result (as in the recorded redirects). */
export function redirectWith(redirectUri: string, state: string | undefined, values: Record<string, string>): string {
  const url = new URL(redirectUri);
  if (state !== undefined) url.searchParams.set("state", state);
  for (const [name, value] of Object.entries(values)) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * After sign-in: assignment and access policies (evaluated once, here: for
 * the code flow "the policy isn't evaluated again" at `/token`, Okta's former
 * OIDC reference), then a single-use code bound to the request.
 */
export function issueAuthorizationCode(
  state: OrgState,
  server: ResolvedServer,
  pending: PendingAuthorization,
  userId: string,
  now: number,
): AuthorizationCodeGrant {
  let decision;
  try {
    decision = evaluateAccessPolicies(state, server, {
      clientId: pending.clientId,
      userId,
      grantType: "authorization_code",
      scopes: pending.scopes,
    });
  } catch (error) {
    if (error instanceof OAuthError) throw new RedirectError(error, pending.redirectUri, pending.state);
    throw error;
  }
  const grant: AuthorizationCodeGrant = {
    code: opaqueToken(32),
    serverId: server.id,
    clientId: pending.clientId,
    userId,
    redirectUri: pending.redirectUri,
    scopes: pending.scopes,
    expiresAt: now + AUTHORIZATION_CODE_LIFETIME_SECONDS,
    used: false,
    authTime: Math.floor(now),
  };
  if (pending.codeChallenge !== undefined) grant.codeChallenge = pending.codeChallenge;
  if (pending.codeChallengeMethod !== undefined) grant.codeChallengeMethod = pending.codeChallengeMethod;
  if (pending.nonce !== undefined) grant.nonce = pending.nonce;
  if (decision.policyId !== undefined) grant.policyId = decision.policyId;
  if (decision.ruleId !== undefined) grant.ruleId = decision.ruleId;
  return grant;
}
