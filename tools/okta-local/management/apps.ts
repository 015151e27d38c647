/**
 * `/api/v1/apps`: OIDC apps (signOnMode OPENID_CONNECT), their lifecycle, group
 * and user assignments, and the extra calls terraform-provider-okta's
 * `resource_okta_app_oauth.go` makes after creating one. Shapes recorded in the
 * provider's `TestAccResourceOktaAuthServer_fullStack` and AppOauth cassettes;
 * rules from Okta's management API spec (OpenIdConnectApplication).
 */
import { z } from "zod";
import { deleteActiveApplication, notEmulated, notFound, validationFailed } from "../errors";
import { randomSecret, type OktaJson, type OrgState } from "../store";
import { requireGroupId } from "./groups";
import { requireUserId } from "./users";
import { booleanQuery, lookup, matchesExpression, page, params, parseBody, query, selfLink, timestamp, type ManagementContext, type ManagementRoutes } from "./shared";

const GRANT_TYPES = [
  "authorization_code",
  "implicit",
  "password",
  "refresh_token",
  "client_credentials",
  "interaction_code",
  "urn:ietf:params:oauth:grant-type:device_code",
  "urn:ietf:params:oauth:grant-type:jwt-bearer",
  "urn:ietf:params:oauth:grant-type:saml2-bearer",
  "urn:ietf:params:oauth:grant-type:token-exchange",
  "urn:okta:params:oauth:grant-type:oob",
  "urn:okta:params:oauth:grant-type:otp",
  "urn:openid:params:grant-type:ciba",
] as const;

const oidcAppBody = z.looseObject({
  // OIDC apps are named `oidc_client` (management API spec, OpenIdConnectApplication.name).
  name: z.literal("oidc_client", { message: "an OPENID_CONNECT app's name is oidc_client" }),
  label: z.string({ message: "The field cannot be left blank" }).trim().min(1, "The field cannot be left blank").max(100),
  signOnMode: z.literal("OPENID_CONNECT"),
  status: z.enum(["ACTIVE", "INACTIVE"]).optional(),
  credentials: z
    .looseObject({
      oauthClient: z
        .looseObject({
          client_id: z.string().optional(),
          // Recorded (`TestAccResourceOktaAppOauth_omitSecretSafeEnable`): an empty secret is accepted and Okta makes one.
          client_secret: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(14, "a client secret has at least 14 characters").optional()),
          token_endpoint_auth_method: z.enum(["none", "client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt"]).optional(),
          pkce_required: z.boolean().optional(),
          autoKeyRotation: z.boolean().optional(),
        })
        .optional(),
    })
    .optional(),
  visibility: z
    .looseObject({
      autoSubmitToolbar: z.boolean().optional(),
      hide: z.looseObject({ iOS: z.boolean().optional(), web: z.boolean().optional() }).optional(),
    })
    .optional(),
  accessibility: z.looseObject({ selfService: z.boolean().optional() }).optional(),
  settings: z.looseObject({
    implicitAssignment: z.boolean().optional(),
    // Notes for admins and for end users (ApplicationSettingsNotes); recorded back as sent, null when unset.
    notes: z.looseObject({ admin: z.string().nullable().optional(), enduser: z.string().nullable().optional() }).optional(),
    oauthClient: z.looseObject({
      application_type: z.enum(["web", "native", "browser", "service"]).optional(),
      // Okta's spec caps client_uri and logo_uri at 1024 characters (OpenIdConnectApplicationSettingsClient).
      // null is what a GET shows for an unset one, so a client PUTting a read app back sends it.
      client_uri: z.string().max(1024).nullable().optional(),
      logo_uri: z.string().max(1024).nullable().optional(),
      policy_uri: z.string().nullable().optional(),
      tos_uri: z.string().nullable().optional(),
      jwks_uri: z.string().nullable().optional(),
      initiate_login_uri: z.string().nullable().optional(),
      idp_initiated_login: z
        .looseObject({ mode: z.enum(["DISABLED", "SPEC", "OKTA"]).optional(), default_scope: z.array(z.string()).optional() })
        .optional(),
      grant_types: z.array(z.enum(GRANT_TYPES)).min(1, "at least one grant type"),
      response_types: z.array(z.enum(["code", "token", "id_token"])).optional(),
      redirect_uris: z.array(z.string().min(1)).optional(),
      post_logout_redirect_uris: z.array(z.string().min(1)).optional(),
      consent_method: z.enum(["REQUIRED", "TRUSTED"]).optional(),
      issuer_mode: z.enum(["ORG_URL", "CUSTOM_URL", "DYNAMIC"]).optional(),
      wildcard_redirect: z.enum(["DISABLED", "SUBDOMAIN"]).optional(),
      refresh_token: z
        .looseObject({ rotation_type: z.enum(["ROTATE", "STATIC"]), leeway: z.number().int().min(0, "leeway is 0–60 seconds").max(60, "leeway is 0–60 seconds").optional() })
        .optional(),
      participate_slo: z.boolean().optional(),
      frontchannel_logout_uri: z.string().nullable().optional(),
      frontchannel_logout_session_required: z.boolean().optional(),
      network: z.looseObject({ connection: z.string() }).optional(),
      jwks: z.looseObject({ keys: z.array(z.looseObject({})) }).optional(),
    }),
  }),
  profile: z.looseObject({}).optional(),
});
type OidcAppBody = z.infer<typeof oidcAppBody>;

