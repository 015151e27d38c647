/**
 * `/api/v1/authorizationServers/{as}/policies` and their `rules`. Shapes and
 * normalisation recorded in terraform-provider-okta's
 * `TestAccResourceOktaAuthServer_fullStack` and `…PolicyRule_create/oie-00`;
 * limits from Okta's management API spec and authorization server reference.
 */
import { z } from "zod";
import { validationFailed } from "../errors";
import type { OktaJson } from "../store";
import { requireServerId, serverPath } from "./authorizationServers";
import { lookup, params, parseBody, selfLink, timestamp, type ManagementContext, type ManagementRoutes } from "./shared";

const policyBody = z.looseObject({
  type: z.literal("OAUTH_AUTHORIZATION_POLICY", { message: "type must be OAUTH_AUTHORIZATION_POLICY" }).optional(),
  // name 1–100 and description 1–255 characters (management API spec, AuthorizationServerPolicy).
  name: z.string({ message: "The field cannot be left blank" }).min(1, "The field cannot be left blank").max(100, "name must be at most 100 characters"),
  description: z.string({ message: "The field cannot be left blank" }).min(1, "The field cannot be left blank").max(255, "description must be at most 255 characters"),
  priority: z.number().int().min(1, "priority must be at least 1").optional(),
  status: z.enum(["ACTIVE", "INACTIVE"]).optional(),
  conditions: z.looseObject({
    clients: z.looseObject({ include: z.array(z.string().min(1)).min(1, "include at least one client id or ALL_CLIENTS") }),
  }),
});

/** The grant types a rule may name (management API spec, AuthorizationServerPolicyRuleConditions.grantTypes). */
const RULE_GRANT_TYPES = [
  "authorization_code",
  "client_credentials",
  "implicit",
  "interaction_code",
  "password",
  "urn:ietf:params:oauth:grant-type:device_code",
  "urn:ietf:params:oauth:grant-type:jwt-bearer",
  "urn:ietf:params:oauth:grant-type:saml2-bearer",
  "urn:ietf:params:oauth:grant-type:token-exchange",
  "urn:okta:params:oauth:grant-type:oob",
  "urn:okta:params:oauth:grant-type:otp",
  "urn:openid:params:grant-type:ciba",
] as const;

const includeExclude = z.looseObject({ include: z.array(z.string()).optional(), exclude: z.array(z.string()).optional() });

const ruleBody = z.looseObject({
  type: z.literal("RESOURCE_ACCESS", { message: "type must be RESOURCE_ACCESS" }).optional(),
  name: z.string({ message: "The field cannot be left blank" }).min(1, "The field cannot be left blank").max(255),
  priority: z.number().int().min(1, "priority must be at least 1").optional(),
  status: z.enum(["ACTIVE", "INACTIVE"]).optional(),
  conditions: z.looseObject({
    people: z.looseObject({ users: includeExclude.optional(), groups: includeExclude.optional() }).optional(),
    grantTypes: z.looseObject({ include: z.array(z.enum(RULE_GRANT_TYPES)).min(1, "include at least one grant type") }),
    scopes: z.looseObject({ include: z.array(z.string()).optional() }).optional(),
  }),
  actions: z
    .looseObject({
      token: z
        .looseObject({
          accessTokenLifetimeMinutes: z.number().int().optional(),
          refreshTokenLifetimeMinutes: z.number().int().optional(),
          refreshTokenWindowMinutes: z.number().int().optional(),
          inlineHook: z.looseObject({ id: z.string() }).optional(),
        })
        .optional(),
    })
    .optional(),
});
type RuleBody = z.infer<typeof ruleBody>;

/**
 * Token lifetimes: access 5 min – 1 day, refresh window 10 min – 5 years
 * (management API spec, TokenAuthorizationServerPolicyRuleActionToken); refresh
 * lifetime ≥ access lifetime, 0 = unlimited (Okta's authorization server reference).
 * Defaults are the spec's: 60, 0 (unlimited), 10080 (7 days).
 */
export function tokenLifetimes(token: NonNullable<NonNullable<RuleBody["actions"]>["token"]>): OktaJson {
  const access = token.accessTokenLifetimeMinutes ?? 60;
  const refresh = token.refreshTokenLifetimeMinutes ?? 0;
  const window = token.refreshTokenWindowMinutes ?? 10080;
  const problems: { field: string; message: string }[] = [];
  if (access < 5 || access > 1440) problems.push({ field: "accessTokenLifetimeMinutes", message: `must be between 5 and 1440 minutes (got ${access})` });
  if (refresh !== 0 && refresh < access) problems.push({ field: "refreshTokenLifetimeMinutes", message: `must be 0 (unlimited) or at least the access token lifetime ${access} (got ${refresh})` });
  if (refresh < 0) problems.push({ field: "refreshTokenLifetimeMinutes", message: `must not be negative (got ${refresh})` });
  if (window < 10 || window > 2_628_000) problems.push({ field: "refreshTokenWindowMinutes", message: `must be between 10 and 2628000 minutes (got ${window})` });
  if (problems.length) throw validationFailed(problems.map((p) => ({ ...p, field: `actions.token.${p.field}` })));
  return {
    accessTokenLifetimeMinutes: access,
    refreshTokenLifetimeMinutes: refresh,
    refreshTokenWindowMinutes: window,
    ...(token.inlineHook ? { inlineHook: token.inlineHook } : {}),
  };
}

