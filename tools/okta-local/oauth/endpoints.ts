/**
 * Discovery, `/v1/userinfo`, `/v1/logout`, `/v1/introspect` and `/v1/revoke`.
 */
import type { OrgState } from "../store";
import { authenticateClient } from "./client-auth";
import { identityClaims } from "./claims";
import { OktaOAuthErrors } from "./errors";
import { appPostLogoutRedirectUris, at, endpointBase, oidcApp, str, strings, type ResolvedServer } from "./org";
import { OIDC_SCOPES } from "./policy";
import { revokedByReuse, verifyOwnJwt } from "./tokens";
import type { OAuthStore } from "./token";
import { redirectWith } from "./authorize";

/** The claims Okta lists in a custom server's OAuth metadata (Okta's OAuth spec). */
const ACCESS_TOKEN_CLAIMS = ["ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "sub"];
const ID_TOKEN_CLAIMS = [
  "iss", "ver", "sub", "aud", "iat", "exp", "jti", "auth_time", "amr", "idp", "nonce", "name", "nickname",
  "preferred_username", "given_name", "middle_name", "family_name", "email", "email_verified", "profile",
  "zoneinfo", "locale", "address", "phone_number", "picture", "website", "gender", "birthdate", "updated_at",
  "at_hash", "c_hash",
];

/**
 * Both discovery documents, with Okta's keys (Okta's OAuth spec,
 * `/.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`).
 * Custom scopes appear only when `metadataPublish` is `ALL_CLIENTS` ("Custom
 * scopes are returned only when they are configured to be publicly
 * discoverable"); custom claims never do. The grant and response types list
 * only what okta-local emulates.
 */
export function discoveryDocument(state: OrgState, server: ResolvedServer, issuer: string, orgUrl: string, kind: "openid" | "oauth"): object {
  const base = endpointBase(server, orgUrl);
  const scopes = server.isOrgServer
    ? [...OIDC_SCOPES]
    : Object.values(state.scopes[server.id] ?? {})
        .filter((s) => s.system === true || s.metadataPublish === "ALL_CLIENTS")
        .map((s) => str(s.name) ?? "");
  const authMethods = ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"];
  const document: Record<string, unknown> = {
    issuer,
    authorization_endpoint: `${base}/v1/authorize`,
    token_endpoint: `${base}/v1/token`,
    ...(kind === "openid" ? { userinfo_endpoint: `${base}/v1/userinfo` } : {}),
    registration_endpoint: `${orgUrl}/oauth2/v1/clients`,
    jwks_uri: `${base}/v1/keys`,
    response_types_supported: ["code"],
    response_modes_supported: ["query", "fragment", "form_post", "okta_post_message"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    subject_types_supported: ["public"],
    ...(kind === "openid" ? { id_token_signing_alg_values_supported: ["RS256"] } : {}),
    scopes_supported: scopes,
    token_endpoint_auth_methods_supported: authMethods,
    claims_supported: kind === "openid" ? ID_TOKEN_CLAIMS : ACCESS_TOKEN_CLAIMS,
    code_challenge_methods_supported: ["S256"],
    introspection_endpoint: `${base}/v1/introspect`,
    introspection_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint: `${base}/v1/revoke`,
    revocation_endpoint_auth_methods_supported: authMethods,
    end_session_endpoint: `${base}/v1/logout`,
    request_parameter_supported: true,
    request_object_signing_alg_values_supported: ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512"],
    device_authorization_endpoint: `${base}/v1/device/authorize`,
    pushed_authorization_request_endpoint: `${base}/v1/par`,
  };
  return document;
}

export type UserinfoResult = { status: 200; body: Record<string, unknown> } | { status: 401 | 403; wwwAuthenticate: string };

function bearerChallenge(error: string, description: string): string {
  return `Bearer error="${error}", error_description="${description}"`;
}

/**
 * `/v1/userinfo` (Okta's former OIDC reference): the user's id as `sub` and
 * the IDENTITY claims of the granted profile/email/address/phone scopes; 401
 * for a bad token, 403 when none of those scopes was granted.
 */
export async function userinfo(state: OrgState, server: ResolvedServer, issuer: string, authorization: string | undefined, now: number): Promise<UserinfoResult> {
  const invalid = OktaOAuthErrors.accessTokenInvalid();
  const unauthorized = { status: 401 as const, wwwAuthenticate: bearerChallenge(invalid.error, invalid.description) };
  const token = /^Bearer\s+(\S+)$/iu.exec(authorization ?? "")?.[1];
  if (token === undefined) return unauthorized;

  let userId: string | undefined;
  let clientId: string | undefined;
  let scopes: string[] = [];
  if (server.isOrgServer) {
    const record = state.oauth.orgAccessTokens[token];
    if (record !== undefined && now < record.expiresAt && !revokedByReuse(state, token)) ({ userId, clientId, scopes } = record);
  } else {
    const payload = await verifyOwnJwt(state, server.id, issuer, token, { now });
    if (payload !== undefined && !revokedByReuse(state, payload.jti)) {
      userId = str(payload.uid);
      clientId = str(payload.cid);
      scopes = strings(payload.scp);
    }
  }
  const user = userId === undefined ? undefined : state.users[userId];
  if (userId === undefined || clientId === undefined || user === undefined) return unauthorized;
  if (!scopes.some((s) => ["profile", "email", "address", "phone"].includes(s))) {
    const insufficient = OktaOAuthErrors.userinfoInsufficientScope();
    return { status: 403, wwwAuthenticate: bearerChallenge(insufficient.error, insufficient.description) };
  }
  const subject = { userId, user, clientId, appUserName: str(at(user, "profile", "login")) ?? userId };
  const claims = identityClaims(state, server.isOrgServer ? undefined : server.id, subject, scopes, "userinfo");
  return { status: 200, body: { sub: userId, ...claims } };
}

export type LogoutResult = { redirect: string } | { errorPage: ReturnType<typeof OktaOAuthErrors.idTokenHintInvalid> };

/**
 * `/v1/logout` (Okta's former OIDC reference): `id_token_hint` is required;
 * `post_logout_redirect_uri` must be one of the app's logout redirect URIs
 * exactly. okta-local keeps no session, so there is nothing to end.
 * ASSUMPTION: without a post_logout_redirect_uri it sends the browser to the
 * org's root, where Okta shows its sign-in page.
 */
export async function logout(state: OrgState, server: ResolvedServer, issuer: string, orgUrl: string, params: Record<string, string | undefined>, now: number): Promise<LogoutResult> {
  const hint = params.id_token_hint;
  const payload = hint === undefined ? undefined : await verifyOwnJwt(state, server.id, issuer, hint, { now, allowExpired: true });
  const app = oidcApp(state, str(payload?.aud) ?? "");
  if (payload === undefined || app === undefined) return { errorPage: OktaOAuthErrors.idTokenHintInvalid() };
  const target = params.post_logout_redirect_uri;
  if (target === undefined) return { redirect: `${orgUrl}/` };
  if (!appPostLogoutRedirectUris(app).includes(target) || !URL.canParse(target)) return { errorPage: OktaOAuthErrors.postLogoutRedirectUriNotRegistered() };
  return { redirect: redirectWith(target, params.state, {}) };
}

/**
 * `/v1/introspect` (RFC 7662, Okta's OAuth spec): the client that the token
 * was issued to may introspect it; an access token of a family revoked by
 * refresh-token reuse reads as inactive. ASSUMPTION: another client's token reads
 * as inactive.
 */
export async function introspect(store: OAuthStore, server: ResolvedServer, issuer: string, form: Record<string, string | undefined>, authorization: string | undefined, now: number): Promise<Record<string, unknown>> {
  const state = store.state;
  const { clientId } = authenticateClient(state, form, authorization);
  const token = form.token;
  if (token === undefined || token === "") throw OktaOAuthErrors.missingParameter("token");
  const refresh = state.oauth.refreshTokens[token];
  if (refresh !== undefined) {
    const active = !refresh.revoked && refresh.clientId === clientId && refresh.serverId === server.id && (refresh.expiresAt === undefined || now < refresh.expiresAt);
    if (!active) return { active: false };
    const user = state.users[refresh.userId];
    return {
      active: true,
      token_type: "refresh_token",
      scope: refresh.scopes.join(" "),
      client_id: clientId,
      username: str(at(user, "profile", "login")),
      ...(refresh.expiresAt === undefined ? {} : { exp: Math.floor(refresh.expiresAt) }),
      sub: str(at(user, "profile", "login")),
      uid: refresh.userId,
    };
  }
  if (server.isOrgServer) {
    const record = state.oauth.orgAccessTokens[token];
    if (record === undefined || record.clientId !== clientId || now >= record.expiresAt || revokedByReuse(state, token)) return { active: false };
    const user = state.users[record.userId];
    return { active: true, token_type: "Bearer", scope: record.scopes.join(" "), client_id: clientId, username: str(at(user, "profile", "login")), exp: record.expiresAt, uid: record.userId };
  }
  const payload = await verifyOwnJwt(state, server.id, issuer, token, { now });
  if (payload === undefined || payload.cid !== clientId || revokedByReuse(state, payload.jti)) return { active: false };
  return {
    active: true,
    token_type: "Bearer",
    scope: strings(payload.scp).join(" "),
    client_id: clientId,
    username: payload.sub,
    exp: payload.exp,
    iat: payload.iat,
    sub: payload.sub,
    aud: payload.aud,
    iss: payload.iss,
    jti: payload.jti,
    uid: payload.uid,
  };
}

/**
 * `/v1/revoke` (RFC 7009): answers 200 whether or not the token was known.
 * Refresh tokens and the org server's opaque access tokens are revoked;
 * a custom server's JWT access token cannot be recalled and stays valid
 * until it expires (not emulated).
 */
export function revoke(store: OAuthStore, form: Record<string, string | undefined>, authorization: string | undefined): void {
  const { clientId } = authenticateClient(store.state, form, authorization);
  const token = form.token;
  if (token === undefined || token === "") throw OktaOAuthErrors.missingParameter("token");
  store.mutate((s) => {
    const refresh = s.oauth.refreshTokens[token];
    if (refresh !== undefined && refresh.clientId === clientId) refresh.revoked = true;
    if (s.oauth.orgAccessTokens[token]?.clientId === clientId) delete s.oauth.orgAccessTokens[token];
  });
}