/**
 * `settings.notes` as Okta returns it: each note as sent, null when unset
 * (TFV: `"notes":{"admin":"note 1","enduser":null}`, and `{admin: null,
 * enduser: null}` for apps created without notes). ASSUMPTION: a PUT replaces
 * both notes, so one left out is cleared, as the other settings a PUT carries.
 */
function appNotes(body: OidcAppBody): OktaJson {
  return { admin: body.settings.notes?.admin ?? null, enduser: body.settings.notes?.enduser ?? null };
}

/**
 * The OIDC client rules okta-local enforces, each from Okta's management API spec:
 * - `token_endpoint_auth_method` defaults to client_secret_basic;
 * - "If token_endpoint_auth_method is none, then pkce_required must be true";
 *   pkce_required defaults to true for browser and native apps;
 * - `refresh_token` appears only when grant_types include refresh_token
 *   (recorded); ROTATE is the default for browser apps, STATIC otherwise;
 *   leeway 0–60, default 30, and STATIC has none (recorded).
 * ASSUMPTION: redirect-based grants need at least one redirect URI.
 */
function oauthClientSettings(body: OidcAppBody): { credentials: OktaJson; settings: OktaJson; issuesSecret: boolean } {
  const client = body.settings.oauthClient;
  const applicationType = client.application_type ?? "web";
  const authMethod = body.credentials?.oauthClient?.token_endpoint_auth_method ?? "client_secret_basic";
  const pkceRequired = body.credentials?.oauthClient?.pkce_required ?? (applicationType === "browser" || applicationType === "native");
  const problems: { field: string; message: string }[] = [];
  if (authMethod === "none" && !pkceRequired) {
    problems.push({ field: "credentials.oauthClient.pkce_required", message: "must be true when token_endpoint_auth_method is none (got false)" });
  }
  const redirects = client.redirect_uris ?? [];
  if ((client.grant_types.includes("authorization_code") || client.grant_types.includes("implicit")) && redirects.length === 0) {
    problems.push({ field: "settings.oauthClient.redirect_uris", message: "authorization_code and implicit apps need at least one redirect URI" });
  }
  // Okta's spec (OpenIdConnectApplicationIdpInitiatedLogin.mode): "For OKTA or
  // SPEC modes, the client must have an initiate_login_uri registered", and web
  // and SPA apps in those modes need an authorization_code, implicit or
  // interaction_code grant. The cause's text is Okta's error catalogue entry
  // missing_initiate_login_uri; ASSUMPTION: /api/v1/apps reports it as E0000001
  // on the field, like its other validation failures.
  const loginMode = client.idp_initiated_login?.mode ?? "DISABLED";
  const loginUri = client.initiate_login_uri ?? "";
  if (loginMode !== "DISABLED" && loginUri === "") {
    problems.push({ field: "settings.oauthClient.initiate_login_uri", message: `initiate_login_uri is missing. idp_initiated_login.mode ${loginMode} needs the URI Okta opens to start a sign-in; set one or use mode DISABLED` });
  }
  if (loginMode !== "DISABLED" && (applicationType === "web" || applicationType === "browser") && !client.grant_types.some((g) => g === "authorization_code" || g === "implicit" || g === "interaction_code")) {
    problems.push({ field: "settings.oauthClient.idp_initiated_login.mode", message: `${loginMode} needs grant_types to include authorization_code, implicit or interaction_code for a ${applicationType} app (got ${JSON.stringify(client.grant_types)})` });
  }
  // ASSUMPTION: Okta refuses an initiate_login_uri that is not an absolute URI
  // (its catalogue's invalid_initiate_login_uri, "The initiate_login_uri is invalid.").
  if (loginUri !== "" && !URL.canParse(loginUri)) {
    problems.push({ field: "settings.oauthClient.initiate_login_uri", message: `The initiate_login_uri is invalid: it must be an absolute URI such as https://app.example.com/login (got ${JSON.stringify(loginUri)})` });
  }
  for (const [key, uris] of [["redirect_uris", redirects], ["post_logout_redirect_uris", client.post_logout_redirect_uris ?? []]] as const) {
    uris.forEach((uri, index) => {
      const problem = redirectUriProblem(uri);
      if (problem !== undefined) problems.push({ field: `settings.oauthClient.${key}[${index}]`, message: `${problem} (got ${JSON.stringify(uri)})` });
    });
  }
  if (problems.length) throw validationFailed(problems);

  // Okta keeps what it is given and returns it on every read. Recorded: an app
  // without client_uri and logo_uri shows them as null, and one without
  // initiate_login_uri, policy_uri, tos_uri or jwks_uri leaves them out.
  const optionalUris: OktaJson = {};
  for (const key of ["initiate_login_uri", "policy_uri", "tos_uri", "jwks_uri"] as const) {
    const value = client[key];
    if (typeof value === "string" && value !== "") optionalUris[key] = value;
  }
  const settings: OktaJson = {
    client_uri: client.client_uri || null,
    logo_uri: client.logo_uri || null,
    redirect_uris: redirects,
    ...(client.post_logout_redirect_uris ? { post_logout_redirect_uris: client.post_logout_redirect_uris } : {}),
    response_types: client.response_types ?? ["code"],
    grant_types: client.grant_types,
    ...optionalUris,
    application_type: applicationType,
    consent_method: client.consent_method ?? "TRUSTED",
    issuer_mode: client.issuer_mode ?? "DYNAMIC",
    idp_initiated_login: { mode: loginMode, default_scope: client.idp_initiated_login?.default_scope ?? [] },
    wildcard_redirect: client.wildcard_redirect ?? "DISABLED",
    dpop_bound_access_tokens: false,
    // Recorded: `network`, `jwks` and the front-channel logout settings are kept as sent and left out when not.
    ...(client.network ? { network: client.network } : {}),
    participate_slo: client.participate_slo ?? false,
    ...(typeof client.frontchannel_logout_uri === "string" ? { frontchannel_logout_uri: client.frontchannel_logout_uri, frontchannel_logout_session_required: client.frontchannel_logout_session_required ?? false } : {}),
    ...(client.jwks ? { jwks: client.jwks } : {}),
  };
  if (client.grant_types.includes("refresh_token")) {
    const rotation = client.refresh_token?.rotation_type ?? (applicationType === "browser" ? "ROTATE" : "STATIC");
    settings.refresh_token = rotation === "ROTATE" ? { rotation_type: "ROTATE", leeway: client.refresh_token?.leeway ?? 30 } : { rotation_type: "STATIC" };
  }
  const credentials: OktaJson = {
    autoKeyRotation: body.credentials?.oauthClient?.autoKeyRotation ?? true,
    token_endpoint_auth_method: authMethod,
    pkce_required: pkceRequired,
  };
  // Only secret-based client authentication gets a secret (recorded: private_key_jwt apps have none).
  return { credentials, settings, issuesSecret: authMethod === "client_secret_basic" || authMethod === "client_secret_post" || authMethod === "client_secret_jwt" };
}

