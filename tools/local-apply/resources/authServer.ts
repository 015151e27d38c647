/**
 * Authorization servers and what hangs off them, as terraform-provider-okta
 * (okta/services/idaas/, v6.12.0) calls Okta's API for them:
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/AuthorizationServer/
 */
import type { Json } from "../http";
import {
  applyDefaults,
  asJson,
  bool,
  int,
  omitEmpty,
  pathId,
  str,
  strings,
  type Props,
  type ProviderSession,
  type ResourceMapping,
} from "../provider";

const SERVERS = "/api/v1/authorizationServers";

// --- okta_auth_server: resource_okta_auth_server.go --------------------------

/** buildAuthServer: no `status` in the body (lifecycle calls carry it). */
export function authServerBody(inputs: Props): Json {
  return omitEmpty({
    audiences: strings(inputs, "audiences"),
    credentials: { signing: { rotationMode: str(inputs, "credentialsRotationMode") } },
    description: str(inputs, "description"),
    name: str(inputs, "name"),
    issuerMode: str(inputs, "issuerMode"),
  });
}

/** resourceAuthServerRead / resourceAuthServerDefaultRead: what a GET puts in state. */
export function authServerState(server: Json): Props {
  const signing = asJson(asJson(server["credentials"])["signing"]);
  return {
    audiences: server["audiences"] ?? [],
    kid: signing["kid"] ?? "",
    credentialsRotationMode: signing["rotationMode"] ?? "",
    ...(signing["nextRotation"] === undefined ? {} : { credentialsNextRotation: signing["nextRotation"] }),
    ...(signing["lastRotated"] === undefined ? {} : { credentialsLastRotated: signing["lastRotated"] }),
    description: server["description"] ?? "",
    name: server["name"] ?? "",
    status: server["status"] ?? "",
    issuer: server["issuer"] ?? "",
    // Synced only when Okta returns one (an Early Access property).
    ...(typeof server["issuerMode"] === "string" && server["issuerMode"] !== "" ? { issuerMode: server["issuerMode"] } : {}),
  };
}

async function lifecycle(session: ProviderSession, path: string, status: string): Promise<void> {
  await session.http.send("POST", `${path}/lifecycle/${status === "ACTIVE" ? "activate" : "deactivate"}`);
}

async function readServer(session: ProviderSession, id: string, olds: Props): Promise<Props | undefined> {
  const server = await session.http.getOrUndefined(`${SERVERS}/${pathId(id)}`);
  return server === undefined ? undefined : { ...olds, ...authServerState(server) };
}

export const authServer: ResourceMapping = {
  type: "okta:auth/server:Server",
  source: "okta/services/idaas/resource_okta_auth_server.go",
  inputs: ["audiences", "credentialsRotationMode", "description", "issuerMode", "name", "status"],
  withDefaults: (inputs) =>
    applyDefaults(inputs, { credentialsRotationMode: "AUTO", issuerMode: "ORG_URL", status: "ACTIVE", description: "" }),
  replaceKeys: [],
  setKeys: ["audiences"],
  async create(session, news) {
    const created = await session.http.send<Json>("POST", SERVERS, authServerBody(news));
    const id = String(created.body["id"]);
    // Okta sets MANUAL rotation only on update, so the provider runs its update right away.
    if (str(news, "credentialsRotationMode") === "MANUAL") {
      await lifecycle(session, `${SERVERS}/${pathId(id)}`, str(news, "status"));
      await session.http.send("PUT", `${SERVERS}/${pathId(id)}`, authServerBody(news));
    }
    const state = await readServer(session, id, news);
    if (!state) throw new Error(`authorization server ${id} disappeared right after it was created`);
    return { id, outputs: state };
  },
  read: readServer,
  async update(session, id, olds, news) {
    const path = `${SERVERS}/${pathId(id)}`;
    if (str(olds, "status") !== str(news, "status")) await lifecycle(session, path, str(news, "status"));
    await session.http.send("PUT", path, authServerBody(news));
    return (await readServer(session, id, news)) ?? news;
  },
  async delete(session, id) {
    const path = `${SERVERS}/${pathId(id)}`;
    await session.http.sendIgnoring404("POST", `${path}/lifecycle/deactivate`);
    await session.http.sendIgnoring404("DELETE", path);
  },
};

// --- okta_auth_server_default: resource_okta_auth_server_default.go ----------

