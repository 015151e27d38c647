/**
 * Reads the org through Okta's management API, GET only (writes are
 * `OrgWriter`'s, used by `--fix` alone). Each list follows Okta's `Link`
 * paging; each answer is cached for the run, so a check that needs a list
 * twice asks once. Endpoints and read scopes:
 * - `/api/v1/authorizationServers` (+ `/scopes`, `/claims`, `/policies`,
 *   `/policies/{id}/rules`): okta.authorizationServers.read
 * - `/api/v1/apps?q=`, `/api/v1/apps/{id}`, `/api/v1/apps/{id}/groups`: okta.apps.read
 * - `/api/v1/groups?q=`, `/api/v1/groups/{id}`, `/api/v1/groups/{id}/users`: okta.groups.read
 * - `/api/v1/users/{id}/groups`: okta.users.read
 * - `/api/v1/meta/schemas/user/default`: okta.schemas.read
 */
import { OktaApiError, OktaHttp, type Json } from "../local-apply/http";
import type { OrgCredentials } from "./credentials";

export type { Json } from "../local-apply/http";

/** The org could not be read: credentials refused (401/403) or the org failing. */
export class OrgReadError extends Error {
  constructor(
    message: string,
    readonly refused: boolean,
  ) {
    super(message);
  }
}

const enc = encodeURIComponent;

export class OrgReader {
  private readonly http: OktaHttp;
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(readonly credentials: OrgCredentials) {
    this.http = new OktaHttp(credentials.orgUrl, credentials.authorization.token, credentials.authorization.scheme);
  }

  /** How many requests the run sent (for the report). */
  get requestCount(): number {
    return this.http.requests.length;
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = this.cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load().catch((error: unknown) => {
        throw toReadError(error);
      });
      this.cache.set(key, hit);
    }
    return hit;
  }

  private list(path: string): Promise<Json[]> {
    return this.cached(`list ${path}`, () => this.http.list<Json>(path));
  }

  private one(path: string): Promise<Json | undefined> {
    return this.cached(`get ${path}`, () => this.http.getOrUndefined<Json>(path));
  }

  servers(): Promise<Json[]> {
    return this.list("/api/v1/authorizationServers?limit=200");
  }

  /** A server's children; an unknown server has none. */
  async serverChildren(serverId: string, kind: "scopes" | "claims" | "policies"): Promise<Json[]> {
    if (!(await this.servers()).some((s) => s["id"] === serverId)) return [];
    return this.list(`/api/v1/authorizationServers/${enc(serverId)}/${kind}`);
  }

  async rules(serverId: string, policyId: string): Promise<Json[]> {
    if (!(await this.serverChildren(serverId, "policies")).some((p) => p["id"] === policyId)) return [];
    return this.list(`/api/v1/authorizationServers/${enc(serverId)}/policies/${enc(policyId)}/rules`);
  }

  app(appId: string): Promise<Json | undefined> {
    return this.one(`/api/v1/apps/${enc(appId)}`);
  }

  /** Apps whose label is exactly `label` (Okta's `q` matches a prefix of the label or name). */
  async appsLabelled(label: string): Promise<Json[]> {
    return (await this.list(`/api/v1/apps?q=${enc(label)}&limit=200`)).filter((a) => a["label"] === label);
  }

  async appGroups(appId: string): Promise<Json[]> {
    if (!(await this.app(appId))) return [];
    return this.list(`/api/v1/apps/${enc(appId)}/groups?limit=200`);
  }

  group(groupId: string): Promise<Json | undefined> {
    return this.one(`/api/v1/groups/${enc(groupId)}`);
  }

  /** Okta groups named exactly `name` (names compare without case). */
  async groupsNamed(name: string): Promise<Json[]> {
    const found = await this.list(`/api/v1/groups?q=${enc(name)}&limit=200`);
    return found.filter((g) => {
      const groupName = (g["profile"] as Json | undefined)?.["name"];
      return typeof groupName === "string" && groupName.toLowerCase() === name.toLowerCase();
    });
  }

  groupMembers(groupId: string): Promise<Json[]> {
    return this.list(`/api/v1/groups/${enc(groupId)}/users?limit=200`);
  }

  userGroups(userId: string): Promise<Json[]> {
    return this.list(`/api/v1/users/${enc(userId)}/groups?limit=200`);
  }

  /** The user schema's custom properties. */
  async customProfileAttributes(): Promise<Record<string, Json>> {
    const schema = await this.one("/api/v1/meta/schemas/user/default");
    const custom = ((schema?.["definitions"] as Json | undefined)?.["custom"] as Json | undefined)?.["properties"];
    return custom && typeof custom === "object" ? (custom as Record<string, Json>) : {};
  }

  /** For `--fix`: the one write the doctor makes, deleting an orphan app (deactivate first, as Okta requires). */
  async deleteApp(appId: string): Promise<void> {
    const app = await this.http.getOrUndefined<Json>(`/api/v1/apps/${enc(appId)}`);
    if (!app) return;
    if (app["status"] === "ACTIVE") await this.http.send("POST", `/api/v1/apps/${enc(appId)}/lifecycle/deactivate`);
    await this.http.sendIgnoring404("DELETE", `/api/v1/apps/${enc(appId)}`);
    this.cache.clear();
  }
}

function toReadError(error: unknown): Error {
  if (error instanceof OrgReadError) return error;
  if (error instanceof OktaApiError) {
    const refused = error.status === 401 || error.status === 403;
    return new OrgReadError(
      refused ? `Okta refused the credentials (${error.message}); the doctor needs the read scopes in docs/operations.md` : `could not read the org: ${error.message}`,
      refused,
    );
  }
  return new OrgReadError(`could not reach the org: ${error instanceof Error ? error.message : String(error)}`, false);
}