/**
 * Client keys (`settings.oauthClient.jwks`) as Okta keeps them (recorded,
 * `TestAccResourceOktaAppOauth_serviceWithJWKS`): each key gets an id (`pks…`),
 * `status` ACTIVE and `use` null unless sent. A key sent again (same `kid`)
 * keeps its id.
 */
function withClientKeyIds(settings: OktaJson, current: OktaJson | undefined, newId: (prefix: string) => string): OktaJson {
  const keys = (settings.jwks as { keys?: OktaJson[] } | undefined)?.keys;
  if (!keys) return settings;
  const known = ((current?.jwks as { keys?: OktaJson[] } | undefined)?.keys ?? []).filter((k) => typeof k.kid === "string");
  return {
    ...settings,
    jwks: {
      keys: keys.map((key) => ({
        ...key,
        id: key.id ?? known.find((k) => k.kid === key.kid)?.id ?? newId("pks"),
        status: key.status ?? "ACTIVE",
        use: key.use ?? null,
        // Recorded: an EC key sent without a curve comes back with `crv: null`.
        ...(key.kty === "EC" ? { crv: key.crv ?? null } : {}),
      })),
    },
  };
}

/**
 * The dashboard tile and self-service settings, kept as sent: `hide.web`
 * false is what puts the app on the Okta dashboard. ASSUMPTION: a key left
 * out takes the default of Okta's spec (ApplicationVisibility: autoLaunch,
 * autoSubmitToolbar, hide.iOS and hide.web false; ApplicationAccessibility:
 * selfService false), and a PUT, which replaces the app, does the same.
 */
