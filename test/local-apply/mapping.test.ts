/**
 * The request bodies and state mappings of local-apply's emulated provider,
 * checked against what terraform-provider-okta's builders send for the
 * inputs this program registers. Pure functions: no org, no runtime.
 */
import { describe, expect, it } from "vitest";
import { assertLoopbackOrg, LoopbackOnlyError } from "../../tools/local-apply/apply";
import { markSecrets, maskSecrets, revealSecrets, SECRET_SIG, SECRET_SIG_KEY } from "../../tools/local-apply/engine";
import { nextLink } from "../../tools/local-apply/http";
import { changedInputs } from "../../tools/local-apply/provider";
import { RESOURCES } from "../../tools/local-apply/resources";
import { appBody, appGroupAssignments, appState, groupAssignmentBody, oauthApp, syncGroups } from "../../tools/local-apply/resources/app";
import {
  authServer,
  authServerBody,
  authServerDefault,
  authServerPolicyRule,
  claimBody,
  defaultServerBody,
  policyBody,
  policyRuleBody,
  policyRuleProblem,
  scopeBody,
} from "../../tools/local-apply/resources/authServer";
import { groupBody, userSchemaAttribute, userSchemaBody, userSchemaProperty } from "../../tools/local-apply/resources/directory";

/** The native app's inputs as the program registers them (components/oauthApp.ts, cliAppSpec). */
const cliApp = oauthApp.withDefaults({
  label: "Stacklok CLI and Desktop (prod)",
  type: "native",
  tokenEndpointAuthMethod: "none",
  pkceRequired: true,
  grantTypes: ["authorization_code", "refresh_token"],
  responseTypes: ["code"],
  redirectUris: ["http://localhost:8666/callback"],
  postLogoutRedirectUris: [],
  refreshTokenRotation: "ROTATE",
  refreshTokenLeeway: 30,
  consentMethod: "TRUSTED",
  skipAuthenticationPolicy: true,
  status: "ACTIVE",
});

describe("authorization server bodies (resource_okta_auth_server*.go)", () => {
  it("sends no status, and leaves an empty description out", () => {
    const body = authServerBody(authServer.withDefaults({ name: "em", audiences: ["enterprise-manager"], status: "ACTIVE" }));
    expect(body).toEqual({
      audiences: ["enterprise-manager"],
      credentials: { signing: { rotationMode: "AUTO" } },
      name: "em",
      issuerMode: "ORG_URL",
    });
  });

  it("adopting default PUTs the fetched server back with this resource's fields over it", () => {
    const fetched = {
      id: "aus1",
      name: "default",
      default: true,
      status: "ACTIVE",
      issuer: "http://127.0.0.1:1/oauth2/default",
      audiences: ["api://default"],
      credentials: { signing: { kid: "k1", rotationMode: "AUTO", use: "sig" } },
      somethingNew: "dropped: not a field of the provider's struct",
    };
    const inputs = authServerDefault.withDefaults({ audiences: ["enterprise-manager"], credentialsRotationMode: "AUTO" });
    const body = defaultServerBody(fetched, inputs);
    expect(body).toEqual({
      id: "aus1",
      name: "default",
      default: true,
      status: "ACTIVE",
      issuer: "http://127.0.0.1:1/oauth2/default",
      audiences: ["enterprise-manager"],
      credentials: { signing: { kid: "k1", rotationMode: "AUTO", use: "sig" } },
      description: "Default Authorization Server for your Applications",
    });
  });

  it("a scope sends its false flags (okta-sdk-golang v4 sends every field the builder set)", () => {
    expect(scopeBody({ name: "toolhive:config:read", default: false, optional: false, consent: "IMPLICIT", metadataPublish: "ALL_CLIENTS" })).toEqual({
      consent: "IMPLICIT",
      description: "",
      metadataPublish: "ALL_CLIENTS",
      name: "toolhive:config:read",
      displayName: "",
      default: false,
      optional: false,
    });
  });

  it("a claim names its group filter group_filter_type and always carries conditions", () => {
    const body = claimBody({ name: "groups", claimType: "RESOURCE", valueType: "GROUPS", value: "stacklok-.*", groupFilterType: "REGEX", alwaysIncludeInToken: true, status: "ACTIVE" });
    expect(body).toMatchObject({ group_filter_type: "REGEX", conditions: {}, alwaysIncludeInToken: true });
    expect(body).not.toHaveProperty("groupFilterType");
  });

  it("a policy is an OAUTH_AUTHORIZATION_POLICY listing its clients", () => {
    expect(policyBody({ name: "p", priority: 1, status: "ACTIVE", description: "d", clientWhitelists: ["0oa1"] })).toEqual({
      name: "p",
      type: "OAUTH_AUTHORIZATION_POLICY",
      status: "ACTIVE",
      priority: 1,
      description: "d",
      conditions: { clients: { include: ["0oa1"] } },
    });
  });

  it("a rule always sends its token lifetimes and an (empty) users condition", () => {
    const inputs = authServerPolicyRule.withDefaults({
      name: "r",
      priority: 1,
      grantTypeWhitelists: ["authorization_code"],
      scopeWhitelists: ["openid"],
      groupWhitelists: ["EVERYONE"],
      refreshTokenLifetimeMinutes: 0,
    });
    expect(policyRuleBody(inputs)).toEqual({
      name: "r",
      status: "ACTIVE",
      priority: 1,
      type: "RESOURCE_ACCESS",
      actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
      conditions: {
        grantTypes: { include: ["authorization_code"] },
        scopes: { include: ["openid"] },
        people: { groups: { include: ["EVERYONE"] }, users: {} },
      },
    });
  });

  it("refuses, before any request, a refresh window outside the token lifetimes", () => {
    expect(policyRuleProblem({ accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 120, refreshTokenWindowMinutes: 200 })).toMatch(
      /refresh_token_window_minutes/,
    );
    expect(policyRuleProblem({ accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10 })).toBeUndefined();
  });
});