/** The fields of the provider's v2 `sdk.AuthorizationServer`: the PUT sends the fetched server back through it. */
const V2_SERVER_FIELDS = [
  "_links", "audiences", "created", "credentials", "default", "description", "id", "issuer", "issuerMode",
  "lastUpdated", "name", "status",
];

/** resourceAuthServerDefaultUpdate: the fetched server with this resource's fields written over it. */
export function defaultServerBody(fetched: Json, inputs: Props): Json {
  const body: Json = {};
  for (const key of V2_SERVER_FIELDS) if (fetched[key] !== undefined) body[key] = fetched[key];
  const name = str(inputs, "name");
  if (name !== "") body["name"] = name;
  if (body["default"] === true && !body["name"]) body["name"] = "default";
  body["audiences"] = strings(inputs, "audiences");
  const credentials = asJson(body["credentials"]);
  // The provider writes through `Credentials.Signing` with no nil check.
  body["credentials"] = { ...credentials, signing: { ...asJson(credentials["signing"]), rotationMode: str(inputs, "credentialsRotationMode") } };
  body["description"] = str(inputs, "description");
  body["issuerMode"] = str(inputs, "issuerMode");
  return omitEmpty(body);
}

async function adoptDefaultServer(session: ProviderSession, id: string, news: Props): Promise<{ id: string; outputs: Props }> {
  let server: Json;
  if (id !== "") {
    server = (await session.http.send<Json>("GET", `${SERVERS}/${pathId(id)}`)).body;
  } else {
    const found = (await session.http.list<Json>(SERVERS)).find((s) => s["default"] === true);
    if (!found) throw new Error("failed to get default authorization server: failed to find default authorization server");
    server = found;
  }
  const realId = String(server["id"]);
  const path = `${SERVERS}/${pathId(realId)}`;
  const status = str(news, "status");
  if (status === "ACTIVE" && server["status"] !== "ACTIVE") await session.http.send("POST", `${path}/lifecycle/activate`);
  if (status === "INACTIVE" && server["status"] !== "INACTIVE") await session.http.send("POST", `${path}/lifecycle/deactivate`);
  await session.http.send("PUT", path, defaultServerBody(server, news));
  const state = await readServer(session, realId, news);
  return { id: realId, outputs: state ?? news };
}

export const authServerDefault: ResourceMapping = {
  type: "okta:index/authServerDefault:AuthServerDefault",
  source: "okta/services/idaas/resource_okta_auth_server_default.go",
  inputs: ["audiences", "credentialsRotationMode", "description", "issuerMode", "name", "status"],
  withDefaults: (inputs) =>
    applyDefaults(inputs, {
      audiences: ["api://default"],
      credentialsRotationMode: "MANUAL",
      description: "Default Authorization Server for your Applications",
      name: "default",
      status: "ACTIVE",
    }),
  replaceKeys: [],
  setKeys: ["audiences"],
  // Create and update are one function: on create the name is the id to look up.
  create: (session, news) => adoptDefaultServer(session, str(news, "name"), news),
  read: readServer,
  update: async (session, id, _olds, news) => (await adoptDefaultServer(session, id, news)).outputs,
  // utils.ResourceFuncNoOp: Okta's default server cannot be deleted, so it stays as configured.
  delete: () => Promise.resolve(),
};

// --- okta_auth_server_scope: resource_okta_auth_server_scope.go (okta-sdk-golang v4) ---

/** buildAuthServerScope: v4 models send every field the builder set, false and "" included. */
export function scopeBody(inputs: Props): Json {
  return {
    consent: str(inputs, "consent"),
    description: str(inputs, "description"),
    metadataPublish: str(inputs, "metadataPublish"),
    name: str(inputs, "name"),
    displayName: str(inputs, "displayName"),
    default: bool(inputs, "default"),
    optional: bool(inputs, "optional"),
  };
}

export function scopeState(scope: Json): Props {
  return {
    name: scope["name"] ?? "",
    description: scope["description"] ?? "",
    displayName: scope["displayName"] ?? "",
    metadataPublish: scope["metadataPublish"] ?? "",
    default: scope["default"] === true,
    system: scope["system"] === true,
    optional: scope["optional"] === true,
    ...(typeof scope["consent"] === "string" && scope["consent"] !== "" ? { consent: scope["consent"] } : {}),
  };
}