function dashboardSettings(body: OidcAppBody): { visibility: OktaJson; accessibility: OktaJson } {
  const hide = body.visibility?.hide;
  return {
    visibility: {
      autoLaunch: false,
      autoSubmitToolbar: body.visibility?.autoSubmitToolbar ?? false,
      hide: { iOS: hide?.iOS ?? false, web: hide?.web ?? false },
      appLinks: { oidc_client_link: true },
    },
    accessibility: { selfService: body.accessibility?.selfService ?? false, errorRedirectUrl: null, loginRedirectUrl: null },
  };
}

/**
 * A redirect URI is an absolute URI without a fragment (RFC 6749 section
 * 3.1.2); native apps may use a private-use scheme such as
 * `com.example.app:/callback` (RFC 8252 section 7.1), which parses as an
 * absolute URI too. ASSUMPTION: Okta refuses anything else with E0000001 on
 * the field; its exact text is not recorded.
 */
function redirectUriProblem(uri: string): string | undefined {
  if (!URL.canParse(uri)) return "must be an absolute URI such as https://app.example.com/callback";
  if (uri.includes("#")) return "must not contain a fragment (#)";
  return undefined;
}

/**
 * An OIDC app's user profile as Okta fills it from the user's (recorded,
 * `TestAccDataSourceOktaAppUserAssignments_read`): the OpenID Connect standard
 * claims, the names and email from the profile, `zoneinfo`
 * America/Los_Angeles and `locale` en_US, the others null.
 */
function oidcAppUserProfile(user: OktaJson): OktaJson {
  const text = (key: string): string | null => {
    const value = user[key];
    return typeof value === "string" ? value : null;
  };
  const fullName = [text("firstName"), text("lastName")].filter((part) => part !== null).join(" ");
  const unset = ["street_address", "country", "website", "birthdate", "gender", "formatted", "profile", "locality", "middle_name", "picture", "nickname", "phone_number", "region", "postal_code"];
  return {
    ...Object.fromEntries(unset.map((key) => [key, null])),
    zoneinfo: "America/Los_Angeles",
    locale: "en_US",
    given_name: text("firstName"),
    family_name: text("lastName"),
    name: fullName === "" ? null : fullName,
    email: text("email"),
  };
}

export function requireAppId(state: OrgState, appId: string): string {
  return String(lookup(state.apps, appId, "AppInstance").id);
}