describe("OIDC app body (resource_okta_app_oauth.go buildAppOAuthV6)", () => {
  it("maps the native app's inputs to Okta's field names", () => {
    const body = appBody(cliApp, true);
    expect(body).toMatchObject({
      label: "Stacklok CLI and Desktop (prod)",
      name: "oidc_client",
      signOnMode: "OPENID_CONNECT",
      credentials: {
        oauthClient: { autoKeyRotation: true, token_endpoint_auth_method: "none", pkce_required: true },
        userNameTemplate: { template: "${source.login}", type: "BUILT_IN" },
      },
      settings: {
        oauthClient: {
          application_type: "native",
          grant_types: ["authorization_code", "refresh_token"],
          response_types: ["code"],
          redirect_uris: ["http://localhost:8666/callback"],
          consent_method: "TRUSTED",
          issuer_mode: "ORG_URL",
          wildcard_redirect: "DISABLED",
          refresh_token: { rotation_type: "ROTATE", leeway: 30 },
          idp_initiated_login: { default_scope: [], mode: "DISABLED" },
        },
      },
      visibility: { hide: { iOS: true, web: true } },
    });
    // An empty list is left out, as the provider only sets a non-empty one.
    expect(asRecord(asRecord(body["settings"])["oauthClient"])).not.toHaveProperty("post_logout_redirect_uris");
    expect(asRecord(asRecord(body["credentials"])["oauthClient"])).not.toHaveProperty("client_secret");
  });

  it("on update sends the client id and the secret held in state back", () => {
    const body = appBody({ ...cliApp, clientId: "0oaX", tokenEndpointAuthMethod: "client_secret_basic" }, false, "s3cret");
    expect(asRecord(asRecord(body["credentials"])["oauthClient"])).toMatchObject({ client_id: "0oaX", client_secret: "s3cret" });
  });

  it("sends the admin note in settings.notes only when set (BuildAppNotesV6), and reads it back so it does not diff", () => {
    const marked = { ...cliApp, adminNote: "resource cli-desktop managed by Pulumi stack p/prod" };
    expect(asRecord(appBody(marked, true)["settings"])["notes"]).toEqual({ admin: "resource cli-desktop managed by Pulumi stack p/prod" });
    expect(asRecord(appBody(cliApp, true)["settings"])["notes"]).toEqual({});
    const answer = (body: Record<string, unknown>, notes: unknown) => ({ ...body, id: "0oa1", status: "ACTIVE", settings: { ...asRecord(body["settings"]), notes } });
    const state = { ...marked, ...appState(answer(appBody(marked, true), { admin: marked.adminNote, enduser: null })) };
    expect(state).toMatchObject({ adminNote: marked.adminNote, enduserNote: "" });
    expect(changedInputs(oauthApp, marked, state)).toEqual([]);
    // A note changed by hand in the admin console is put back, in place: the app is updated, not replaced.
    const edited = { ...marked, ...appState(answer(appBody(marked, true), { admin: "edited by hand", enduser: null })) };
    expect(changedInputs(oauthApp, marked, edited)).toEqual(["adminNote"]);
    expect(oauthApp.replaceKeys).not.toContain("adminNote");
  });

  it("defaults pkce_required as the provider does when it is unset", () => {
    const { pkceRequired: _unset, ...rest } = cliApp;
    const web = { ...rest, type: "web", tokenEndpointAuthMethod: "client_secret_basic" };
    const pkceOf = (inputs: Record<string, unknown>, isNew: boolean) => asRecord(asRecord(appBody(inputs, isNew)["credentials"])["oauthClient"])["pkce_required"];
    expect(pkceOf(rest, true)).toBe(true); // token auth none
    expect(pkceOf(web, true)).toBe(false);
    expect(pkceOf({ ...web, type: "native" }, true)).toBe(true);
    expect(pkceOf({ ...web, type: "native" }, false)).toBe(false);
  });

  it("reads a GET back into the inputs it came from, so a no-op apply sees no change", () => {
    const body = appBody(cliApp, true);
    const answer = { ...body, id: "0oa1", status: "ACTIVE", credentials: { ...asRecord(body["credentials"]), oauthClient: { ...asRecord(asRecord(body["credentials"])["oauthClient"]), client_id: "0oa1" } } };
    const state = { ...cliApp, ...appState(answer) };
    expect(changedInputs(oauthApp, cliApp, state)).toEqual([]);
    expect(changedInputs(oauthApp, { ...cliApp, redirectUris: ["http://127.0.0.1:8666/callback"] }, state)).toEqual(["redirectUris"]);
  });
});

