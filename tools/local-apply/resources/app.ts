/**
 * OIDC apps and their group assignments, as terraform-provider-okta
 * (okta/services/idaas/, v6.12.0) calls Okta's Applications API:
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/
 */
import { OktaApiError, type Json } from "../http";
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

const APPS = "/api/v1/apps";

// --- okta_app_oauth: resource_okta_app_oauth.go ------------------------------

/**
 * buildAppOAuthV6. Field names are Okta's (snake_case inside `oauthClient`).
 * ASSUMPTION: okta-sdk-golang v6's `...WithDefaults()` constructors add
 * `consent_method: TRUSTED` and `dpop_bound_access_tokens: false` to the
 * client settings and `hide: {iOS: false, web: false}` to the visibility
 * (read from its model source), and nothing else that the builder does not
 * set itself; `visibility.autoSubmitToolbar` and
 * `accessibility.selfService` are sent as false, Okta's documented defaults.
 */
export function appBody(inputs: Props, isNew: boolean, stateSecret = ""): Json {
  const type = str(inputs, "type");
  const authMethod = str(inputs, "tokenEndpointAuthMethod");
  const grantTypes = strings(inputs, "grantTypes");
  let responseTypes = strings(inputs, "responseTypes");
  if (responseTypes.length === 0) {
    responseTypes = [];
    if (grantTypes.some((g) => g === "implicit" || g === "client_credentials")) responseTypes.push("token");
    if (grantTypes.some((g) => g === "password" || g === "authorization_code" || g === "refresh_token")) responseTypes.push("code");
  }
  // Unset pkce_required: true for `none` and for new native/browser apps.
  const pkceRequired =
    inputs["pkceRequired"] === undefined ? authMethod === "none" || (isNew && (type === "native" || type === "browser")) : bool(inputs, "pkceRequired");

  const oauthCredentials: Json = {
    autoKeyRotation: inputs["autoKeyRotation"] === undefined ? true : bool(inputs, "autoKeyRotation"),
    token_endpoint_auth_method: authMethod,
    pkce_required: pkceRequired,
  };
  const clientId = str(inputs, "clientId");
  if (clientId !== "") oauthCredentials["client_id"] = clientId;
  // On update the provider sends the secret it holds in state back.
  const secret = str(inputs, "clientBasicSecret") || stateSecret;
  if (secret !== "") oauthCredentials["client_secret"] = secret;

  const client: Json = {
    consent_method: str(inputs, "consentMethod") || "TRUSTED",
    dpop_bound_access_tokens: false,
    application_type: type,
    grant_types: grantTypes,
    response_types: responseTypes,
  };
  const redirectUris = strings(inputs, "redirectUris");
  if (redirectUris.length > 0) client["redirect_uris"] = redirectUris;
  const postLogout = strings(inputs, "postLogoutRedirectUris");
  if (postLogout.length > 0) client["post_logout_redirect_uris"] = postLogout;
  for (const [input, field] of [
    ["clientUri", "client_uri"], ["loginUri", "initiate_login_uri"], ["logoUri", "logo_uri"], ["policyUri", "policy_uri"],
    ["tosUri", "tos_uri"], ["issuerMode", "issuer_mode"], ["wildcardRedirect", "wildcard_redirect"], ["jwksUri", "jwks_uri"],
  ] as const) {
    const value = str(inputs, input);
    if (value !== "") client[field] = value;
  }
  // login_scopes is a set: an empty one is still a non-nil slice, so the block is always sent.
  client["idp_initiated_login"] = { default_scope: strings(inputs, "loginScopes"), ...(str(inputs, "loginMode") ? { mode: str(inputs, "loginMode") } : {}) };
  if (grantTypes.includes("refresh_token")) {
    client["refresh_token"] = {
      ...(str(inputs, "refreshTokenRotation") ? { rotation_type: str(inputs, "refreshTokenRotation") } : {}),
      leeway: int(inputs, "refreshTokenLeeway"),
    };
  }

  // BuildAppNotesV6: each note only when set (GetOk skips an empty string).
  const settings: Json = { oauthClient: client, notes: omitEmpty({ admin: str(inputs, "adminNote"), enduser: str(inputs, "enduserNote") }) };
  if (inputs["implicitAssignment"] === true) settings["implicitAssignment"] = true;
  // BuildAppVisibilityV6 starts from NewApplicationVisibilityHideWithDefaults,
  // which sets both keys false, and only overrides the ones set true: both
  // are always on the wire.
  const hide: Json = { iOS: bool(inputs, "hideIos"), web: bool(inputs, "hideWeb") };
  return {
    label: str(inputs, "label"),
    name: str(inputs, "preconfiguredApp") || "oidc_client",
    signOnMode: "OPENID_CONNECT",
    credentials: {
      oauthClient: oauthCredentials,
      userNameTemplate: omitEmpty({
        template: str(inputs, "userNameTemplate"),
        type: str(inputs, "userNameTemplateType"),
        userSuffix: str(inputs, "userNameTemplateSuffix"),
        pushStatus: str(inputs, "userNameTemplatePushStatus"),
      }),
    },
    settings,
    visibility: { autoSubmitToolbar: bool(inputs, "autoSubmitToolbar"), hide },
    accessibility: { selfService: bool(inputs, "accessibilitySelfService") },
  };
}

