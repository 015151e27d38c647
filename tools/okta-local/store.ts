/**
 * okta-local's state: one org, held as the objects Okta's management API
 * returns (the JSON a GET answers, without `_links`, which are rendered per
 * response), plus what Okta keeps but never returns (client secrets,
 * passwords, signing keys) and the OAuth layer's grants.
 *
 * The management API (tools/okta-local/management/) writes the org objects;
 * the OAuth layer (tools/okta-local/oauth/) reads them and owns `oauth`.
 * Every change goes through `Store.mutate`, which runs the change, then
 * persists the whole state atomically when a state file is set, so that
 * concurrent requests never interleave a half-applied change.
 */

/** A JSON object as Okta returns it. Field names are Okta's, verbatim. */
export type OktaJson = Record<string, unknown>;

/** A private signing key and its public JWK, as `jose` exports them. */
export interface SigningKey {
  kid: string;
  /** JWK with private members (RS256). */
  privateJwk: OktaJson;
  /** JWK without private members, as `/v1/keys` publishes it. */
  publicJwk: OktaJson;
}

export interface AuthorizationCodeGrant {
  code: string;
  /** `default`-style alias resolved to the server's real `aus…` id; `org` for the org server. */
  serverId: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  /** PKCE challenge (S256), when the authorize request carried one. */
  codeChallenge?: string;
  codeChallengeMethod?: string;
  nonce?: string;
  /** The rule that granted it: its token lifetimes apply at the token endpoint. */
  policyId?: string;
  ruleId?: string;
  /** Epoch seconds. Okta's codes live 60 s (assumption where Okta's docs say "a short time"). */
  expiresAt: number;
  used: boolean;
}

export interface RefreshTokenGrant {
  /** The opaque token value handed out. */
  token: string;
  serverId: string;
  clientId: string;
  userId: string;
  scopes: string[];
  policyId?: string;
  ruleId?: string;
  /** Epoch seconds; absent when the lifetime is unlimited. */
  expiresAt?: number;
  /** Epoch seconds of the last use (for the idle window). */
  lastUsedAt: number;
  /** Set when the token was rotated: the successor's value, and when (for leeway). */
  rotatedTo?: string;
  rotatedAt?: number;
  /** Every token descended from one authorization; reuse after leeway revokes the family. */
  familyId: string;
  revoked: boolean;
}

export interface OrgState {
  /** Bookkeeping for generated ids and the org's identity. */
  org: { id: string; createdAt: string };

  /** Authorization servers by their `aus…` id. `default` is one of them, flagged `"default": true`. */
  authorizationServers: Record<string, OktaJson>;
  /** serverId -> scopeId -> scope JSON (system scopes included). */
  scopes: Record<string, Record<string, OktaJson>>;
  /** serverId -> claimId -> claim JSON (system claims included). */
  claims: Record<string, Record<string, OktaJson>>;
  /** serverId -> policyId -> OAUTH_AUTHORIZATION_POLICY JSON. */
  policies: Record<string, Record<string, OktaJson>>;
  /** policyId -> ruleId -> RESOURCE_ACCESS rule JSON. */
  policyRules: Record<string, Record<string, OktaJson>>;
  /** serverId -> the key that signs its tokens (the org server under `org`). */
  signingKeys: Record<string, SigningKey>;

  /** Apps by id (the id is also the OAuth client_id). */
  apps: Record<string, OktaJson>;
  /** appId -> client secret. Okta shows it only in POST/PUT responses. */
  clientSecrets: Record<string, string>;
  /** appId -> groupId -> app group assignment JSON. */
  appGroupAssignments: Record<string, Record<string, OktaJson>>;
  /** appId -> userId -> app user assignment JSON (direct assignments only). */
  appUserAssignments: Record<string, Record<string, OktaJson>>;

  /** Groups by id; `Everyone` is `BUILT_IN` and holds every user. */
  groups: Record<string, OktaJson>;
  /** Users by id. `profile` holds base and custom attributes. */
  users: Record<string, OktaJson>;
  /** userId -> password (seeded users sign in with it). */
  passwords: Record<string, string>;
  /** groupId -> member user ids (Everyone's membership is implicit: every user). */
  groupMembers: Record<string, string[]>;
  /**
   * Seeded users' group names: a user joins any group of that name when it
   * exists, including groups created after start (okta-local's seed rule).
   */
  seededGroupNames: Record<string, string[]>;
  /** The user schema's custom properties (`definitions.custom.properties`). */
  userSchemaCustomProperties: Record<string, OktaJson>;

  /** Owned by the OAuth layer. */
  oauth: {
    codes: Record<string, AuthorizationCodeGrant>;
    refreshTokens: Record<string, RefreshTokenGrant>;
    /** Opaque access tokens the org server issued, for its userinfo endpoint. */
    orgAccessTokens: Record<string, { userId: string; clientId: string; scopes: string[]; expiresAt: number }>;
  };
}
