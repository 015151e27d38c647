/**
 * `/v1/token`: the `authorization_code` and `refresh_token` grants, and the
 * tokens Okta returns for them.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { AuthorizationCodeGrant, OrgState, RefreshTokenGrant } from "../store";
import { authenticateClient } from "./client-auth";
import { accessTokenClaims, identityClaims, type ClaimSubject } from "./claims";
import { OktaOAuthErrors, notEmulated } from "./errors";
import { appGrantTypes, appRefreshRotation, audienceOf, at, str, type ResolvedServer } from "./org";
import { lifetimesOfGrant, type TokenLifetimes } from "./policy";
import { ID_TOKEN_LIFETIME_SECONDS, atHash, opaqueToken, signJwt, tokenId } from "./tokens";

/** What the OAuth layer needs from the store: the state, and atomic changes to it. */
export interface OAuthStore {
  readonly state: OrgState;
  mutate(change: (state: OrgState) => void): unknown;
}


export interface TokenContext {
  store: OAuthStore;
  server: ResolvedServer;
  issuer: string;
  /** Epoch seconds, fractional. */
  now: number;
  log: (message: string) => void;
}

/** Okta's success body (Okta's OAuth spec, `/v1/token`). */
export interface TokenResponse {
  token_type: "Bearer";
  expires_in: number;
  access_token: string;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

export type TokenForm = Record<string, string | undefined>;

interface Issue {
  clientId: string;
  userId: string;
  scopes: string[];
  lifetimes: TokenLifetimes;
  authTime: number;
  nonce?: string;
  refreshToken?: string;
  /** The refresh-token family the access token is issued with: reuse detection invalidates it. */
  familyId?: string;
}

function claimSubject(state: OrgState, userId: string, clientId: string): ClaimSubject {
  const user = state.users[userId];
  if (user === undefined) throw OktaOAuthErrors.codeInvalid();
  // ASSUMPTION: the app username is the login (Okta's default template `${source.login}`).
  return { userId, user, clientId, appUserName: str(at(user, "profile", "login")) ?? userId };
}

/** Mints the access token (JWT, or opaque for the org server), and the ID token when `openid` was granted. */
async function issueTokens(context: TokenContext, issue: Issue): Promise<TokenResponse> {
  const { store, server, issuer } = context;
  const now = Math.floor(context.now);
  const state = store.state;
  const subject = claimSubject(state, issue.userId, issue.clientId);
  const expiresIn = issue.lifetimes.accessTokenMinutes * 60;

  let accessToken: string;
  const accessTokenJti = tokenId("AT.");
  if (server.isOrgServer) {
    // The org server's access tokens are for Okta's own APIs and opaque to clients.
    accessToken = opaqueToken(48);
    const record = { userId: issue.userId, clientId: issue.clientId, scopes: issue.scopes, expiresAt: now + expiresIn };
    store.mutate((s) => {
      s.oauth.orgAccessTokens[accessToken] = record;
    });
  } else {
    const resourceClaims = accessTokenClaims(state, server.id, subject, issue.clientId, issue.scopes);
    accessToken = await signJwt(state, server.id, {
      ...resourceClaims,
      ver: 1,
      jti: accessTokenJti,
      iss: issuer,
      aud: audienceOf(server),
      iat: now,
      exp: now + expiresIn,
      cid: issue.clientId,
      uid: issue.userId,
      scp: issue.scopes,
      auth_time: issue.authTime,
      sub: typeof resourceClaims.sub === "string" ? resourceClaims.sub : subject.appUserName,
    });
  }

  if (issue.familyId !== undefined) {
    const familyId = issue.familyId;
    const key = server.isOrgServer ? accessToken : accessTokenJti;
    store.mutate((s) => {
      const families = (s.oauth.familyAccessTokens ??= {});
      for (const [known, record] of Object.entries(families)) if (now >= record.expiresAt) delete families[known];
      families[key] = { familyId, expiresAt: now + expiresIn };
    });
  }

  const response: TokenResponse = { token_type: "Bearer", expires_in: expiresIn, access_token: accessToken, scope: issue.scopes.join(" ") };
  if (issue.refreshToken !== undefined) response.refresh_token = issue.refreshToken;
  if (issue.scopes.includes("openid")) {
    const idClaims = identityClaims(state, server.isOrgServer ? undefined : server.id, subject, issue.scopes, "id_token");
    response.id_token = await signJwt(state, server.id, {
      ...idClaims,
      sub: issue.userId,
      ver: 1,
      iss: issuer,
      aud: issue.clientId,
      iat: now,
      exp: now + ID_TOKEN_LIFETIME_SECONDS,
      jti: tokenId("ID."),
      amr: ["pwd"],
      idp: state.org.id,
      ...(issue.nonce === undefined ? {} : { nonce: issue.nonce }),
      auth_time: issue.authTime,
      at_hash: atHash(accessToken),
    });
  }
  return response;
}

/**
 * Refresh tokens are issued only when `offline_access` was granted
 * (developer.okta.com refresh-tokens guide); ASSUMPTION: and only to apps
 * allowed the `refresh_token` grant, as Okta's Admin Console requires.
 */
function newRefreshGrant(context: TokenContext, issue: Omit<Issue, "refreshToken">, policyId?: string, ruleId?: string): RefreshTokenGrant {
  const token = opaqueToken(32);
  const grant: RefreshTokenGrant = {
    token,
    serverId: context.server.id,
    clientId: issue.clientId,
    userId: issue.userId,
    scopes: issue.scopes,
    lastUsedAt: context.now,
    familyId: opaqueToken(12),
    revoked: false,
    authTime: issue.authTime,
  };
  if (issue.lifetimes.refreshTokenMinutes !== undefined) grant.expiresAt = context.now + issue.lifetimes.refreshTokenMinutes * 60;
  if (policyId !== undefined) grant.policyId = policyId;
  if (ruleId !== undefined) grant.ruleId = ruleId;
  return grant;
}

/** RFC 7636 section 4.6, S256 only. */
function pkceMatches(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(createHash("sha256").update(verifier, "ascii").digest("base64url"));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

async function authorizationCodeGrant(context: TokenContext, clientId: string, form: TokenForm): Promise<TokenResponse> {
  const { store, server } = context;
  const code = form.code;
  if (code === undefined || code === "") throw OktaOAuthErrors.missingParameter("code");

  // Claim the code inside one atomic change, so two racing requests cannot both use it.
  let grant = undefined as AuthorizationCodeGrant | undefined;
  store.mutate((s) => {
    const found = s.oauth.codes[code];
    if (found === undefined || found.used || found.serverId !== server.id || found.clientId !== clientId) return;
    if (context.now >= found.expiresAt) return;
    found.used = true;
    grant = { ...found };
  });
  if (grant === undefined) throw OktaOAuthErrors.codeInvalid();
  if (form.redirect_uri !== grant.redirectUri) throw OktaOAuthErrors.redirectUriMismatch();
  if (grant.codeChallenge !== undefined) {
    if (form.code_verifier === undefined || !pkceMatches(form.code_verifier, grant.codeChallenge)) {
      throw OktaOAuthErrors.pkceVerificationFailed();
    }
  } else if (form.code_verifier !== undefined) {
    // ASSUMPTION: a verifier for a code issued without a challenge fails verification (RFC 9700 section 2.1.1).
    throw OktaOAuthErrors.pkceVerificationFailed();
  }

  const lifetimes = lifetimesOfGrant(store.state, grant.policyId, grant.ruleId);
  const issue = {
    clientId,
    userId: grant.userId,
    scopes: grant.scopes,
    lifetimes,
    authTime: grant.authTime ?? Math.floor(context.now),
    ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }),
  };
  const app = store.state.apps[clientId] ?? {};
  if (grant.scopes.includes("offline_access") && appGrantTypes(app).includes("refresh_token")) {
    const refresh = newRefreshGrant(context, issue, grant.policyId, grant.ruleId);
    store.mutate((s) => {
      s.oauth.refreshTokens[refresh.token] = refresh;
    });
    return issueTokens(context, { ...issue, refreshToken: refresh.token, familyId: refresh.familyId });
  }
  return issueTokens(context, issue);
}

