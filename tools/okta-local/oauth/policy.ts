/**
 * Okta's access-policy evaluation for a custom authorization server, step by
 * step, as Okta's docs describe it:
 *
 * 1. Every requested scope exists on the server, else `invalid_scope`
 *    (Okta's OAuth error catalogue, `scope_not_configured`).
 * 2. The user is assigned to the app, directly or through a group, else
 *    `access_denied` "User is not assigned to the client application."
 *    (Okta's OIDC reference, `user_not_assigned`).
 * 3. Policies are tried by `priority` (1 first); a policy applies when its
 *    `conditions.clients.include` has the client_id or `ALL_CLIENTS`.
 *    Inactive policies and policies without active rules are not considered
 *    ("Policies that have no rules aren't considered during evaluation",
 *    developer.okta.com/docs/concepts/policies/).
 * 4. Within a policy, rules are tried by `priority`; the first whose grant
 *    type, scopes and people conditions all match decides ("Once a matching
 *    rule is found no other rules are evaluated",
 *    developer.okta.com/docs/guides/customize-authz-server/main/).
 * 5. A policy none of whose rules matches passes the request to the next
 *    policy ("If none of the policy rules have conditions that can be met,
 *    then the next policy in the list is considered", Okta's management API
 *    spec, Policy tag; and the okta.github.io OAuth guide's Policy A/B
 *    example).
 * 6. No rule in any policy: `access_denied` "Policy evaluation failed for this
 *    request, please check the policy configurations." (`no_matching_policy`).
 */
import type { OktaJson, OrgState } from "../store";
import { OktaOAuthErrors } from "./errors";
import { at, everyoneGroupId, groupIdsOfUser, isUserAssignedToApp, obj, str, strings, type ResolvedServer } from "./org";

/**
 * "The OIDC scopes are granted by default… don't need to be configured in the
 * rule" (Okta's former OIDC reference, developer.okta.com/docs/reference/api/oidc/).
 */
export const OIDC_SCOPES: ReadonlySet<string> = new Set(["openid", "profile", "email", "address", "phone", "offline_access"]);

export interface TokenLifetimes {
  accessTokenMinutes: number;
  /** Undefined: unlimited (`refreshTokenLifetimeMinutes: 0`, Okta's default "Unlimited"). */
  refreshTokenMinutes?: number;
  /** Idle window: the refresh token expires when unused this long; reset on every use. */
  refreshTokenWindowMinutes: number;
}

/** Okta's defaults: 60 minutes, unlimited, 7 days (Okta's management API spec and refresh-token guide). */
export const DEFAULT_LIFETIMES: TokenLifetimes = { accessTokenMinutes: 60, refreshTokenWindowMinutes: 10080 };

export interface PolicyDecision {
  policyId?: string;
  ruleId?: string;
  lifetimes: TokenLifetimes;
}

export interface AccessRequest {
  clientId: string;
  userId: string;
  grantType: string;
  scopes: readonly string[];
}

function byPriority(a: OktaJson, b: OktaJson): number {
  const pa = typeof a.priority === "number" ? a.priority : Number.MAX_SAFE_INTEGER;
  const pb = typeof b.priority === "number" ? b.priority : Number.MAX_SAFE_INTEGER;
  return pa - pb;
}

function isActive(object: OktaJson): boolean {
  return object.status === undefined || object.status === "ACTIVE";
}

/** The scopes defined on a server, by name (system scopes included). */
export function serverScopeNames(state: OrgState, serverId: string): Set<string> {
  return new Set(Object.values(state.scopes[serverId] ?? {}).map((s) => str(s.name) ?? ""));
}

/**
 * The scopes an authorize request asks for. Without a `scope` parameter Okta
 * grants the server's default scopes (`"default": true`), or answers
 * `invalid_scope` when it has none (catalogue: `no_default_scopes`).
 */
export function requestedScopes(state: OrgState, server: ResolvedServer, scopeParam: string | undefined): string[] {
  const given = (scopeParam ?? "").split(" ").filter((s) => s !== "");
  if (given.length > 0) return [...new Set(given)];
  const defaults = server.isOrgServer
    ? []
    : Object.values(state.scopes[server.id] ?? {})
        .filter((s) => s.default === true)
        .map((s) => str(s.name) ?? "");
  if (defaults.length === 0) throw OktaOAuthErrors.noScopeAndNoDefault();
  return defaults;
}

/**
 * Step 1. The org server knows only the OIDC scopes here.
 * ASSUMPTION: the org server's `okta.*` management scopes are not emulated,
 * so they are refused as unknown.
 */
export function assertScopesExist(state: OrgState, server: ResolvedServer, scopes: readonly string[]): void {
  const known = server.isOrgServer ? OIDC_SCOPES : serverScopeNames(state, server.id);
  if (scopes.some((s) => !known.has(s))) throw OktaOAuthErrors.scopeNotConfigured();
}