function childPath(inputs: Props, collection: string, id?: string): string {
  const base = `${SERVERS}/${pathId(str(inputs, "authServerId"))}/${collection}`;
  return id === undefined ? base : `${base}/${pathId(id)}`;
}

export const authServerScope: ResourceMapping = {
  type: "okta:auth/serverScope:ServerScope",
  source: "okta/services/idaas/resource_okta_auth_server_scope.go",
  inputs: ["authServerId", "consent", "default", "description", "displayName", "metadataPublish", "name", "optional"],
  withDefaults: (inputs) =>
    applyDefaults(inputs, { consent: "IMPLICIT", metadataPublish: "ALL_CLIENTS", default: false, optional: false, description: "", displayName: "" }),
  replaceKeys: [],
  setKeys: [],
  async create(session, news) {
    const created = await session.http.send<Json>("POST", childPath(news, "scopes"), scopeBody(news));
    const id = String(created.body["id"]);
    return { id, outputs: (await this.read(session, id, news)) ?? news };
  },
  async read(session, id, olds) {
    const scope = await session.http.getOrUndefined(childPath(olds, "scopes", id));
    return scope === undefined ? undefined : { ...olds, ...scopeState(scope) };
  },
  async update(session, id, _olds, news) {
    await session.http.send("PUT", childPath(news, "scopes", id), scopeBody(news));
    return (await this.read(session, id, news)) ?? news;
  },
  async delete(session, id, olds) {
    await session.http.sendIgnoring404("DELETE", childPath(olds, "scopes", id));
  },
};

// --- okta_auth_server_claim: resource_okta_auth_server_claim.go (v2 SDK) -------

/** buildAuthServerClaim. The v2 struct names the filter type `group_filter_type` in JSON. */
export function claimBody(inputs: Props): Json {
  const scopes = strings(inputs, "scopes");
  return omitEmpty({
    status: str(inputs, "status"),
    claimType: str(inputs, "claimType"),
    valueType: str(inputs, "valueType"),
    value: str(inputs, "value"),
    alwaysIncludeInToken: bool(inputs, "alwaysIncludeInToken"),
    name: str(inputs, "name"),
    conditions: scopes.length > 0 ? { scopes } : {},
    group_filter_type: str(inputs, "groupFilterType"),
  });
}

export function claimState(claim: Json): Props {
  const scopes = asJson(claim["conditions"])["scopes"];
  return {
    ...(Array.isArray(scopes) && scopes.length > 0 ? { scopes } : {}),
    name: claim["name"] ?? "",
    status: claim["status"] ?? "",
    value: claim["value"] ?? "",
    valueType: claim["valueType"] ?? "",
    claimType: claim["claimType"] ?? "",
    alwaysIncludeInToken: claim["alwaysIncludeInToken"] === true,
    groupFilterType: claim["group_filter_type"] ?? "",
  };
}

export const authServerClaim: ResourceMapping = {
  type: "okta:auth/serverClaim:ServerClaim",
  source: "okta/services/idaas/resource_okta_auth_server_claim.go",
  inputs: ["alwaysIncludeInToken", "authServerId", "claimType", "groupFilterType", "name", "scopes", "status", "value", "valueType"],
  withDefaults: (inputs) => applyDefaults(inputs, { valueType: "EXPRESSION", alwaysIncludeInToken: true, status: "ACTIVE" }),
  replaceKeys: [],
  setKeys: ["scopes"],
  async create(session, news) {
    const created = await session.http.send<Json>("POST", childPath(news, "claims"), claimBody(news));
    const id = String(created.body["id"]);
    return { id, outputs: (await this.read(session, id, news)) ?? news };
  },
  async read(session, id, olds) {
    const claim = await session.http.getOrUndefined(childPath(olds, "claims", id));
    return claim === undefined ? undefined : { ...olds, ...claimState(claim) };
  },
  async update(session, id, _olds, news) {
    await session.http.send("PUT", childPath(news, "claims", id), claimBody(news));
    return (await this.read(session, id, news)) ?? news;
  },
  async delete(session, id, olds) {
    // System claims that are always included cannot be deleted; the provider skips the call.
    if (str(olds, "valueType") === "SYSTEM" && bool(olds, "alwaysIncludeInToken")) return;
    await session.http.send("DELETE", childPath(olds, "claims", id)); // a 404 fails, as in the provider
  },
};

// --- okta_auth_server_policy: resource_okta_auth_server_policy.go (v2 SDK) ----