/** resourceAppOAuthRead + setOAuthClientSettingsV6: what a GET puts in state. The secret is never read back. */
export function appState(app: Json): Props {
  const credentials = asJson(app["credentials"]);
  const oauthCredentials = asJson(credentials["oauthClient"]);
  const template = asJson(credentials["userNameTemplate"]);
  const settings = asJson(app["settings"]);
  const client = asJson(settings["oauthClient"]);
  const refresh = asJson(client["refresh_token"]);
  const visibility = asJson(app["visibility"]);
  const hide = asJson(visibility["hide"]);
  const idpLogin = asJson(client["idp_initiated_login"]);
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const state: Props = {
    name: app["name"] ?? "",
    status: app["status"] ?? "",
    signOnMode: app["signOnMode"] ?? "",
    label: app["label"] ?? "",
    accessibilitySelfService: asJson(app["accessibility"])["selfService"] === true,
    autoSubmitToolbar: visibility["autoSubmitToolbar"] === true,
    hideIos: hide["iOS"] === true,
    hideWeb: hide["web"] === true,
    type: client["application_type"] ?? "",
    issuerMode: client["issuer_mode"] ?? "",
    wildcardRedirect: client["wildcard_redirect"] ?? "",
    redirectUris: list(client["redirect_uris"]),
    responseTypes: list(client["response_types"]),
    grantTypes: list(client["grant_types"]),
    postLogoutRedirectUris: list(client["post_logout_redirect_uris"]),
    implicitAssignment: settings["implicitAssignment"] === true,
    // notes.GetAdmin()/GetEnduser(): a null note reads as "".
    adminNote: asJson(settings["notes"])["admin"] ?? "",
    enduserNote: asJson(settings["notes"])["enduser"] ?? "",
    // Set on every read, null and absent reading as "" (GetClientUri and the like).
    clientUri: client["client_uri"] ?? "",
    logoUri: client["logo_uri"] ?? "",
    tosUri: client["tos_uri"] ?? "",
    policyUri: client["policy_uri"] ?? "",
    loginUri: client["initiate_login_uri"] ?? "",
    jwksUri: client["jwks_uri"] ?? "",
  };
  if (typeof template["template"] === "string" && template["template"] !== "") {
    state["userNameTemplate"] = template["template"];
    state["userNameTemplateType"] = template["type"] ?? "";
    state["userNameTemplateSuffix"] = template["userSuffix"] ?? "";
    state["userNameTemplatePushStatus"] = template["pushStatus"] ?? "";
  }
  if (typeof oauthCredentials["client_id"] === "string" && oauthCredentials["client_id"] !== "") {
    state["clientId"] = oauthCredentials["client_id"];
    state["tokenEndpointAuthMethod"] = oauthCredentials["token_endpoint_auth_method"] ?? "";
    state["autoKeyRotation"] = oauthCredentials["autoKeyRotation"] === true;
    state["pkceRequired"] = oauthCredentials["pkce_required"] === true;
  }
  // Only set when present, so an org that omits it shows no perpetual diff.
  if (typeof client["consent_method"] === "string" && client["consent_method"] !== "") state["consentMethod"] = client["consent_method"];
  if (typeof refresh["rotation_type"] === "string" && refresh["rotation_type"] !== "") {
    state["refreshTokenRotation"] = refresh["rotation_type"];
    if (typeof refresh["leeway"] === "number") state["refreshTokenLeeway"] = refresh["leeway"];
  }
  if (typeof idpLogin["mode"] === "string" && idpLogin["mode"] !== "") {
    state["loginMode"] = idpLogin["mode"];
    state["loginScopes"] = list(idpLogin["default_scope"]);
  }
  return state;
}