describe("a dashboard tile (hide_web false, login_mode SPEC)", () => {
  const tileApp = oauthApp.withDefaults({
    label: "Stacklok Cloud UI (prod)",
    type: "web",
    grantTypes: ["authorization_code", "refresh_token"],
    responseTypes: ["code"],
    redirectUris: ["https://cloud.example.com/api/auth/callback"],
    postLogoutRedirectUris: ["https://cloud.example.com/signed-out"],
    hideWeb: false,
    hideIos: true,
    loginMode: "SPEC",
    loginUri: "https://cloud.example.com",
    status: "ACTIVE",
  });

  it("sends both hide keys, the false one included, with the login URI and mode", () => {
    const body = appBody(tileApp, true);
    expect(body["visibility"]).toMatchObject({ hide: { iOS: true, web: false } });
    expect(asRecord(asRecord(body["settings"])["oauthClient"])).toMatchObject({
      initiate_login_uri: "https://cloud.example.com",
      idp_initiated_login: { mode: "SPEC", default_scope: [] },
    });
  });

  it("reads the tile back as set, and sees a login URI or tile that Okta no longer holds", () => {
    const body = appBody(tileApp, true);
    const answer = { ...body, id: "0oa2", status: "ACTIVE" };
    expect(changedInputs(oauthApp, tileApp, { ...tileApp, ...appState(answer) })).toEqual([]);
    const client = asRecord(asRecord(body["settings"])["oauthClient"]);
    const { initiate_login_uri: _dropped, ...withoutUri } = client;
    const lost = { ...answer, visibility: { hide: { iOS: true, web: true } }, settings: { ...asRecord(body["settings"]), oauthClient: withoutUri } };
    expect(changedInputs(oauthApp, tileApp, { ...tileApp, ...appState(lost) }).sort()).toEqual(["hideWeb", "loginUri"]);
  });
});

describe("app group assignments (resource_okta_app_group_assignments.go)", () => {
  it("PUTs {id, profile} and leaves a zero priority out", () => {
    expect(groupAssignmentBody({ id: "00g1", profile: "{}" })).toEqual({ id: "00g1", profile: {} });
    expect(groupAssignmentBody({ id: "00g1", profile: "{}", priority: 2 })).toEqual({ id: "00g1", profile: {}, priority: 2 });
  });

  it("ignores the priority Okta numbered the groups with when none is configured (the schema's DiffSuppressFunc)", () => {
    const desired = { appId: "0oa1", groups: [{ id: "00gA", profile: "{}" }, { id: "00gB", profile: "{}" }] };
    const synced = syncGroups(desired.groups, [
      { id: "00gA", priority: 0, profile: {} },
      { id: "00gB", priority: 1, profile: {} },
    ]);
    expect(changedInputs(appGroupAssignments, desired, { ...desired, groups: synced })).toEqual([]);
    const pinned = { ...desired, groups: [{ id: "00gA", profile: "{}" }, { id: "00gB", profile: "{}", priority: 5 }] };
    expect(changedInputs(appGroupAssignments, pinned, { ...desired, groups: synced })).toEqual(["groups"]);
  });

  it("keeps the configured order, appends assignments made outside, and ignores a zero priority in the diff", () => {
    const synced = syncGroups([{ id: "00gB", profile: "{}" }, { id: "00gA", profile: "{}" }], [
      { id: "00gA", priority: 0, profile: {} },
      { id: "00gC", priority: 1 },
      { id: "00gB", priority: 0, profile: {} },
    ]);
    expect(synced.map((g) => g.id)).toEqual(["00gB", "00gA", "00gC"]);
    const desired = { appId: "0oa1", groups: [{ id: "00gB", profile: "{}" }, { id: "00gA", profile: "{}" }] };
    expect(changedInputs(appGroupAssignments, desired, { ...desired, groups: synced.slice(0, 2) })).toEqual([]);
    expect(changedInputs(appGroupAssignments, desired, { ...desired, groups: synced })).toEqual(["groups"]);
  });
});