type RefreshOutcome = { kind: "ok"; grant: RefreshTokenGrant; next: string } | { kind: "invalid" } | { kind: "reuse"; familyId: string };

/**
 * Rotation per developer.okta.com refresh-tokens guide: with ROTATE every use
 * returns a new token, whose expiry "is inherited from the initial refresh
 * token"; the one passed in stays usable for `leeway` seconds. Using it after
 * that is reuse: "Okta immediately invalidates the most recently issued
 * refresh token and all access tokens issued since the user authenticated"
 * (okta-local revokes every refresh token of the family, and `/v1/introspect`
 * and `/v1/userinfo` treat every access token issued with the family as
 * invalid; a JWT verified offline stays valid until it expires, as Okta's
 * own do). The idle window
 * (`refreshTokenWindowMinutes`) resets on every use. With STATIC the same
 * refresh token is returned (ASSUMPTION: the guide contradicts itself).
 * ASSUMPTION: a refresh is not evaluated against the access policies again;
 * the rule that granted the code keeps setting the lifetimes.
 */
async function refreshTokenGrant(context: TokenContext, clientId: string, form: TokenForm): Promise<TokenResponse> {
  const { store, server, now } = context;
  const presented = form.refresh_token;
  if (presented === undefined || presented === "") throw OktaOAuthErrors.missingParameter("refresh_token");
  const app = store.state.apps[clientId] ?? {};
  const { rotation, leewaySeconds } = appRefreshRotation(app);

  let outcome = { kind: "invalid" } as RefreshOutcome;
  let deniedScopes: string[] = [];
  store.mutate((s) => {
    const grant = s.oauth.refreshTokens[presented];
    if (grant === undefined || grant.revoked || grant.serverId !== server.id || grant.clientId !== clientId) return;
    if (grant.expiresAt !== undefined && now >= grant.expiresAt) return;
    const window = lifetimesOfGrant(s, grant.policyId, grant.ruleId).refreshTokenWindowMinutes;
    if (now >= grant.lastUsedAt + window * 60) return;
    const user = s.users[grant.userId];
    if (user === undefined || (user.status !== undefined && user.status !== "ACTIVE")) return;
    if (grant.rotatedTo !== undefined && now >= (grant.rotatedAt ?? now) + leewaySeconds) {
      for (const member of Object.values(s.oauth.refreshTokens)) {
        if (member.familyId === grant.familyId) member.revoked = true;
      }
      (s.oauth.revokedFamilies ??= {})[grant.familyId] = now;
      outcome = { kind: "reuse", familyId: grant.familyId };
      return;
    }
    const requested = (form.scope ?? "").split(" ").filter((x) => x !== "");
    deniedScopes = requested.filter((x) => !grant.scopes.includes(x));
    if (deniedScopes.length > 0) return;
    grant.lastUsedAt = now;
    if (rotation === "STATIC") {
      outcome = { kind: "ok", grant: { ...grant, scopes: requested.length > 0 ? requested : grant.scopes }, next: grant.token };
      return;
    }
    const successor: RefreshTokenGrant = { ...grant, token: opaqueToken(32), lastUsedAt: now };
    delete successor.rotatedTo;
    delete successor.rotatedAt;
    s.oauth.refreshTokens[successor.token] = successor;
    grant.rotatedTo = successor.token;
    grant.rotatedAt ??= now;
    outcome = { kind: "ok", grant: { ...grant, scopes: requested.length > 0 ? requested : grant.scopes }, next: successor.token };
  });
  if (deniedScopes.length > 0) throw OktaOAuthErrors.refreshScopesNotGranted(deniedScopes);
  const result = outcome;
  if (result.kind === "reuse") {
    context.log(`refresh token reuse detected (app.oauth2.as.token.detect_reuse): revoked family ${result.familyId} of client ${clientId}`);
    throw OktaOAuthErrors.refreshTokenInvalid();
  }
  if (result.kind === "invalid") throw OktaOAuthErrors.refreshTokenInvalid();
  const { grant } = result;
  return issueTokens(context, {
    clientId,
    userId: grant.userId,
    scopes: grant.scopes,
    lifetimes: lifetimesOfGrant(store.state, grant.policyId, grant.ruleId),
    authTime: grant.authTime ?? Math.floor(now),
    refreshToken: result.next,
    familyId: grant.familyId,
  });
}