export function policyBody(inputs: Props): Json {
  return omitEmpty({
    name: str(inputs, "name"),
    type: "OAUTH_AUTHORIZATION_POLICY",
    status: str(inputs, "status"),
    priority: int(inputs, "priority"),
    description: str(inputs, "description"),
    conditions: { clients: { include: strings(inputs, "clientWhitelists") } },
  });
}

export function policyState(policy: Json): Props {
  const include = asJson(asJson(asJson(policy["conditions"])["clients"]))["include"];
  return {
    name: policy["name"] ?? "",
    description: policy["description"] ?? "",
    status: policy["status"] ?? "",
    ...(typeof policy["priority"] === "number" ? { priority: policy["priority"] } : {}),
    clientWhitelists: Array.isArray(include) ? include : [],
  };
}

export const authServerPolicy: ResourceMapping = {
  type: "okta:auth/serverPolicy:ServerPolicy",
  source: "okta/services/idaas/resource_okta_auth_server_policy.go",
  inputs: ["authServerId", "clientWhitelists", "description", "name", "priority", "status"],
  withDefaults: (inputs) => applyDefaults(inputs, { status: "ACTIVE" }),
  replaceKeys: [],
  setKeys: ["clientWhitelists"],
  async create(session, news) {
    if (str(news, "status") === "INACTIVE") {
      throw new Error("can not create an inactive auth server policy, only existing ones can be deactivated");
    }
    const created = await session.http.send<Json>("POST", childPath(news, "policies"), policyBody(news));
    const id = String(created.body["id"]);
    return { id, outputs: (await this.read(session, id, news)) ?? news };
  },
  async read(session, id, olds) {
    const policy = await session.http.getOrUndefined(childPath(olds, "policies", id));
    return policy === undefined ? undefined : { ...olds, ...policyState(policy) };
  },
  async update(session, id, olds, news) {
    const path = childPath(news, "policies", id);
    await session.http.send("PUT", path, policyBody(news));
    if (str(olds, "status") !== str(news, "status")) await lifecycle(session, path, str(news, "status"));
    return (await this.read(session, id, news)) ?? news;
  },
  async delete(session, id, olds) {
    await session.http.send("DELETE", childPath(olds, "policies", id)); // a 404 fails, as in the provider
  },
};

// --- okta_auth_server_policy_rule: resource_okta_auth_server_policy_rule.go (v2 SDK) ---

/** validateAuthServerPolicyRule: checked by the provider before any request. */
export function policyRuleProblem(inputs: Props): string | undefined {
  const grants = strings(inputs, "grantTypeWhitelists");
  if (grants.includes("implicit") && strings(inputs, "userWhitelists").length === 0 && strings(inputs, "groupWhitelists").length === 0) {
    return `at least "user_whitelist" or "group_whitelist" should be provided when using 'implicit' in "grant_type_whitelist"`;
  }
  const rtlm = int(inputs, "refreshTokenLifetimeMinutes");
  const atlm = int(inputs, "accessTokenLifetimeMinutes");
  const rtwm = int(inputs, "refreshTokenWindowMinutes");
  if (rtlm > 0 && rtlm < atlm) return "'refresh_token_lifetime_minutes' must be greater than or equal to 'access_token_lifetime_minutes'";
  if (rtlm > 0 && (atlm > rtwm || rtlm < rtwm)) {
    return "'refresh_token_window_minutes' must be between 'access_token_lifetime_minutes' and 'refresh_token_lifetime_minutes'";
  }
  return undefined;
}

/** buildAuthServerPolicyRule. Token lifetimes carry no `omitempty`: always sent. */
export function policyRuleBody(inputs: Props): Json {
  const hook = str(inputs, "inlineHookId");
  return omitEmpty({
    name: str(inputs, "name"),
    status: str(inputs, "status"),
    priority: int(inputs, "priority"),
    type: str(inputs, "type"),
    actions: {
      token: {
        accessTokenLifetimeMinutes: int(inputs, "accessTokenLifetimeMinutes"),
        refreshTokenLifetimeMinutes: int(inputs, "refreshTokenLifetimeMinutes"),
        refreshTokenWindowMinutes: int(inputs, "refreshTokenWindowMinutes"),
        ...(hook === "" ? {} : { inlineHook: { id: hook } }),
      },
    },
    conditions: {
      grantTypes: omitEmpty({ include: strings(inputs, "grantTypeWhitelists") }),
      scopes: omitEmpty({ include: strings(inputs, "scopeWhitelists") }),
      people: {
        groups: omitEmpty({ include: strings(inputs, "groupWhitelists"), exclude: strings(inputs, "groupBlacklists") }),
        users: omitEmpty({ include: strings(inputs, "userWhitelists"), exclude: strings(inputs, "userBlacklists") }),
      },
    },
  });
}

