/**
 * local-apply held to the real provider: the same management API calls, by
 * method and path with ids masked (a multiset: the engine runs independent
 * steps concurrently, so the order differs), and the same org objects
 * afterwards, with ids, timestamps and secrets normalised.
 *
 * The real side is `pulumi up --refresh --skip-preview` (and `destroy
 * --skip-preview`), which is what local-apply does: no preview, every
 * resource refreshed before it is diffed. Measured differences of the other
 * forms, which local-apply does not imitate (`docs/engine.md`):
 * - a preview configures the provider a second time: two more
 *   `GET /api/v1/users/me` per command;
 * - `pulumi up --refresh` with a preview refreshes twice, once per phase.
 */
import type { OrgState, RequestLogEntry } from "../../../tools/okta-local/index";

/** Okta ids by their prefixes: servers, apps, groups, scopes, claims, policies, rules, users, sign-on policies. */
const OKTA_ID = /\b(aus|0oa|00g|scp|ocl|00p|0pr|00u|rst)[0-9A-Za-z]{17}\b/g;

/** A request as compared: method, path with ids masked by kind, status. */
export function maskedCall(entry: Pick<RequestLogEntry, "method" | "path" | "status">): string {
  return `${entry.method} ${entry.path.replace(OKTA_ID, "{$1}")} ${entry.status}`;
}

/** The calls that differ in number between two request lists: `call -> [real, local]`. */
export function callDifferences(real: readonly RequestLogEntry[], local: readonly RequestLogEntry[]): Record<string, [number, number]> {
  const count = (entries: readonly RequestLogEntry[]) => {
    const counts = new Map<string, number>();
    for (const entry of entries) counts.set(maskedCall(entry), (counts.get(maskedCall(entry)) ?? 0) + 1);
    return counts;
  };
  const [a, b] = [count(real), count(local)];
  const differences: Record<string, [number, number]> = {};
  for (const call of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    if (a.get(call) !== b.get(call)) differences[call] = [a.get(call) ?? 0, b.get(call) ?? 0];
  }
  return differences;
}

/**
 * Fields whose values are the moment or the org they were made in, not what
 * was asked for: timestamps, and each server's signing key (`kid` and its
 * rotation times), which Okta makes.
 */
const VOLATILE = new Set([
  "created",
  "lastUpdated",
  "activated",
  "statusChanged",
  "lastMembershipUpdated",
  "passwordChanged",
  "lastLogin",
  "client_id_issued_at",
  "_links",
  "kid",
  "lastRotated",
  "nextRotation",
]);

/**
 * Lists compared as sets: the provider builds a policy's client list and a
 * rule's grant type, scope and group lists from Terraform sets and sends them
 * in hash order (terraform-provider-okta `resource_okta_auth_server_policy.go`
 * `client_whitelist`, `resource_okta_auth_server_policy_rule.go`
 * `grant_type_whitelist`, `scope_whitelist`, `group_whitelist`: all
 * `schema.TypeSet`), local-apply in the program's order. Okta keeps the
 * order it was sent; no Okta behaviour depends on it.
 */
const SET_VALUED = [/\.conditions\.clients\.include$/, /\.conditions\.grantTypes\.include$/, /\.conditions\.people\.groups\.include$/, /\.conditions\.scopes\.include$/];

/**
 * The org's management objects, comparable across two orgs: every id
 * replaced by the name of the object it points at (a server's name, an app's
 * label, ...), the org URL by `{org}`, volatile fields and secrets dropped.
 * The OAuth layer's grants and the signing keys are not the provider's
 * doing and are left out.
 */
export function orgSnapshot(state: OrgState): unknown {
  const names = new Map<string, string>();
  const name = (kind: string, object: Record<string, unknown>, field: string) => `{${kind}:${String(object[field])}}`;
  for (const [id, server] of Object.entries(state.authorizationServers)) names.set(id, name("server", server, "name"));
  for (const [serverId, scopes] of Object.entries(state.scopes)) {
    for (const [id, scope] of Object.entries(scopes)) names.set(id, `{scope:${names.get(serverId) ?? serverId}/${String(scope["name"])}}`);
  }
  for (const [serverId, claims] of Object.entries(state.claims)) {
    for (const [id, claim] of Object.entries(claims)) names.set(id, `{claim:${names.get(serverId) ?? serverId}/${String(claim["name"])}}`);
  }
  for (const [serverId, policies] of Object.entries(state.policies)) {
    for (const [id, policy] of Object.entries(policies)) names.set(id, `{policy:${names.get(serverId) ?? serverId}/${String(policy["name"])}}`);
  }
  for (const [policyId, rules] of Object.entries(state.policyRules)) {
    for (const [id, rule] of Object.entries(rules)) names.set(id, `{rule:${names.get(policyId) ?? policyId}/${String(rule["name"])}}`);
  }
  for (const [id, app] of Object.entries(state.apps)) names.set(id, name("app", app, "label"));
  for (const [id, group] of Object.entries(state.groups)) names.set(id, `{group:${String((group["profile"] as Record<string, unknown> | undefined)?.["name"])}}`);
  for (const [id, user] of Object.entries(state.users)) names.set(id, `{user:${String((user["profile"] as Record<string, unknown> | undefined)?.["login"])}}`);
  for (const [id, policy] of Object.entries(state.orgPolicies)) names.set(id, name("sign-on-policy", policy, "name"));

  const managed = {
    authorizationServers: state.authorizationServers,
    scopes: state.scopes,
    claims: state.claims,
    policies: state.policies,
    policyRules: state.policyRules,
    apps: state.apps,
    clientSecrets: Object.fromEntries(Object.keys(state.clientSecrets).map((id) => [id, "{secret}"])),
    appGroupAssignments: state.appGroupAssignments,
    appUserAssignments: state.appUserAssignments,
    appAccessPolicies: state.appAccessPolicies,
    appIdTokenSettings: state.appIdTokenSettings,
    groups: state.groups,
    groupMembers: state.groupMembers,
    userSchemaCustomProperties: state.userSchemaCustomProperties,
  };
  // The org URL and the org's own id (in each app's `orn`) differ between any two orgs.
  const renamed = (text: string) => text.split(state.orgUrl).join("{org}").split(state.org.id).join("{org-id}").replace(OKTA_ID, (id) => names.get(id) ?? id);
  const normalise = (value: unknown, path: string): unknown => {
    if (typeof value === "string") return renamed(value);
    if (Array.isArray(value)) {
      const list = value.map((item, index) => normalise(item, `${path}[${index}]`));
      return SET_VALUED.some((pattern) => pattern.test(path)) ? list.map((item) => JSON.stringify(item)).sort().map((item) => JSON.parse(item) as unknown) : list;
    }
    if (value !== null && typeof value === "object") {
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !VOLATILE.has(key) && key !== "client_secret")
        .map(([key, field]) => [renamed(key), normalise(field, `${path}.${key}`)] as const)
        .sort(([a], [b]) => a.localeCompare(b));
      return Object.fromEntries(entries);
    }
    return value;
  };
  return normalise(managed, "");
}