/**
 * Recorded normalisation: `people.users: {}` comes back `{"exclude": []}`,
 * `scopes: {}` comes back `{"include": []}`, and grant types come back in
 * another order (`["password","implicit"]` → `["implicit","password"]`).
 * ASSUMPTION: that order is alphabetical; an absent `people.users` is
 * treated like `{}`, and the UI's default scopes are not added.
 */
export function normaliseRuleConditions(conditions: RuleBody["conditions"]): OktaJson {
  const users = conditions.people?.users;
  const people: OktaJson = {
    users: users && (users.include?.length || users.exclude?.length) ? users : { exclude: [] },
  };
  if (conditions.people?.groups) people.groups = conditions.people.groups;
  return {
    people,
    grantTypes: { include: [...new Set(conditions.grantTypes.include)].sort() },
    scopes: { include: conditions.scopes?.include ?? [] },
  };
}

/**
 * Priorities stay 1..n without gaps: a policy or rule inserted at priority p
 * moves the others down. ASSUMPTION: Okta's reordering is documented only as
 * "priority ... 1 is the highest"; a priority past the end is placed last.
 */
function placeByPriority(items: Record<string, OktaJson>, id: string, requested: number | undefined): void {
  const others = byPriority(items).filter((i) => i.id !== id);
  const position = Math.min(requested ?? others.length + 1, others.length + 1);
  const item = items[id];
  if (!item) return;
  others.splice(position - 1, 0, item);
  numberInOrder(others);
}

/** A deleted policy or rule leaves no gap: the ones below it move up. */
function removeByPriority(items: Record<string, OktaJson>, id: string): void {
  delete items[id];
  numberInOrder(byPriority(items));
}

function numberInOrder(ordered: OktaJson[]): void {
  ordered.forEach((entry, index) => {
    entry.priority = index + 1;
  });
}

function byPriority(items: Record<string, OktaJson> | undefined): OktaJson[] {
  return Object.values(items ?? {}).sort((a, b) => Number(a.priority) - Number(b.priority));
}

/** An active policy or rule links its deactivation, an inactive one its activation. */
function lifecycleLink(ctx: ManagementContext, path: string, item: OktaJson): OktaJson {
  return item.status === "ACTIVE" ? { deactivate: selfLink(ctx, `${path}/lifecycle/deactivate`, ["POST"]) } : { activate: selfLink(ctx, `${path}/lifecycle/activate`, ["POST"]) };
}

function renderPolicy(ctx: ManagementContext, serverHref: string, policy: OktaJson): OktaJson {
  const path = `${serverHref}/policies/${String(policy.id)}`;
  return {
    ...policy,
    _links: {
      self: selfLink(ctx, path, ["GET", "PUT", "DELETE"]),
      rules: selfLink(ctx, `${path}/rules`, ["GET"]),
      ...lifecycleLink(ctx, path, policy),
    },
  };
}

function renderRule(ctx: ManagementContext, policyPath: string, rule: OktaJson): OktaJson {
  const path = `${policyPath}/rules/${String(rule.id)}`;
  return {
    ...rule,
    _links: {
      self: selfLink(ctx, path, ["GET", "PUT", "DELETE"]),
      ...lifecycleLink(ctx, path, rule),
    },
  };
}