describe("groups and the user schema", () => {
  it("a group is its profile", () => {
    expect(groupBody({ name: "stacklok-prod-users", description: "People" })).toEqual({ profile: { name: "stacklok-prod-users", description: "People" } });
  });

  it("the roles attribute is a one-property partial schema; null deletes it (merge patch)", () => {
    const attribute = userSchemaAttribute(
      userSchemaProperty.withDefaults({ index: "roles", title: "Stacklok roles", type: "array", arrayType: "string", master: "OKTA", permissions: "READ_ONLY", scope: "NONE" }),
    );
    expect(attribute).toEqual({
      title: "Stacklok roles",
      type: "array",
      required: false,
      permissions: [{ action: "READ_ONLY", principal: "SELF" }],
      scope: "NONE",
      master: { type: "OKTA" },
      items: { type: "string" },
    });
    expect(userSchemaBody("roles", null)).toEqual({ definitions: { custom: { id: "#custom", type: "object", properties: { roles: null } } } });
  });
});

describe("engine plumbing", () => {
  it("maps every Okta resource type the program registers", () => {
    expect([...RESOURCES.keys()].sort()).toEqual([
      "okta:app/oAuth:OAuth",
      "okta:auth/server:Server",
      "okta:auth/serverClaim:ServerClaim",
      "okta:auth/serverPolicy:ServerPolicy",
      "okta:auth/serverPolicyRule:ServerPolicyRule",
      "okta:auth/serverScope:ServerScope",
      "okta:group/group:Group",
      "okta:index/appGroupAssignments:AppGroupAssignments",
      "okta:index/authServerDefault:AuthServerDefault",
      "okta:index/userSchemaProperty:UserSchemaProperty",
    ]);
  });

  it("compares set inputs without order and lists inputs without order", () => {
    const state = { audiences: ["b", "a"], name: "n" };
    expect(changedInputs(authServer, { audiences: ["a", "b"], name: "n" }, state)).toEqual([]);
    expect(changedInputs(authServer, { audiences: ["a"], name: "n" }, state)).toEqual(["audiences"]);
  });

  it("marks and reveals secrets in the SDK's wire form", () => {
    const marked = markSecrets({ clientId: "0oa1", clientSecret: "s" }, ["clientSecret"]);
    expect(marked["clientSecret"]).toEqual({ [SECRET_SIG_KEY]: SECRET_SIG, value: "s" });
    const paths: string[] = [];
    expect(revealSecrets({ cloudUi: marked["clientSecret"], mode: "single" }, "", paths)).toEqual({ cloudUi: "s", mode: "single" });
    expect(paths).toEqual(["cloudUi"]);
  });

  it("masks secrets where the engine holds them, at any depth, as pulumi stack output prints them without --show-secrets", () => {
    const secret = (value: unknown) => ({ [SECRET_SIG_KEY]: SECRET_SIG, value });
    const outputs = { cloudUi: secret({ clientSecret: "s" }), nested: { list: ["a", secret("b")], keep: 1 }, mode: "single" };
    expect(maskSecrets(outputs)).toEqual({ cloudUi: "[secret]", nested: { list: ["a", "[secret]"], keep: 1 }, mode: "single" });
    expect(revealSecrets(outputs)).toEqual({ cloudUi: { clientSecret: "s" }, nested: { list: ["a", "b"], keep: 1 }, mode: "single" });
  });

  it("follows a Link header's next page as a path on the org", () => {
    expect(nextLink('<http://127.0.0.1:9/api/v1/apps/x/groups?after=00g2&limit=200>; rel="next", <http://127.0.0.1:9/api/v1/apps/x/groups?limit=200>; rel="self"', "http://127.0.0.1:9")).toBe(
      "/api/v1/apps/x/groups?after=00g2&limit=200",
    );
    expect(nextLink('<http://127.0.0.1:9/api/v1/groups>; rel="self"', "http://127.0.0.1:9")).toBeUndefined();
  });

  it.each(["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:3000/"])("accepts the loopback org %s", (url) => {
    expect(assertLoopbackOrg(url).hostname).not.toBe("");
  });

  it.each(["https://acme.okta.com", "http://10.0.0.1:8080", "http://127.0.0.1.nip.io", "file:///etc/passwd", "not a url"])(
    "refuses the org %s",
    (url) => {
      expect(() => assertLoopbackOrg(url)).toThrow(LoopbackOnlyError);
    },
  );
});

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
}