/** The app's access (authentication) policy from `_links.accessPolicy.href`, as setAuthenticationPolicy reads it. */
function accessPolicyId(app: Json): string | undefined {
  const href = asJson(asJson(app["_links"])["accessPolicy"])["href"];
  return typeof href === "string" ? href.split("/").pop() : undefined;
}

/** app_authentication_policy.go createOrUpdateAuthenticationPolicy, skipped for service apps and skip_authentication_policy. */
async function assignAuthenticationPolicy(session: ProviderSession, appId: string, inputs: Props): Promise<void> {
  if (str(inputs, "type") === "service" || bool(inputs, "skipAuthenticationPolicy")) return;
  let policyId = str(inputs, "authenticationPolicy");
  if (policyId === "") {
    // assignDefaultAuthenticationPolicy (policy.go findDefaultAccessPolicy):
    // Classic orgs have no access policies; an OIE org must have exactly one system one.
    if (await session.isClassicOrg()) return;
    const policies = await session.http.send<Json[]>("GET", "/api/v1/policies?type=ACCESS_POLICY");
    const system = (policies.body ?? []).filter((p) => p["system"] === true);
    if (system.length !== 1) {
      throw new Error("failed to set authentication policy for an OAuth application: error finding default ACCESS_POLICY: cannot find default ACCESS_POLICY policy");
    }
    policyId = String(system[0]?.["id"]);
  }
  await session.http.send("PUT", `${APPS}/${pathId(appId)}/policies/${pathId(policyId)}`);
}

/**
 * setAppOauthGroupsClaim with no `groups_claim`: an empty claim carrying the
 * issuer mode goes to Okta's internal endpoint on every create
 * (sdk/app_oauth_group_claim.go), except for preconfigured apps.
 */
async function setGroupsClaim(session: ProviderSession, appId: string, inputs: Props): Promise<void> {
  if (str(inputs, "preconfiguredApp") !== "") return;
  const issuerMode = str(inputs, "issuerMode");
  if (issuerMode === "") throw new Error("failed to update groups claim for an OAuth application: issuer_mode must be set");
  await session.http.send("POST", `/api/v1/internal/apps/${pathId(appId)}/settings/oauth/idToken`, { issuerMode });
}

async function readApp(session: ProviderSession, id: string, olds: Props): Promise<Props | undefined> {
  let app: Json;
  try {
    app = (await session.http.send<Json>("GET", `${APPS}/${pathId(id)}`)).body;
  } catch (err) {
    // The v6 read does not suppress 404: the refresh fails, as `pulumi refresh` would.
    if (err instanceof OktaApiError) throw new Error(`failed to get OAuth application: ${err.message}`);
    throw err;
  }
  if (app["signOnMode"] !== "OPENID_CONNECT") {
    throw new Error("failed to verify app type: unexpected application response type from Okta - not an OpenIdConnectApplication");
  }
  const state: Props = { ...olds, ...appState(app) };
  if (!bool(olds, "skipAuthenticationPolicy")) {
    if (!(await session.isClassicOrg())) {
      const policy = accessPolicyId(app);
      if (policy !== undefined) state["authenticationPolicy"] = policy;
    }
  } else {
    state["authenticationPolicy"] = "";
  }
  // flattenGroupsClaim: errors are swallowed; this program never sets groups_claim.
  try {
    await session.http.send("GET", `/api/v1/internal/apps/${pathId(id)}/settings/oauth/idToken`);
  } catch {
    /* as the provider: an unreadable groups claim reads as none */
  }
  return state;
}