export const policyRoutes: ManagementRoutes = (app, ctx) => {
  const { store } = ctx;
  const base = "/api/v1/authorizationServers/:serverId/policies";
  const policyPath = (request: { params: unknown }) => `${serverPath(request)}/policies/${(request.params as { policyId: string }).policyId}`;

  app.get(base, (request) => {
    const serverId = requireServerId(store.state, params(request).serverId ?? "");
    return byPriority(store.state.policies[serverId]).map((p) => renderPolicy(ctx, serverPath(request), p));
  });

  app.post(base, (request, reply) => {
    const body = parseBody(policyBody, request.body);
    const policy = store.mutate((s) => {
      const serverId = requireServerId(s, params(request).serverId ?? "");
      const id = store.newId("00p");
      const now = timestamp();
      const policies = (s.policies[serverId] ??= {});
      policies[id] = {
        id,
        status: body.status ?? "ACTIVE",
        name: body.name,
        description: body.description,
        priority: body.priority ?? 0,
        system: false,
        conditions: { clients: { include: body.conditions.clients.include } },
        created: now,
        lastUpdated: now,
        type: "OAUTH_AUTHORIZATION_POLICY",
      };
      placeByPriority(policies, id, body.priority);
      s.policyRules[id] = {};
      return policies[id];
    });
    return reply.code(201).send(renderPolicy(ctx, serverPath(request), policy));
  });

  app.get(`${base}/:policyId`, (request) => {
    const serverId = requireServerId(store.state, params(request).serverId ?? "");
    return renderPolicy(ctx, serverPath(request), lookup(store.state.policies[serverId], params(request).policyId ?? "", "AuthorizationServerPolicy"));
  });

  app.put(`${base}/:policyId`, (request) => {
    const body = parseBody(policyBody, request.body);
    const policy = store.mutate((s) => {
      const serverId = requireServerId(s, params(request).serverId ?? "");
      const policies = s.policies[serverId] ?? {};
      const current = lookup(policies, params(request).policyId ?? "", "AuthorizationServerPolicy");
      Object.assign(current, {
        name: body.name,
        description: body.description,
        conditions: { clients: { include: body.conditions.clients.include } },
        lastUpdated: timestamp(),
      });
      if (body.priority !== undefined) placeByPriority(policies, String(current.id), body.priority);
      return current;
    });
    return renderPolicy(ctx, serverPath(request), policy);
  });

  app.delete(`${base}/:policyId`, (request, reply) => {
    store.mutate((s) => {
      const serverId = requireServerId(s, params(request).serverId ?? "");
      const policies = s.policies[serverId] ?? {};
      const current = lookup(policies, params(request).policyId ?? "", "AuthorizationServerPolicy");
      removeByPriority(policies, String(current.id));
      delete s.policyRules[String(current.id)];
    });
    return reply.code(204).send();
  });

  for (const [action, status] of [["activate", "ACTIVE"], ["deactivate", "INACTIVE"]] as const) {
    app.post(`${base}/:policyId/lifecycle/${action}`, (request, reply) => {
      store.mutate((s) => {
        const serverId = requireServerId(s, params(request).serverId ?? "");
        const current = lookup(s.policies[serverId], params(request).policyId ?? "", "AuthorizationServerPolicy");
        Object.assign(current, { status, lastUpdated: timestamp() });
      });
      return reply.code(204).send();
    });
  }

  const rules = `${base}/:policyId/rules`;
  const policyRulesOf = (s: typeof store.state, request: { params: unknown }) => {
    const serverId = requireServerId(s, params(request as never).serverId ?? "");
    const policy = lookup(s.policies[serverId], params(request as never).policyId ?? "", "AuthorizationServerPolicy");
    return (s.policyRules[String(policy.id)] ??= {});
  };

  app.get(rules, (request) => byPriority(policyRulesOf(store.state, request)).map((r) => renderRule(ctx, policyPath(request), r)));

  app.post(rules, (request, reply) => {
    const body = parseBody(ruleBody, request.body);
    const token = tokenLifetimes(body.actions?.token ?? {});
    const rule = store.mutate((s) => {
      const ruleMap = policyRulesOf(s, request);
      const id = store.newId("0pr");
      const now = timestamp();
      ruleMap[id] = {
        id,
        status: body.status ?? "ACTIVE",
        name: body.name,
        priority: body.priority ?? 0,
        created: now,
        lastUpdated: now,
        system: false,
        conditions: normaliseRuleConditions(body.conditions),
        actions: { token },
        type: "RESOURCE_ACCESS",
      };
      placeByPriority(ruleMap, id, body.priority);
      return ruleMap[id];
    });
    return reply.code(201).send(renderRule(ctx, policyPath(request), rule));
  });

  app.get(`${rules}/:ruleId`, (request) => renderRule(ctx, policyPath(request), lookup(policyRulesOf(store.state, request), params(request).ruleId ?? "", "AuthorizationServerPolicyRule")));

  app.put(`${rules}/:ruleId`, (request) => {
    const body = parseBody(ruleBody, request.body);
    const token = tokenLifetimes(body.actions?.token ?? {});
    const rule = store.mutate((s) => {
      const ruleMap = policyRulesOf(s, request);
      const current = lookup(ruleMap, params(request).ruleId ?? "", "AuthorizationServerPolicyRule");
      Object.assign(current, { name: body.name, conditions: normaliseRuleConditions(body.conditions), actions: { token }, lastUpdated: timestamp() });
      if (body.priority !== undefined) placeByPriority(ruleMap, String(current.id), body.priority);
      return current;
    });
    return renderRule(ctx, policyPath(request), rule);
  });

  app.delete(`${rules}/:ruleId`, (request, reply) => {
    store.mutate((s) => {
      const ruleMap = policyRulesOf(s, request);
      const current = lookup(ruleMap, params(request).ruleId ?? "", "AuthorizationServerPolicyRule");
      removeByPriority(ruleMap, String(current.id));
    });
    return reply.code(204).send();
  });

  for (const [action, status] of [["activate", "ACTIVE"], ["deactivate", "INACTIVE"]] as const) {
    app.post(`${rules}/:ruleId/lifecycle/${action}`, (request, reply) => {
      store.mutate((s) => {
        const current = lookup(policyRulesOf(s, request), params(request).ruleId ?? "", "AuthorizationServerPolicyRule");
        Object.assign(current, { status, lastUpdated: timestamp() });
      });
      return reply.code(204).send();
    });
  }
};