/** The grants Okta's custom servers accept at `/v1/token` (Okta's OAuth spec); okta-local emulates the first two. */
const OKTA_GRANT_TYPES: ReadonlySet<string> = new Set([
  "authorization_code",
  "refresh_token",
  "client_credentials",
  "password",
  "implicit",
  "urn:ietf:params:oauth:grant-type:device_code",
  "urn:ietf:params:oauth:grant-type:token-exchange",
  "urn:ietf:params:oauth:grant-type:jwt-bearer",
  "urn:ietf:params:oauth:grant-type:saml2-bearer",
  "urn:openid:params:grant-type:ciba",
  "interaction_code",
  "urn:okta:params:oauth:grant-type:oob",
  "urn:okta:params:oauth:grant-type:otp",
]);

export async function tokenEndpoint(context: TokenContext, form: TokenForm, authorization: string | undefined): Promise<TokenResponse> {
  const grantType = form.grant_type;
  if (grantType === undefined || grantType === "") throw OktaOAuthErrors.missingParameter("grant_type");
  const { clientId, app } = authenticateClient(context.store.state, form, authorization);
  if (!OKTA_GRANT_TYPES.has(grantType)) throw OktaOAuthErrors.unsupportedGrantType(grantType);
  if (!appGrantTypes(app).includes(grantType)) throw OktaOAuthErrors.grantTypeNotAllowed(appGrantTypes(app));
  if (grantType !== "authorization_code" && grantType !== "refresh_token") throw notEmulated(`the '${grantType}' grant`);
  return grantType === "authorization_code" ? authorizationCodeGrant(context, clientId, form) : refreshTokenGrant(context, clientId, form);
}