export const oauthApp: ResourceMapping = {
  type: "okta:app/oAuth:OAuth",
  source: "okta/services/idaas/resource_okta_app_oauth.go",
  inputs: [
    "accessibilitySelfService", "adminNote", "authenticationPolicy", "autoKeyRotation", "autoSubmitToolbar", "clientBasicSecret", "clientId",
    "clientUri", "consentMethod", "enduserNote", "grantTypes", "hideIos", "hideWeb", "implicitAssignment", "issuerMode", "jwksUri", "label",
    "loginMode", "loginScopes", "loginUri", "logoUri", "omitSecret", "pkceRequired", "policyUri", "postLogoutRedirectUris",
    "redirectUris", "refreshTokenLeeway", "refreshTokenRotation", "responseTypes", "skipAuthenticationPolicy", "status",
    "tokenEndpointAuthMethod", "tosUri", "type", "userNameTemplate", "userNameTemplatePushStatus", "userNameTemplateSuffix",
    "userNameTemplateType", "wildcardRedirect",
  ],
  withDefaults: (inputs) =>
    applyDefaults(inputs, {
      status: "ACTIVE",
      tokenEndpointAuthMethod: "client_secret_basic",
      autoKeyRotation: true,
      loginMode: "DISABLED",
      wildcardRedirect: "DISABLED",
      consentMethod: "TRUSTED",
      issuerMode: "ORG_URL",
      refreshTokenRotation: "STATIC",
      refreshTokenLeeway: 0,
      autoSubmitToolbar: false,
      hideIos: true,
      hideWeb: true,
      accessibilitySelfService: false,
      skipAuthenticationPolicy: false,
      omitSecret: false,
      userNameTemplate: "${source.login}",
      userNameTemplateType: "BUILT_IN",
    }),
  replaceKeys: ["type", "clientId"],
  setKeys: ["grantTypes", "responseTypes", "postLogoutRedirectUris", "loginScopes"],
  secretOutputs: ["clientSecret", "clientBasicSecret"],
  async create(session, news) {
    const activate = str(news, "status") === "ACTIVE";
    const created = await session.http.send<Json>("POST", `${APPS}?activate=${activate}`, appBody(news, true));
    if (created.body["signOnMode"] !== "OPENID_CONNECT") {
      throw new Error("unexpected application response type from Okta - not an OpenIdConnectApplication");
    }
    const id = String(created.body["id"]);
    const secret = asJson(asJson(created.body["credentials"])["oauthClient"])["client_secret"];
    await setGroupsClaim(session, id, news);
    await assignAuthenticationPolicy(session, id, news);
    const state = (await readApp(session, id, news)) ?? news;
    state["clientSecret"] = !bool(news, "omitSecret") && typeof secret === "string" ? secret : "";
    return { id, outputs: state };
  },
  read: readApp,
  async update(session, id, olds, news, changed) {
    // AppUpdateStatus: the lifecycle call first, then the rest only if anything else changed.
    if (changed.includes("status")) {
      await session.http.send("POST", `${APPS}/${pathId(id)}/lifecycle/${str(news, "status") === "ACTIVE" ? "activate" : "deactivate"}`);
    }
    if (changed.every((key) => key === "status")) return { ...olds, status: news["status"] };
    const withState = { ...news, clientId: olds["clientId"] };
    const body = appBody(withState, false, bool(news, "omitSecret") ? "" : str(olds, "clientSecret"));
    const replaced = await session.http.send<Json>("PUT", `${APPS}/${pathId(id)}`, body);
    const secret = asJson(asJson(replaced.body["credentials"])["oauthClient"])["client_secret"];
    await assignAuthenticationPolicy(session, id, news);
    const state = (await readApp(session, id, news)) ?? news;
    state["clientSecret"] = bool(news, "omitSecret") ? "" : typeof secret === "string" ? secret : str(olds, "clientSecret");
    return state;
  },
  async delete(session, id, olds) {
    // deleteApplication: deactivate an active app, then delete. (The provider
    // retries both for up to 20 s / 30 s; one attempt here.)
    if (str(olds, "status") === "ACTIVE") await session.http.send("POST", `${APPS}/${pathId(id)}/lifecycle/deactivate`);
    await session.http.send("DELETE", `${APPS}/${pathId(id)}`);
  },
};

// --- okta_app_group_assignments: resource_okta_app_group_assignments.go (v2 SDK) ---

export interface GroupEntry {
  id: string;
  profile?: string;
  priority?: number;
}

function groupEntries(inputs: Props): GroupEntry[] {
  const groups = inputs["groups"];
  return Array.isArray(groups) ? groups.map((g) => asJson(g) as unknown as GroupEntry) : [];
}

/** tfGroupsToGroupAssignments: `{id, profile, priority?}` for `PUT /api/v1/apps/{app}/groups/{group}`. */
export function groupAssignmentBody(group: GroupEntry): Json {
  let profile: unknown;
  try {
    profile = JSON.parse(group.profile ?? "");
  } catch {
    profile = undefined;
  }
  return {
    id: group.id,
    ...(typeof group.priority === "number" && group.priority !== 0 ? { priority: group.priority } : {}),
    ...(profile === undefined || profile === null ? {} : { profile }),
  };
}