/** `client_secret` only in POST and PUT responses, never in GET (recorded: 180 of 180 GETs without it). */
function renderApp(ctx: ManagementContext, state: OrgState, app: OktaJson, withSecret: boolean): OktaJson {
  const id = String(app.id);
  const credentials = structuredClone(app.credentials) as { oauthClient: OktaJson };
  const secret = state.clientSecrets[id];
  if (withSecret && secret) credentials.oauthClient.client_secret = secret;
  const path = `/api/v1/apps/${id}`;
  return {
    ...app,
    credentials,
    _links: {
      appLinks: [{ name: "oidc_client_link", href: `${ctx.orgUrl()}/home/oidc_client/${id}/aln5z7uhkbM6y7bMy0g7`, type: "text/html" }],
      groups: selfLink(ctx, `${path}/groups`),
      users: selfLink(ctx, `${path}/users`),
      logo: [{ name: "medium", href: `${ctx.orgUrl()}/assets/img/logos/default.png`, type: "image/png" }],
      accessPolicy: selfLink(ctx, `/api/v1/policies/${state.appAccessPolicies[id] ?? ""}`),
      ...(app.status === "ACTIVE" ? { deactivate: selfLink(ctx, `${path}/lifecycle/deactivate`) } : { activate: selfLink(ctx, `${path}/lifecycle/activate`) }),
    },
  };
}

function assignmentLinks(ctx: ManagementContext, appId: string, kind: "groups" | "users", id: string): OktaJson {
  return {
    app: selfLink(ctx, `/api/v1/apps/${appId}`),
    self: selfLink(ctx, `/api/v1/apps/${appId}/${kind}/${id}`),
    [kind === "groups" ? "group" : "user"]: selfLink(ctx, `/api/v1/${kind}/${id}`),
  };
}

