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

import { randomBytes, randomInt } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { writeFileAtomically } from "./atomicWrite";

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
  /** Epoch seconds. Okta's codes live 300 s (Okta's OAuth spec for `/v1/token`). */
  expiresAt: number;
  used: boolean;
  /** Epoch seconds of the sign-in the code came from (the tokens' `auth_time`). */
  authTime?: number;
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
  /** Epoch seconds of the sign-in the family descends from (the tokens' `auth_time`). */
  authTime?: number;
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

  /** The org URL the stored issuers were written with (rebased when the org moves to another port). */
  orgUrl: string;
  /** The admin user the API token belongs to (`GET /api/v1/users/me`). */
  adminUserId: string;
  /** Org-level policies by id (`GET /api/v1/policies?type=ACCESS_POLICY`). */
  orgPolicies: Record<string, OktaJson>;
  /** appId -> the ACCESS_POLICY (app sign-on policy) the app is bound to. */
  appAccessPolicies: Record<string, string>;
  /** appId -> the internal idToken settings a POST stored (`/api/v1/internal/apps/{id}/settings/oauth/idToken`); `issuer` and `audience` are computed on read. */
  appIdTokenSettings: Record<string, OktaJson>;
  /** The user schema's `created`/`lastUpdated`. */
  userSchemaMeta: { created: string; lastUpdated: string };

  /** Owned by the OAuth layer. */
  oauth: {
    codes: Record<string, AuthorizationCodeGrant>;
    refreshTokens: Record<string, RefreshTokenGrant>;
    /** Opaque access tokens the org server issued, for its userinfo endpoint. */
    orgAccessTokens: Record<string, { userId: string; clientId: string; scopes: string[]; expiresAt: number }>;
    /**
     * Access tokens issued together with a refresh-token family, by `jti` (or by
     * value for the org server's opaque ones), kept until they expire so that
     * reuse detection can invalidate them. Absent in state files written before.
     */
    familyAccessTokens?: Record<string, { familyId: string; expiresAt: number }>;
    /** Families revoked by refresh-token reuse detection: familyId -> epoch seconds. */
    revokedFamilies?: Record<string, number>;
  };
}

/** Okta's ids: a 3-character type prefix and 17 base-62 characters, 20 in all (e.g. `ausrqretfoZdCdBC11d7`). */
const ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const OKTA_ID_LENGTH = 20;

export function newOktaId(prefix: string): string {
  if (prefix.length >= OKTA_ID_LENGTH) throw new Error(`id prefix "${prefix}" is too long`);
  let id = prefix;
  while (id.length < OKTA_ID_LENGTH) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** An opaque random value (client secrets, API tokens), base64url. */
export function randomSecret(bytes = 30): string {
  return randomBytes(bytes).toString("base64url");
}

export function emptyOrgState(orgUrl: string): OrgState {
  const now = new Date().toISOString();
  return {
    org: { id: newOktaId("00o"), createdAt: now },
    authorizationServers: {},
    scopes: {},
    claims: {},
    policies: {},
    policyRules: {},
    signingKeys: {},
    apps: {},
    clientSecrets: {},
    appGroupAssignments: {},
    appUserAssignments: {},
    groups: {},
    users: {},
    passwords: {},
    groupMembers: {},
    seededGroupNames: {},
    userSchemaCustomProperties: {},
    orgUrl,
    adminUserId: "",
    orgPolicies: {},
    appAccessPolicies: {},
    appIdTokenSettings: {},
    userSchemaMeta: { created: now, lastUpdated: now },
    oauth: { codes: {}, refreshTokens: {}, orgAccessTokens: {}, familyAccessTokens: {}, revokedFamilies: {} },
  };
}

export interface StoreOptions {
  orgUrl: string;
  /** When set, the state is loaded from this file if it exists and saved to it after every change. */
  statePath?: string;
}

/**
 * The one org's state. Changes are synchronous (`mutate`), so concurrent
 * requests cannot interleave inside one; a change that throws leaves the
 * state as it was (it runs on a copy that replaces the state only when it
 * completes), so bad input creates nothing.
 */
export class Store {
  readonly statePath: string | undefined;
  private current: OrgState;
  private orgUrlValue: string;

  constructor(options: StoreOptions) {
    this.statePath = options.statePath;
    this.orgUrlValue = options.orgUrl.replace(/\/$/, "");
    if (this.statePath && existsSync(this.statePath)) {
      this.current = loadStateFile(this.statePath, this.orgUrlValue);
    } else {
      this.current = emptyOrgState(this.orgUrlValue);
    }
    if (this.current.orgUrl !== this.orgUrlValue) this.rebase(this.orgUrlValue);
  }

  get state(): OrgState {
    return this.current;
  }

  get orgUrl(): string {
    return this.orgUrlValue;
  }

  /**
   * Moves the org to another URL (a state file written on another port):
   * stored issuers are rewritten so the discovery documents and tokens agree
   * with where the org now listens.
   */
  rebase(orgUrl: string): void {
    const from = this.current.orgUrl;
    const to = orgUrl.replace(/\/$/, "");
    this.orgUrlValue = to;
    this.mutate((s) => {
      const move = (value: unknown): unknown =>
        typeof value === "string" && from && value.startsWith(from) ? to + value.slice(from.length) : value;
      for (const server of Object.values(s.authorizationServers)) server.issuer = move(server.issuer);
      s.orgUrl = to;
    });
  }

  mutate<T>(fn: (s: OrgState) => T): T {
    const draft = structuredClone(this.current);
    const result = fn(draft);
    this.current = draft;
    if (this.statePath) writeFileAtomically(this.statePath, JSON.stringify(this.current));
    return result;
  }

  newId(prefix: string): string {
    return newOktaId(prefix);
  }
}

function loadStateFile(path: string, orgUrl: string): OrgState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`okta-local: state file ${path} is not valid JSON (${error instanceof Error ? error.message : String(error)}); move it away to start from an empty org`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || !("authorizationServers" in parsed)) {
    throw new Error(`okta-local: state file ${path} does not hold an okta-local org (no "authorizationServers" key)`);
  }
  // Fields added after a file was written start empty.
  return { ...emptyOrgState(orgUrl), ...(parsed as Partial<OrgState>) };
}