/** syncGroups: configured groups still assigned keep their order; others found in Okta are appended. */
export function syncGroups(configured: GroupEntry[], assigned: Json[]): GroupEntry[] {
  const result: GroupEntry[] = [];
  for (const group of configured) {
    const assignment = assigned.find((a) => a["id"] === group.id);
    if (!assignment) continue;
    result.push(withPriority({ id: group.id, profile: mergedProfile(group.profile, assignment["profile"]) }, assignment));
  }
  for (const assignment of assigned) {
    if (configured.some((g) => g.id === assignment["id"])) continue;
    const entry: GroupEntry = { id: String(assignment["id"]) };
    if (typeof assignment["profile"] === "string") entry.profile = assignment["profile"];
    result.push(withPriority(entry, assignment));
  }
  return result;
}

function withPriority(entry: GroupEntry, assignment: Json): GroupEntry {
  const priority = assignment["priority"];
  return typeof priority === "number" && priority >= 0 ? { ...entry, priority } : entry;
}

/** buildProfile: the configured profile's keys, updated from Okta's non-null values. */
function mergedProfile(configured: string | undefined, actual: unknown): string {
  let old: Json;
  try {
    old = asJson(JSON.parse(configured ?? ""));
  } catch {
    return "";
  }
  if (!actual || typeof actual !== "object" || Array.isArray(actual)) return "";
  for (const [key, value] of Object.entries(actual as Json)) if (value !== null && key in old) old[key] = value;
  return JSON.stringify(old);
}

/**
 * Whether the assignments Okta holds match the configured ones: same groups
 * in the same order, same profiles (as normalised JSON, the schema's
 * StateFunc). The `priority` DiffSuppressFunc compares a top-level key that
 * does not exist, so it suppresses every priority diff whenever the
 * configured priority is unset or 0: Okta's own numbering is then ignored.
 */
export function sameAssignments(desired: GroupEntry[], actual: GroupEntry[]): boolean {
  const normalised = (profile: string | undefined) => {
    try {
      return JSON.stringify(JSON.parse(profile ?? ""));
    } catch {
      return profile ?? "";
    }
  };
  return (
    desired.length === actual.length &&
    desired.every((want, i) => {
      const have = actual[i];
      if (!have || have.id !== want.id || normalised(have.profile) !== normalised(want.profile)) return false;
      return !want.priority || want.priority === have.priority;
    })
  );
}

function assignmentsPath(appId: string, groupId?: string): string {
  return `${APPS}/${pathId(appId)}/groups${groupId === undefined ? "" : `/${pathId(groupId)}`}`;
}

async function readAssignments(session: ProviderSession, olds: Props): Promise<Props | undefined> {
  let assigned: Json[];
  try {
    assigned = await session.http.list<Json>(`${assignmentsPath(str(olds, "appId"))}?limit=200`);
  } catch (err) {
    if (err instanceof OktaApiError && err.status === 404) return undefined;
    throw err;
  }
  return { ...olds, groups: syncGroups(groupEntries(olds), assigned) };
}

export const appGroupAssignments: ResourceMapping = {
  type: "okta:index/appGroupAssignments:AppGroupAssignments",
  source: "okta/services/idaas/resource_okta_app_group_assignments.go",
  inputs: ["appId", "groups"],
  withDefaults: (inputs) => applyDefaults(inputs, { groups: [] }),
  replaceKeys: ["appId"],
  setKeys: [],
  sameInput: (key, desired, actual) =>
    key === "groups"
      ? sameAssignments(groupEntries({ groups: desired }), groupEntries({ groups: actual }))
      : undefined,
  async create(session, news) {
    const appId = str(news, "appId");
    for (const group of groupEntries(news)) await session.http.send("PUT", assignmentsPath(appId, group.id), groupAssignmentBody(group));
    // The whole app's assignment list is this resource: its id is the app's.
    return { id: appId, outputs: (await readAssignments(session, news)) ?? news };
  },
  read: (session, _id, olds) => readAssignments(session, olds),
  async update(session, _id, olds, news) {
    const appId = str(news, "appId");
    const wanted = groupEntries(news);
    for (const old of groupEntries(olds)) {
      if (!wanted.some((g) => g.id === old.id)) await session.http.send("DELETE", assignmentsPath(appId, old.id));
    }
    // Every wanted group is PUT again, changed or not (splitAssignmentsTargets).
    for (const group of wanted) await session.http.send("PUT", assignmentsPath(appId, group.id), groupAssignmentBody(group));
    return (await readAssignments(session, news)) ?? news;
  },
  async delete(session, _id, olds) {
    for (const group of groupEntries(olds)) await session.http.sendIgnoring404("DELETE", assignmentsPath(str(olds, "appId"), group.id));
  },
};
