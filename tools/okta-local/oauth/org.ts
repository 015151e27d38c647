/**
 * Read-only questions the OAuth layer asks of the org: which server a path
 * names, which app a client_id is, who a user is and which groups they are
 * in. Objects are read with Okta's field names, as the management API stores
 * them.
 */
import type { OktaJson, OrgState } from "../store";

/** The org authorization server (`/oauth2/v1/...`); its key is stored under this id. */
export const ORG_SERVER_ID = "org";

export interface ResolvedServer {
  /** The `aus…` id, or `org` for the org authorization server. */
  id: string;
  /** The server JSON; absent for the org server, which has no management object. */
  server?: OktaJson;
  isOrgServer: boolean;
  /** The path segment after `/oauth2/` that addresses it (`default` for the default server). */
  pathId: string;
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function obj(value: unknown): OktaJson {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as OktaJson) : {};
}

/** Follows a path of object keys; undefined when any step is missing. */
export function at(value: unknown, ...path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as OktaJson)[key];
  }
  return current;
}

/**
 * `default` is an alias of the default server's `aus…` id: Okta's docs say the
 * default server "also has `default` as its authorization server ID", and
 * `GET /api/v1/authorizationServers/default` answers with a real `aus…` id.
 */
export function resolveServer(state: OrgState, pathId: string): ResolvedServer | undefined {
  if (pathId === ORG_SERVER_ID) return undefined;
  if (pathId === "default") {
    const entry = Object.entries(state.authorizationServers).find(([, s]) => s.default === true);
    return entry === undefined ? undefined : { id: entry[0], server: entry[1], isOrgServer: false, pathId };
  }
  const server = state.authorizationServers[pathId];
  return server === undefined ? undefined : { id: pathId, server, isOrgServer: false, pathId };
}

export function orgServer(): ResolvedServer {
  return { id: ORG_SERVER_ID, isOrgServer: true, pathId: "v1" };
}

/**
 * A custom server's issuer. The default server's is `<org>/oauth2/default`
 * (recorded); other servers' `<org>/oauth2/<id>` (recorded for ORG_URL).
 * ASSUMPTION: DYNAMIC and CUSTOM_URL use the same URL, since okta-local has
 * one domain and no custom domain; the org server's issuer is the org URL.
 */
export function issuerOf(server: ResolvedServer, orgUrl: string): string {
  if (server.isOrgServer) return orgUrl;
  return server.server?.default === true ? `${orgUrl}/oauth2/default` : `${orgUrl}/oauth2/${server.id}`;
}

/** Where the server's endpoints live: `<org>/oauth2/<pathId>` (the org server's under `<org>/oauth2`). */
export function endpointBase(server: ResolvedServer, orgUrl: string): string {
  return server.isOrgServer ? `${orgUrl}/oauth2` : `${orgUrl}/oauth2/${server.pathId}`;
}

/** Okta currently supports only one audience per server (Okta's management API spec, `audiences`). */
export function audienceOf(server: ResolvedServer): string | undefined {
  return strings(server.server?.audiences)[0];
}

export function oidcApp(state: OrgState, clientId: string): OktaJson | undefined {
  const app = state.apps[clientId];
  if (app === undefined || app.signOnMode !== "OPENID_CONNECT") return undefined;
  return app;
}

/** Okta's defaults when unset: `authorization_code` and `code` (Okta's management API spec). */
export function appGrantTypes(app: OktaJson): string[] {
  const granted = strings(at(app, "settings", "oauthClient", "grant_types"));
  return granted.length > 0 ? granted : ["authorization_code"];
}

export function appResponseTypes(app: OktaJson): string[] {
  const types = strings(at(app, "settings", "oauthClient", "response_types"));
  return types.length > 0 ? types : ["code"];
}

export function appRedirectUris(app: OktaJson): string[] {
  return strings(at(app, "settings", "oauthClient", "redirect_uris"));
}

export function appPostLogoutRedirectUris(app: OktaJson): string[] {
  return strings(at(app, "settings", "oauthClient", "post_logout_redirect_uris"));
}

/** Okta's default is `client_secret_basic` (Okta's management API spec). */
export function appAuthMethod(app: OktaJson): string {
  return str(at(app, "credentials", "oauthClient", "token_endpoint_auth_method")) ?? "client_secret_basic";
}

/** `none` requires PKCE (Okta's management API spec), whatever `pkce_required` says. */
export function appRequiresPkce(app: OktaJson): boolean {
  return at(app, "credentials", "oauthClient", "pkce_required") === true || appAuthMethod(app) === "none";
}

export interface RefreshRotation {
  rotation: "ROTATE" | "STATIC";
  /** Seconds the rotated-out token stays usable. */
  leewaySeconds: number;
}

/**
 * `settings.oauthClient.refresh_token`: ROTATE with `leeway` 0-60 (default
 * 30), or STATIC. Absent means STATIC, Okta's default for anything but an
 * SPA (Okta's management API spec).
 */
export function appRefreshRotation(app: OktaJson): RefreshRotation {
  const setting = obj(at(app, "settings", "oauthClient", "refresh_token"));
  if (setting.rotation_type === "ROTATE") {
    const leeway = typeof setting.leeway === "number" ? setting.leeway : 30;
    return { rotation: "ROTATE", leewaySeconds: leeway };
  }
  return { rotation: "STATIC", leewaySeconds: 0 };
}

/** Okta logins are case-insensitive. Only ACTIVE users sign in. */
export function findUserByLogin(state: OrgState, login: string): { id: string; user: OktaJson } | undefined {
  const wanted = login.trim().toLowerCase();
  for (const [id, user] of Object.entries(state.users)) {
    const userLogin = str(at(user, "profile", "login"));
    if (userLogin !== undefined && userLogin.toLowerCase() === wanted) return { id, user };
  }
  return undefined;
}

export function isEveryoneGroup(group: OktaJson): boolean {
  return group.type === "BUILT_IN" && at(group, "profile", "name") === "Everyone";
}

export function everyoneGroupId(state: OrgState): string | undefined {
  return Object.entries(state.groups).find(([, g]) => isEveryoneGroup(g))?.[0];
}

/**
 * The user's groups, as ids: explicit memberships, groups whose name the seed
 * gave the user (they join any group of that name whenever it exists), and
 * Everyone, which holds every user (Okta: the built-in Everyone group).
 */
export function groupIdsOfUser(state: OrgState, userId: string): string[] {
  const seededNames = new Set(state.seededGroupNames[userId] ?? []);
  const ids: string[] = [];
  for (const [groupId, group] of Object.entries(state.groups)) {
    const member =
      isEveryoneGroup(group) ||
      (state.groupMembers[groupId] ?? []).includes(userId) ||
      seededNames.has(str(at(group, "profile", "name")) ?? "");
    if (member) ids.push(groupId);
  }
  return ids;
}

export function groupName(state: OrgState, groupId: string): string | undefined {
  return str(at(state.groups[groupId], "profile", "name"));
}

/**
 * A user may use an app when assigned to it directly or through a group
 * (Everyone counts, being a group). Okta's OIDC reference: otherwise
 * `access_denied` "User is not assigned to the client application."
 */
export function isUserAssignedToApp(state: OrgState, appId: string, userId: string): boolean {
  if (state.appUserAssignments[appId]?.[userId] !== undefined) return true;
  const assignedGroups = Object.keys(state.appGroupAssignments[appId] ?? {});
  if (assignedGroups.length === 0) return false;
  const userGroups = new Set(groupIdsOfUser(state, userId));
  return assignedGroups.some((g) => userGroups.has(g));
}