export const appRoutes: ManagementRoutes = (app, ctx) => {
  const { store } = ctx;

  app.get("/api/v1/apps", (request, reply) => {
    const q = query(request);
    let apps = Object.values(store.state.apps);
    if (q.q !== undefined) apps = apps.filter((a) => String(a.label).toLowerCase().startsWith(String(q.q).toLowerCase()) || String(a.name).toLowerCase().startsWith(String(q.q).toLowerCase()));
    if (q.filter !== undefined) apps = apps.filter((a) => matchesExpression(String(q.filter), a));
    return page(request, reply, ctx, apps, { defaultLimit: 20, maxLimit: 200 }).map((a) => renderApp(ctx, store.state, a, false));
  });

  app.post("/api/v1/apps", (request) => {
    const { signOnMode, name } = (request.body ?? {}) as { signOnMode?: unknown; name?: unknown };
    if (typeof signOnMode === "string" && signOnMode !== "OPENID_CONNECT") throw notEmulated("POST", `/api/v1/apps with signOnMode ${signOnMode}`);
    // An OPENID_CONNECT app with another name is an Okta Integration Network catalog app (e.g. `strongdm`), whose
    // settings come from Okta's catalog; okta-local has no catalog.
    if (typeof name === "string" && name !== "oidc_client") throw notEmulated("POST", `/api/v1/apps for the catalog app ${name}`);
    const body = parseBody(oidcAppBody, request.body);
    const activate = booleanQuery(request, "activate", true);
    const { credentials, settings, issuesSecret } = oauthClientSettings(body);
    const { visibility, accessibility } = dashboardSettings(body);
    const created = store.mutate((s) => {
      const requestedId = body.credentials?.oauthClient?.client_id;
      // Okta accepts a caller-chosen client_id (recorded, `TestAccResourceOktaAppOauth_clientBasicSecretWo`); okta-local's
      // OAuth layer knows a client by its app id, so it answers 501 rather than half-honour one.
      if (requestedId !== undefined && requestedId !== "") throw notEmulated("POST", "/api/v1/apps with a caller-chosen credentials.oauthClient.client_id");
      const id = store.newId("0oa");
      const now = timestamp();
      const stored: OktaJson = {
        id,
        // Okta's resource name for the app (recorded); production orgs' partition is `okta`.
        orn: `orn:okta:idp:${s.org.id}:apps:${body.name}:${id}`,
        name: body.name,
        label: body.label,
        status: activate ? "ACTIVE" : "INACTIVE",
        lastUpdated: now,
        created: now,
        accessibility,
        visibility,
        features: [],
        signOnMode: "OPENID_CONNECT",
        credentials: {
          userNameTemplate: { template: "${source.login}", type: "BUILT_IN" },
          signing: { kid: s.signingKeys.org?.kid ?? "" },
          // client_id is the app id (recorded).
          oauthClient: { ...credentials, client_id: id },
        },
        // Recorded `null` in orgs without Identity Threat Protection (`itpEnabled: false` in
        // `/.well-known/okta-organization`); with that paid add-on it is Universal Logout's settings.
        universalLogout: null,
        settings: {
          app: {},
          notifications: { vpn: { network: { connection: "DISABLED" }, message: null, helpUrl: null } },
          manualProvisioning: false,
          implicitAssignment: body.settings.implicitAssignment ?? false,
          emOptInStatus: "NONE",
          notes: appNotes(body),
          oauthClient: withClientKeyIds(settings, undefined, (p) => store.newId(p)),
        },
        ...(body.profile ? { profile: body.profile } : {}),
      };
      s.apps[id] = stored;
      if (issuesSecret) s.clientSecrets[id] = body.credentials?.oauthClient?.client_secret ?? randomSecret(48);
      s.appGroupAssignments[id] = {};
      s.appUserAssignments[id] = {};
      return stored;
    });
    // Recorded: `POST /api/v1/apps?activate=true` answers 200, not 201.
    return renderApp(ctx, store.state, created, true);
  });

  app.get("/api/v1/apps/:appId", (request) => renderApp(ctx, store.state, lookup(store.state.apps, params(request).appId ?? "", "AppInstance"), false));

  app.put("/api/v1/apps/:appId", (request) => {
    const body = parseBody(oidcAppBody, request.body);
    const { credentials, settings, issuesSecret } = oauthClientSettings(body);
    const { visibility, accessibility } = dashboardSettings(body);
    const updated = store.mutate((s) => {
      const current = lookup(s.apps, params(request).appId ?? "", "AppInstance");
      const id = String(current.id);
      const currentCredentials = current.credentials as OktaJson;
      Object.assign(current, {
        label: body.label,
        lastUpdated: timestamp(),
        accessibility,
        visibility,
        credentials: { ...currentCredentials, oauthClient: { ...credentials, client_id: id } },
        settings: {
          ...(current.settings as OktaJson),
          implicitAssignment: body.settings.implicitAssignment ?? false,
          notes: appNotes(body),
          oauthClient: withClientKeyIds(settings, (current.settings as { oauthClient: OktaJson }).oauthClient, (p) => store.newId(p)),
        },
      });
      // A PUT replaces the app: a profile it leaves out is gone (recorded, `TestAccResourceOktaAppOauth_customProfileAttributes`).
      if (body.profile) current.profile = body.profile;
      else delete current.profile;
      // ASSUMPTION: PUT keeps the secret unless the body sets one; a method without secrets drops it.
      if (!issuesSecret) delete s.clientSecrets[id];
      else s.clientSecrets[id] = body.credentials?.oauthClient?.client_secret ?? s.clientSecrets[id] ?? randomSecret(48);
      return current;
    });
    return renderApp(ctx, store.state, updated, true);
  });

  // Recorded: `POST …/lifecycle/deactivate` answers 200 `{}`.
  for (const [action, status] of [["activate", "ACTIVE"], ["deactivate", "INACTIVE"]] as const) {
    app.post(`/api/v1/apps/:appId/lifecycle/${action}`, (request) => {
      store.mutate((s) => {
        const current = lookup(s.apps, params(request).appId ?? "", "AppInstance");
        Object.assign(current, { status, lastUpdated: timestamp() });
      });
      return {};
    });
  }

  // Recorded: deactivate, then `DELETE` answers 204. An ACTIVE app cannot be deleted (E0000056, Okta error catalogue).
  app.delete("/api/v1/apps/:appId", (request, reply) => {
    store.mutate((s) => {
      const current = lookup(s.apps, params(request).appId ?? "", "AppInstance");
      const id = String(current.id);
      if (current.status === "ACTIVE") throw deleteActiveApplication(id);
      delete s.apps[id];
      delete s.clientSecrets[id];
      delete s.appGroupAssignments[id];
      delete s.appUserAssignments[id];
      delete s.appAccessPolicies[id];
      delete s.appIdTokenSettings[id];
    });
    return reply.code(204).send();
  });

  // The internal idToken endpoint the provider calls after every create (recorded, e.g. fullStack #34,
  // AppOauth_groups_claim #1 and #6): the POST stores the body's settings and answers them with `issuer` and
  // `audience` null; a GET answers `issuer` = the org URL and `audience` = the client id, beside what was stored
  // (`{"issuerMode", …the groups claim's name, valueType, value, groupFilterType}`).
  const idTokenPath = "/api/v1/internal/apps/:appId/settings/oauth/idToken";
  const idTokenBody = z.looseObject({ issuerMode: z.enum(["ORG_URL", "CUSTOM_URL", "DYNAMIC"]).optional() });
  const idTokenSettings = (stored: OktaJson, issuer: string | null, audience: string | null): OktaJson => ({
    ...stored,
    issuer,
    orgUrl: null,
    customUrl: null,
    audience,
  });
  app.post(idTokenPath, (request) => {
    const body = parseBody(idTokenBody, request.body);
    return store.mutate((s) => {
      const current = s.apps[params(request).appId ?? ""];
      if (!current) throw notFound(params(request).appId ?? "", "OAuth2AppInstance");
      const stored: OktaJson = { ...body, issuerMode: body.issuerMode ?? "ORG_URL" };
      s.appIdTokenSettings[String(current.id)] = stored;
      return idTokenSettings(stored, null, null);
    });
  });
  app.get(idTokenPath, (request) => {
    const appId = params(request).appId ?? "";
    const current = store.state.apps[appId];
    if (!current) throw notFound(appId, "OAuth2AppInstance");
    const stored = store.state.appIdTokenSettings[appId] ?? { issuerMode: String((current.settings as { oauthClient: OktaJson }).oauthClient.issuer_mode) };
    return idTokenSettings(stored, ctx.orgUrl(), appId);
  });

  // The app sign-on policy binding (`PUT /api/v1/apps/{id}/policies/{policyId}` answers 204, recorded).
  app.put("/api/v1/apps/:appId/policies/:policyId", (request, reply) => {
    store.mutate((s) => {
      const appId = requireAppId(s, params(request).appId ?? "");
      const policy = s.orgPolicies[params(request).policyId ?? ""];
      if (!policy || policy.type !== "ACCESS_POLICY") throw notFound(params(request).policyId ?? "", "Policy");
      s.appAccessPolicies[appId] = String(policy.id);
    });
    return reply.code(204).send();
  });

  // App group assignments (`okta_app_group_assignments`): PUT answers 200 with `{id: groupId, priority, profile}` (recorded).
  const assignmentBody = z.looseObject({ priority: z.number().int().min(0, "priority must not be negative").optional(), profile: z.looseObject({}).optional() });
  app.put("/api/v1/apps/:appId/groups/:groupId", (request) => {
    const body = parseBody(assignmentBody, request.body);
    return store.mutate((s) => {
      const appId = requireAppId(s, params(request).appId ?? "");
      const groupId = requireGroupId(s, params(request).groupId ?? "");
      const assignments = (s.appGroupAssignments[appId] ??= {});
      const existing = assignments[groupId];
      // ASSUMPTION: without a priority an assignment keeps its old one, or goes after the others.
      const assignment: OktaJson = { id: groupId, lastUpdated: timestamp(), priority: body.priority ?? existing?.priority ?? Object.keys(assignments).length, profile: body.profile ?? existing?.profile ?? {} };
      assignments[groupId] = assignment;
      return { ...assignment, _links: assignmentLinks(ctx, appId, "groups", groupId) };
    });
  });
  app.get("/api/v1/apps/:appId/groups", (request, reply) => {
    const appId = requireAppId(store.state, params(request).appId ?? "");
    // Okta's default page is 20 and its maximum 200 (Application Groups API reference).
    const assignments = page(request, reply, ctx, Object.values(store.state.appGroupAssignments[appId] ?? {}), { defaultLimit: 20, maxLimit: 200 });
    return assignments.map((a) => ({ ...a, _links: assignmentLinks(ctx, appId, "groups", String(a.id)) }));
  });
  app.get("/api/v1/apps/:appId/groups/:groupId", (request) => {
    const appId = requireAppId(store.state, params(request).appId ?? "");
    const assignment = store.state.appGroupAssignments[appId]?.[params(request).groupId ?? ""];
    if (!assignment) throw notFound(params(request).groupId ?? "", "AppGroup");
    return { ...assignment, _links: assignmentLinks(ctx, appId, "groups", String(assignment.id)) };
  });
  app.delete("/api/v1/apps/:appId/groups/:groupId", (request, reply) => {
    store.mutate((s) => {
      const appId = requireAppId(s, params(request).appId ?? "");
      const groupId = params(request).groupId ?? "";
      if (!s.appGroupAssignments[appId]?.[groupId]) throw notFound(groupId, "AppGroup");
      delete s.appGroupAssignments[appId][groupId];
    });
    return reply.code(204).send();
  });

  // Direct user assignment (`POST /api/v1/apps/{appId}/users`, Application Users API reference).
  const userAssignmentBody = z.looseObject({
    id: z.string({ message: "The field cannot be left blank" }).min(1),
    scope: z.enum(["USER", "GROUP"]).optional(),
    credentials: z.looseObject({ userName: z.string().optional() }).optional(),
    profile: z.looseObject({}).optional(),
  });
  app.post("/api/v1/apps/:appId/users", (request) => {
    const body = parseBody(userAssignmentBody, request.body);
    return store.mutate((s) => {
      const appId = requireAppId(s, params(request).appId ?? "");
      const userId = requireUserId(s, body.id);
      const user = s.users[userId] ?? {};
      const userProfile = (user.profile ?? {}) as OktaJson;
      const now = timestamp();
      const assignment: OktaJson = {
        id: userId,
        externalId: null,
        created: now,
        lastUpdated: now,
        scope: "USER",
        status: "ACTIVE",
        statusChanged: now,
        passwordChanged: null,
        syncState: "DISABLED",
        credentials: { userName: body.credentials?.userName ?? userProfile.login },
        profile: { ...oidcAppUserProfile(userProfile), ...(body.profile ?? {}) },
      };
      (s.appUserAssignments[appId] ??= {})[userId] = assignment;
      return { ...assignment, _links: assignmentLinks(ctx, appId, "users", userId) };
    });
  });
  app.get("/api/v1/apps/:appId/users", (request, reply) => {
    const appId = requireAppId(store.state, params(request).appId ?? "");
    const assignments = page(request, reply, ctx, Object.values(store.state.appUserAssignments[appId] ?? {}), { defaultLimit: 50, maxLimit: 500 });
    return assignments.map((a) => ({ ...a, _links: assignmentLinks(ctx, appId, "users", String(a.id)) }));
  });
  app.get("/api/v1/apps/:appId/users/:userId", (request) => {
    const appId = requireAppId(store.state, params(request).appId ?? "");
    const assignment = store.state.appUserAssignments[appId]?.[params(request).userId ?? ""];
    if (!assignment) throw notFound(params(request).userId ?? "", "AppUser");
    return { ...assignment, _links: assignmentLinks(ctx, appId, "users", String(assignment.id)) };
  });
  app.delete("/api/v1/apps/:appId/users/:userId", (request, reply) => {
    store.mutate((s) => {
      const appId = requireAppId(s, params(request).appId ?? "");
      const userId = params(request).userId ?? "";
      if (!s.appUserAssignments[appId]?.[userId]) throw notFound(userId, "AppUser");
      delete s.appUserAssignments[appId][userId];
    });
    return reply.code(204).send();
  });
};