export function policyRuleState(rule: Json): Props {
  const token = asJson(asJson(rule["actions"])["token"]);
  const conditions = asJson(rule["conditions"]);
  const people = asJson(conditions["people"]);
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  return {
    system: rule["system"] === true,
    name: rule["name"] ?? "",
    status: rule["status"] ?? "",
    ...(typeof rule["priority"] === "number" ? { priority: rule["priority"] } : {}),
    type: rule["type"] ?? "",
    ...(typeof token["accessTokenLifetimeMinutes"] === "number" ? { accessTokenLifetimeMinutes: token["accessTokenLifetimeMinutes"] } : {}),
    ...(typeof token["refreshTokenLifetimeMinutes"] === "number" ? { refreshTokenLifetimeMinutes: token["refreshTokenLifetimeMinutes"] } : {}),
    ...(typeof token["refreshTokenWindowMinutes"] === "number" ? { refreshTokenWindowMinutes: token["refreshTokenWindowMinutes"] } : {}),
    ...(asJson(token["inlineHook"])["id"] === undefined ? {} : { inlineHookId: asJson(token["inlineHook"])["id"] }),
    grantTypeWhitelists: list(asJson(conditions["grantTypes"])["include"]),
    scopeWhitelists: list(asJson(conditions["scopes"])["include"]),
    groupWhitelists: list(asJson(people["groups"])["include"]),
    groupBlacklists: list(asJson(people["groups"])["exclude"]),
    userWhitelists: list(asJson(people["users"])["include"]),
    userBlacklists: list(asJson(people["users"])["exclude"]),
  };
}

function rulePath(inputs: Props, id?: string): string {
  const base = `${childPath(inputs, "policies", str(inputs, "policyId"))}/rules`;
  return id === undefined ? base : `${base}/${pathId(id)}`;
}

export const authServerPolicyRule: ResourceMapping = {
  type: "okta:auth/serverPolicyRule:ServerPolicyRule",
  source: "okta/services/idaas/resource_okta_auth_server_policy_rule.go",
  inputs: [
    "accessTokenLifetimeMinutes", "authServerId", "grantTypeWhitelists", "groupBlacklists", "groupWhitelists", "inlineHookId",
    "name", "policyId", "priority", "refreshTokenLifetimeMinutes", "refreshTokenWindowMinutes", "scopeWhitelists", "status",
    "type", "userBlacklists", "userWhitelists",
  ],
  withDefaults: (inputs) =>
    applyDefaults(inputs, { type: "RESOURCE_ACCESS", status: "ACTIVE", accessTokenLifetimeMinutes: 60, refreshTokenWindowMinutes: 10080 }),
  replaceKeys: [],
  setKeys: ["grantTypeWhitelists", "scopeWhitelists", "groupWhitelists", "groupBlacklists", "userWhitelists", "userBlacklists"],
  create(session, news) {
    return session.serialiseRule(async () => {
      const problem = policyRuleProblem(news);
      if (problem) throw new Error(problem);
      const created = await session.http.send<Json>("POST", rulePath(news), policyRuleBody(news));
      const id = String(created.body["id"]);
      return { id, outputs: (await this.read(session, id, news)) ?? news };
    });
  },
  async read(session, id, olds) {
    const rule = await session.http.getOrUndefined(rulePath(olds, id));
    return rule === undefined ? undefined : { ...olds, ...policyRuleState(rule) };
  },
  update(session, id, olds, news) {
    return session.serialiseRule(async () => {
      const problem = policyRuleProblem(news);
      if (problem) throw new Error(problem);
      const path = rulePath(news, id);
      await session.http.send("PUT", path, policyRuleBody(news));
      if (str(olds, "status") !== str(news, "status")) await lifecycle(session, path, str(news, "status"));
      return (await this.read(session, id, news)) ?? news;
    });
  },
  delete(session, id, olds) {
    // a 404 fails, as in the provider
    return session.serialiseRule(async () => void (await session.http.send("DELETE", rulePath(olds, id))));
  },
};