/**
 * Scopes: `*` allows any scope (Terraform's docs: "all can be whitelisted
 * with `*`"); OIDC scopes need not be listed. Requested scopes outside the
 * rule make the rule not match ("Requests sent with different scopes don't
 * match any rules and therefore fail", developer.okta.com
 * customize-authz-server guide).
 * ASSUMPTION: `scopes.include: []` allows only the OIDC scopes; Okta's
 * catalogue also has `scope_denied`, but no source says when it fires
 * instead of a non-matching rule.
 */
function ruleAllowsScopes(rule: OktaJson, scopes: readonly string[]): boolean {
  const include = strings(at(rule, "conditions", "scopes", "include"));
  if (include.includes("*")) return true;
  return scopes.every((s) => OIDC_SCOPES.has(s) || include.includes(s));
}

function ruleAllowsGrant(rule: OktaJson, grantType: string): boolean {
  return strings(at(rule, "conditions", "grantTypes", "include")).includes(grantType);
}

/**
 * People: a user matches when listed in `users.include` or in a
 * `groups.include` group; exclusions win, except that when `include` names
 * Everyone "adding excluded groups or users is ignored"
 * (developer.okta.com terraform-create-custom-auth-server guide). Okta's API
 * examples write Everyone as `EVERYONE`; recordings use the group's id.
 * ASSUMPTION: a rule with no people includes at all matches any assigned user
 * (the Admin Console's "Any user assigned the app").
 */
function ruleAllowsUser(state: OrgState, rule: OktaJson, userId: string): boolean {
  const people = obj(at(rule, "conditions", "people"));
  const userInclude = strings(at(people, "users", "include"));
  const userExclude = strings(at(people, "users", "exclude"));
  const groupInclude = strings(at(people, "groups", "include"));
  const groupExclude = strings(at(people, "groups", "exclude"));
  const everyone = everyoneGroupId(state);
  const includesEveryone = groupInclude.some((g) => g === "EVERYONE" || g === everyone);
  if (includesEveryone) return true;
  const userGroups = new Set(groupIdsOfUser(state, userId));
  if (userExclude.includes(userId) || groupExclude.some((g) => userGroups.has(g))) return false;
  if (userInclude.length === 0 && groupInclude.length === 0) return true;
  return userInclude.includes(userId) || groupInclude.some((g) => userGroups.has(g));
}

function lifetimesOf(rule: OktaJson): TokenLifetimes {
  const token = obj(at(rule, "actions", "token"));
  const access = typeof token.accessTokenLifetimeMinutes === "number" ? token.accessTokenLifetimeMinutes : 60;
  const refresh = typeof token.refreshTokenLifetimeMinutes === "number" ? token.refreshTokenLifetimeMinutes : 0;
  const window = typeof token.refreshTokenWindowMinutes === "number" ? token.refreshTokenWindowMinutes : 10080;
  return refresh > 0
    ? { accessTokenMinutes: access, refreshTokenMinutes: refresh, refreshTokenWindowMinutes: window }
    : { accessTokenMinutes: access, refreshTokenWindowMinutes: window };
}

/** Active rules of a policy, by priority. */
function activeRules(state: OrgState, policyId: string): [string, OktaJson][] {
  return Object.entries(state.policyRules[policyId] ?? {})
    .filter(([, r]) => isActive(r))
    .sort(([, a], [, b]) => byPriority(a, b));
}

function policyAppliesToClient(policy: OktaJson, clientId: string): boolean {
  const include = strings(at(policy, "conditions", "clients", "include"));
  return include.includes("ALL_CLIENTS") || include.includes(clientId);
}

/**
 * Steps 2-6 for a signed-in user. The org server has no access policies: only
 * the assignment applies there (its tokens get Okta's defaults).
 */
export function evaluateAccessPolicies(state: OrgState, server: ResolvedServer, request: AccessRequest): PolicyDecision {
  if (!isUserAssignedToApp(state, request.clientId, request.userId)) throw OktaOAuthErrors.userNotAssigned();
  if (server.isOrgServer) return { lifetimes: DEFAULT_LIFETIMES };

  const policies = Object.entries(state.policies[server.id] ?? {})
    .filter(([, p]) => isActive(p) && policyAppliesToClient(p, request.clientId))
    .sort(([, a], [, b]) => byPriority(a, b));
  for (const [policyId] of policies) {
    for (const [ruleId, rule] of activeRules(state, policyId)) {
      if (
        ruleAllowsGrant(rule, request.grantType) &&
        ruleAllowsScopes(rule, request.scopes) &&
        ruleAllowsUser(state, rule, request.userId)
      ) {
        return { policyId, ruleId, lifetimes: lifetimesOf(rule) };
      }
    }
  }
  throw OktaOAuthErrors.noMatchingPolicy();
}

/** The lifetimes of the rule that granted a code or refresh token; Okta's defaults if it has since gone. */
export function lifetimesOfGrant(state: OrgState, policyId: string | undefined, ruleId: string | undefined): TokenLifetimes {
  if (policyId === undefined || ruleId === undefined) return DEFAULT_LIFETIMES;
  const rule = state.policyRules[policyId]?.[ruleId];
  return rule === undefined ? DEFAULT_LIFETIMES : lifetimesOf(rule);
}
