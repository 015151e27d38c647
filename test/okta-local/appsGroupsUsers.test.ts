/**
 * OIDC apps, app assignments, groups, users, membership, the user schema and
 * the org probes, held to Okta's recorded answers and its management API spec.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectOktaError, nativeAppBody, startTestOrg, webAppBody, type Json, type TestOrg } from "./support";

let t: TestOrg;
beforeAll(async () => {
  t = await startTestOrg({ seed: { users: [{ login: "sam@example.com", password: "pw-Sam-1", email: "sam@example.com", firstName: "Sam", lastName: "Seed", groups: ["later-group"], profile: { roles: ["toolhive-admin"] } }] } });
});
afterAll(async () => {
  await t.close();
});

const oauthClient = (app: Json) => (app.credentials as { oauthClient: Json }).oauthClient;
const settingsClient = (app: Json) => (app.settings as { oauthClient: Json }).oauthClient;

describe("OIDC apps", () => {
  it("answers POST /api/v1/apps?activate=true with 200, client_id = id and the secret; GET never shows the secret", async () => {
    const created = await t.call("POST", "/api/v1/apps?activate=true", webAppBody("cloud-ui"));
    expect(created.status).toBe(200);
    expect(created.body.id).toMatch(/^0oa/);
    expect(created.body).toMatchObject({ name: "oidc_client", label: "cloud-ui", status: "ACTIVE", signOnMode: "OPENID_CONNECT" });
    expect(oauthClient(created.body).client_id).toBe(created.body.id);
    const secret = oauthClient(created.body).client_secret;
    expect(typeof secret).toBe("string");
    expect(String(secret).length).toBeGreaterThanOrEqual(40);
    const read = await t.call("GET", `/api/v1/apps/${created.body.id}`);
    expect(JSON.stringify(read.body)).not.toContain(String(secret));
    expect(oauthClient(read.body)).not.toHaveProperty("client_secret");
    const list = await t.call<Json[]>("GET", "/api/v1/apps");
    expect(JSON.stringify(list.body)).not.toContain(String(secret));
    const put = await t.call("PUT", `/api/v1/apps/${created.body.id}`, webAppBody("cloud-ui-renamed"));
    expect(put.status).toBe(200);
    expect(put.body.label).toBe("cloud-ui-renamed");
    expect(oauthClient(put.body).client_secret).toBe(secret);
  });

  it("gives a STATIC refresh_token object to a web app with the refresh grant, ROTATE with leeway as sent, and none without the grant", async () => {
    const web = await t.call("POST", "/api/v1/apps", webAppBody("static"));
    expect(settingsClient(web.body).refresh_token).toEqual({ rotation_type: "STATIC" });
    const native = await t.call("POST", "/api/v1/apps", nativeAppBody("native"));
    expect(settingsClient(native.body).refresh_token).toEqual({ rotation_type: "ROTATE", leeway: 30 });
    expect(oauthClient(native.body)).toMatchObject({ token_endpoint_auth_method: "none", pkce_required: true });
    expect(oauthClient(native.body)).not.toHaveProperty("client_secret");
    const noRefresh = await t.call("POST", "/api/v1/apps", webAppBody("no-refresh", { grant_types: ["authorization_code"], refresh_token: { rotation_type: "ROTATE", leeway: 5 } }));
    expect(settingsClient(noRefresh.body)).not.toHaveProperty("refresh_token");
    const badLeeway = await t.call("POST", "/api/v1/apps", webAppBody("leeway", { refresh_token: { rotation_type: "ROTATE", leeway: 61 } }));
    expect(badLeeway.status).toBe(400);
  });

  it("keeps the dashboard tile, login URIs and IdP-initiated login it is given, on create and on replace", async () => {
    const tile = {
      ...webAppBody("tile", {
        initiate_login_uri: "https://ui.example.com/",
        idp_initiated_login: { mode: "SPEC", default_scope: [] },
        client_uri: "https://ui.example.com/about",
        logo_uri: "https://ui.example.com/logo.png",
        policy_uri: "https://ui.example.com/privacy",
        tos_uri: "https://ui.example.com/terms",
        post_logout_redirect_uris: ["https://ui.example.com/signed-out"],
      }),
      visibility: { autoSubmitToolbar: false, hide: { iOS: true, web: false } },
    };
    const created = await t.call("POST", "/api/v1/apps", tile);
    expect(created.status).toBe(200);
    const read = await t.call("GET", `/api/v1/apps/${created.body.id}`);
    for (const app of [created.body, read.body]) {
      expect(app.visibility).toMatchObject({ hide: { iOS: true, web: false } });
      expect(settingsClient(app)).toMatchObject({
        initiate_login_uri: "https://ui.example.com/",
        idp_initiated_login: { mode: "SPEC", default_scope: [] },
        client_uri: "https://ui.example.com/about",
        logo_uri: "https://ui.example.com/logo.png",
        policy_uri: "https://ui.example.com/privacy",
        tos_uri: "https://ui.example.com/terms",
        post_logout_redirect_uris: ["https://ui.example.com/signed-out"],
      });
    }
    // PUT replaces the app: a tile hidden again and a login mode turned off are what the next GET shows.
    const hidden = { ...webAppBody("tile"), visibility: { hide: { iOS: true, web: true } } };
    expect((await t.call("PUT", `/api/v1/apps/${created.body.id}`, hidden)).status).toBe(200);
    const after = await t.call("GET", `/api/v1/apps/${created.body.id}`);
    expect(after.body.visibility).toMatchObject({ hide: { iOS: true, web: true } });
    expect(settingsClient(after.body)).toMatchObject({ client_uri: null, logo_uri: null, idp_initiated_login: { mode: "DISABLED", default_scope: [] } });
    expect(settingsClient(after.body)).not.toHaveProperty("initiate_login_uri");
    // A GET's body (nulls included) goes back through PUT unchanged.
    expect((await t.call("PUT", `/api/v1/apps/${created.body.id}`, after.body)).status).toBe(200);
  });

  it("keeps the admin and end-user notes as sent (null when unset), and a replace replaces them", async () => {
    const created = await t.call("POST", "/api/v1/apps?activate=true", { ...webAppBody("noted"), settings: { ...webAppBody("noted").settings, notes: { admin: "resource cloud-ui managed by Pulumi stack p/s" } } });
    expect(created.status).toBe(200);
    const id = String(created.body.id);
    const notes = async () => ((await t.call("GET", `/api/v1/apps/${id}`)).body.settings as { notes: unknown }).notes;
    expect(await notes()).toEqual({ admin: "resource cloud-ui managed by Pulumi stack p/s", enduser: null });
    await t.call("PUT", `/api/v1/apps/${id}`, { ...webAppBody("noted"), settings: { ...webAppBody("noted").settings, notes: { admin: "changed", enduser: "for users" } } });
    expect(await notes()).toEqual({ admin: "changed", enduser: "for users" });
    await t.call("PUT", `/api/v1/apps/${id}`, webAppBody("noted"));
    expect(await notes()).toEqual({ admin: null, enduser: null });
    const plain = await t.call("POST", "/api/v1/apps?activate=true", webAppBody("unnoted"));
    expect((plain.body.settings as { notes: unknown }).notes).toEqual({ admin: null, enduser: null });
  });

  it("refuses SPEC or OKTA IdP-initiated login without an initiate_login_uri, or a web app without a redirect grant", async () => {
    const noUri = await t.call("POST", "/api/v1/apps", webAppBody("spec-no-uri", { idp_initiated_login: { mode: "SPEC", default_scope: [] } }));
    expect(noUri.status).toBe(400);
    const error = expectOktaError(noUri.body);
    expect(error.errorSummary).toBe("Api validation failed: settings.oauthClient.initiate_login_uri");
    expect(error.errorCauses[0]?.errorSummary).toMatch(/initiate_login_uri is missing.*SPEC/);
    const badUri = await t.call("POST", "/api/v1/apps", webAppBody("spec-bad-uri", { idp_initiated_login: { mode: "OKTA", default_scope: ["openid"] }, initiate_login_uri: "/login" }));
    expect(badUri.status).toBe(400);
    expect(expectOktaError(badUri.body).errorCauses[0]?.errorSummary).toMatch(/initiate_login_uri is invalid.*"\/login"/);
    const noRedirectGrant = await t.call("POST", "/api/v1/apps", {
      ...webAppBody("spec-cc", { grant_types: ["client_credentials"], response_types: ["token"], idp_initiated_login: { mode: "SPEC" }, initiate_login_uri: "https://ui.example.com/" }),
    });
    expect(noRedirectGrant.status).toBe(400);
    expect(expectOktaError(noRedirectGrant.body).errorSummary).toBe("Api validation failed: settings.oauthClient.idp_initiated_login.mode");
    const unknownMode = await t.call("POST", "/api/v1/apps", webAppBody("mode", { idp_initiated_login: { mode: "ALWAYS" } }));
    expect(unknownMode.status).toBe(400);
    const apps = await t.call<Json[]>("GET", "/api/v1/apps?q=spec-");
    expect(apps.body).toEqual([]);
  });

  it("refuses token_endpoint_auth_method none without pkce_required", async () => {
    const body = nativeAppBody("no-pkce");
    body.credentials.oauthClient.pkce_required = false;
    const { status, body: error } = await t.call("POST", "/api/v1/apps", body);
    expect(status).toBe(400);
    expect(expectOktaError(error).errorSummary).toBe("Api validation failed: credentials.oauthClient.pkce_required");
  });

  it("refuses bad app bodies: unknown grant type, missing label, other sign-on modes are not emulated (501)", async () => {
    const grant = await t.call("POST", "/api/v1/apps", webAppBody("g", { grant_types: ["magic"] }));
    expect(grant.status).toBe(400);
    const { label: _l, ...noLabel } = webAppBody("x");
    expect(expectOktaError((await t.call("POST", "/api/v1/apps", noLabel)).body).errorSummary).toBe("Api validation failed: label");
    const saml = await t.call("POST", "/api/v1/apps", { name: "x", label: "saml", signOnMode: "SAML_2_0" });
    expect(saml.status).toBe(501);
  });

  it("refuses to delete an ACTIVE app; deactivate (200 {}) then DELETE (204) as recorded", async () => {
    const { body: app } = await t.call("POST", "/api/v1/apps?activate=true", webAppBody("delete-me"));
    const early = await t.call("DELETE", `/api/v1/apps/${app.id}`);
    expect(early.status).toBe(400);
    expect(expectOktaError(early.body).errorCode).toBe("E0000056");
    const deactivate = await t.call("POST", `/api/v1/apps/${app.id}/lifecycle/deactivate`);
    expect(deactivate.status).toBe(200);
    expect(deactivate.body).toEqual({});
    expect((await t.call("DELETE", `/api/v1/apps/${app.id}`)).status).toBe(204);
    const gone = await t.call("GET", `/api/v1/apps/${app.id}`);
    expect(gone.status).toBe(404);
    expect(expectOktaError(gone.body).errorSummary).toBe(`Not found: Resource not found: ${app.id} (AppInstance)`);
  });

  it("serves the calls the provider makes after creating an app: idToken, okta-organization, ACCESS_POLICY, app policy", async () => {
    const { body: app } = await t.call("POST", "/api/v1/apps?activate=true", webAppBody("extras"));
    // Recorded: the POST answers issuer and audience null; a GET answers the org URL and the client id.
    const idToken = await t.call("POST", `/api/v1/internal/apps/${app.id}/settings/oauth/idToken`, { issuerMode: "ORG_URL" });
    expect(idToken.status).toBe(200);
    expect(idToken.body).toEqual({ issuer: null, orgUrl: null, customUrl: null, audience: null, issuerMode: "ORG_URL" });
    expect((await t.call("GET", `/api/v1/internal/apps/${app.id}/settings/oauth/idToken`)).body).toEqual({ issuer: t.url, orgUrl: null, customUrl: null, audience: app.id, issuerMode: "ORG_URL" });
    const missing = await t.call("GET", "/api/v1/internal/apps/0oanothere/settings/oauth/idToken");
    expect(expectOktaError(missing.body).errorSummary).toBe("Not found: Resource not found: 0oanothere (OAuth2AppInstance)");
    const organization = await fetch(`${t.url}/.well-known/okta-organization`);
    expect(await organization.json()).toMatchObject({ pipeline: "idx", cell: expect.any(String) as unknown, settings: { itpEnabled: false } });
    // A new org's preset app sign-on policies, "Any two factors" its default (recorded in orgs created 2025-26).
    const policies = await t.call<Json[]>("GET", "/api/v1/policies?type=ACCESS_POLICY");
    expect(policies.body.map((p) => p.name)).toEqual(["Okta Admin Console", "Okta Dashboard", "Okta Browser Plugin", "Any two factors", "Okta Account Management Policy"]);
    expect(policies.body.filter((p) => p.system === true).map((p) => p.name)).toEqual(["Any two factors"]);
    // Recorded on every OIDC app of an org without Identity Threat Protection.
    expect(app).toMatchObject({ orn: `orn:okta:idp:${t.org.store.state.org.id}:apps:oidc_client:${String(app.id)}`, universalLogout: null, settings: { emOptInStatus: "NONE" } });
    const bind = await t.call("PUT", `/api/v1/apps/${app.id}/policies/${policies.body[0]?.id}`);
    expect(bind.status).toBe(204);
    expect((await t.call("PUT", `/api/v1/apps/${app.id}/policies/rstnothere`)).status).toBe(404);
    expect((await t.call("GET", "/api/v1/policies?type=OKTA_SIGN_ON")).status).toBe(501);
  });
});

describe("app assignments", () => {
  it("assigns groups with PUT (200, id = group id), pages the list with Link headers, and removes with DELETE", async () => {
    const { body: app } = await t.call("POST", "/api/v1/apps", webAppBody("assigned"));
    const groupIds: string[] = [];
    for (let i = 0; i < 5; i++) groupIds.push(String((await t.call("POST", "/api/v1/groups", { profile: { name: `assign-${i}` } })).body.id));
    for (const [i, id] of groupIds.entries()) {
      const put = await t.call("PUT", `/api/v1/apps/${app.id}/groups/${id}`, i === 0 ? {} : { priority: i });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ id, profile: {} });
    }
    const seen: string[] = [];
    let next: string | undefined = `/api/v1/apps/${app.id}/groups?limit=2`;
    let pages = 0;
    while (next) {
      const answer = await t.call<Json[]>("GET", next);
      pages += 1;
      seen.push(...answer.body.map((a) => String(a.id)));
      const link = answer.headers.get("link") ?? "";
      expect(link).toContain('rel="self"');
      const match = /<([^>]+)>; rel="next"/.exec(link);
      next = match ? new URL(match[1] ?? "").pathname + new URL(match[1] ?? "").search : undefined;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(groupIds);
    expect((await t.call("GET", `/api/v1/apps/${app.id}/groups/${groupIds[1]}`)).body.priority).toBe(1);
    expect((await t.call("DELETE", `/api/v1/apps/${app.id}/groups/${groupIds[0]}`)).status).toBe(204);
    expect((await t.call<Json[]>("GET", `/api/v1/apps/${app.id}/groups?limit=200`)).body).toHaveLength(4);
    const unknown = await t.call("PUT", `/api/v1/apps/${app.id}/groups/invalidid`, {});
    expect(unknown.status).toBe(404);
    expect(expectOktaError(unknown.body).errorSummary).toBe("Not found: Resource not found: invalidid (UserGroup)");
  });

  it("assigns a user directly and lists, reads and removes the assignment", async () => {
    const { body: app } = await t.call("POST", "/api/v1/apps", webAppBody("direct"));
    const me = await t.call("GET", "/api/v1/users/me");
    const assign = await t.call("POST", `/api/v1/apps/${app.id}/users`, { id: me.body.id, scope: "USER" });
    expect(assign.status).toBe(200);
    expect(assign.body).toMatchObject({ id: me.body.id, scope: "USER", credentials: { userName: (me.body.profile as Json).login } });
    expect((await t.call<Json[]>("GET", `/api/v1/apps/${app.id}/users`)).body.map((a) => a.id)).toEqual([me.body.id]);
    expect((await t.call("DELETE", `/api/v1/apps/${app.id}/users/${me.body.id}`)).status).toBe(204);
    expect((await t.call("GET", `/api/v1/apps/${app.id}/users/${me.body.id}`)).status).toBe(404);
  });
});

describe("groups and membership", () => {
  it("creates a group with 200 in the recorded shape; Everyone is BUILT_IN and found by q=Everyone", async () => {
    const { status, body } = await t.call("POST", "/api/v1/groups", { profile: { name: "shape", description: "" } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ objectClass: ["okta:user_group"], type: "OKTA_GROUP", profile: { name: "shape", description: "" } });
    expect(body.id).toMatch(/^00g/);
    const everyone = await t.call<Json[]>("GET", "/api/v1/groups?q=Everyone");
    expect(everyone.body.map((g) => [g.type, (g.profile as Json).name])).toEqual([["BUILT_IN", "Everyone"]]);
    const byType = await t.call<Json[]>("GET", `/api/v1/groups?q=Everyone&filter=${encodeURIComponent('type eq "BUILT_IN"')}`);
    expect(byType.body).toHaveLength(1);
    expect((await t.call("DELETE", `/api/v1/groups/${everyone.body[0]?.id}`)).status).toBe(403);
  });

  it("matches q as a case-insensitive name prefix and search on profile.name", async () => {
    await t.call("POST", "/api/v1/groups", { profile: { name: "stacklok-qa-users" } });
    await t.call("POST", "/api/v1/groups", { profile: { name: "stacklok-qa-users-extra" } });
    const prefix = await t.call<Json[]>("GET", "/api/v1/groups?q=STACKLOK-qa");
    expect(prefix.body.map((g) => (g.profile as Json).name).sort()).toEqual(["stacklok-qa-users", "stacklok-qa-users-extra"]);
    const exact = await t.call<Json[]>("GET", `/api/v1/groups?search=${encodeURIComponent('profile.name eq "stacklok-qa-users"')}`);
    expect(exact.body.map((g) => (g.profile as Json).name)).toEqual(["stacklok-qa-users"]);
    const bad = await t.call("GET", `/api/v1/groups?search=${encodeURIComponent("profile.name ~= x")}`);
    expect(bad.status).toBe(400);
    expect(expectOktaError(bad.body).errorCode).toBe("E0000031");
  });

  it("keeps group names unique and refuses a blank name", async () => {
    await t.call("POST", "/api/v1/groups", { profile: { name: "only-once" } });
    const dup = await t.call("POST", "/api/v1/groups", { profile: { name: "Only-Once" } });
    expect(dup.status).toBe(400);
    expect(expectOktaError(dup.body).errorSummary).toBe("Api validation failed: profile.name");
    expect((await t.call("POST", "/api/v1/groups", { profile: { name: "  " } })).status).toBe(400);
  });

  it("updates (PUT 200) and deletes (204) a group, then 404 naming UserGroup", async () => {
    const { body } = await t.call("POST", "/api/v1/groups", { profile: { name: "rename-me" } });
    const put = await t.call("PUT", `/api/v1/groups/${body.id}`, { profile: { name: "renamed", description: "d" } });
    expect(put.body.profile).toEqual({ name: "renamed", description: "d" });
    expect((await t.call("DELETE", `/api/v1/groups/${body.id}`)).status).toBe(204);
    expect(expectOktaError((await t.call("GET", `/api/v1/groups/${body.id}`)).body).errorSummary).toBe(`Not found: Resource not found: ${body.id} (UserGroup)`);
  });

  it("adds and removes members with PUT/DELETE /groups/{gid}/users/{uid} (204) and lists both ways", async () => {
    const { body: group } = await t.call("POST", "/api/v1/groups", { profile: { name: "members" } });
    const { body: user } = await t.call("POST", "/api/v1/users?activate=true", { profile: { login: "mia@example.com", email: "mia@example.com", firstName: "Mia", lastName: "M" }, credentials: { password: { value: "pw-Mia-12" } } });
    expect((await t.call("PUT", `/api/v1/groups/${group.id}/users/${user.id}`)).status).toBe(204);
    expect((await t.call<Json[]>("GET", `/api/v1/groups/${group.id}/users`)).body.map((u) => u.id)).toEqual([user.id]);
    const groupsOfUser = await t.call<Json[]>("GET", `/api/v1/users/${user.id}/groups`);
    expect(groupsOfUser.body.map((g) => (g.profile as Json).name).sort()).toEqual(["Everyone", "members"]);
    expect((await t.call("DELETE", `/api/v1/groups/${group.id}/users/${user.id}`)).status).toBe(204);
    expect((await t.call<Json[]>("GET", `/api/v1/groups/${group.id}/users`)).body).toEqual([]);
    expect((await t.call("PUT", `/api/v1/groups/${group.id}/users/00unothere`)).status).toBe(404);
  });

  it("puts a seeded user into a group of a seeded name created after start", async () => {
    const sam = (await t.call<Json[]>("GET", "/api/v1/users?q=sam")).body[0];
    expect(sam?.profile).toMatchObject({ login: "sam@example.com", roles: ["toolhive-admin"] });
    const { body: group } = await t.call("POST", "/api/v1/groups", { profile: { name: "later-group" } });
    expect((await t.call<Json[]>("GET", `/api/v1/groups/${group.id}/users`)).body.map((u) => u.id)).toEqual([sam?.id]);
  });
});

describe("users", () => {
  it("answers users/me with the API token's admin user", async () => {
    const { status, body } = await t.call("GET", "/api/v1/users/me");
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "ACTIVE", profile: { login: "okta-local-admin@example.com" } });
    expect(body.id).toMatch(/^00u/);
  });

  it("creates, reads by id and login, updates and deletes (deactivate first) a user", async () => {
    const created = await t.call("POST", "/api/v1/users?activate=false", { profile: { login: "lee@example.com", email: "lee@example.com", firstName: "Lee", lastName: "L" } });
    expect(created.status).toBe(200);
    expect(created.body.status).toBe("STAGED");
    expect((await t.call("GET", "/api/v1/users/lee@example.com")).body.id).toBe(created.body.id);
    const updated = await t.call("POST", `/api/v1/users/${created.body.id}`, { profile: { nickName: "lee" } });
    expect(updated.body.profile).toMatchObject({ login: "lee@example.com", nickName: "lee" });
    expect((await t.call("DELETE", `/api/v1/users/${created.body.id}`)).status).toBe(204);
    expect((await t.call("GET", `/api/v1/users/${created.body.id}`)).body.status).toBe("DEPROVISIONED");
    expect((await t.call("DELETE", `/api/v1/users/${created.body.id}`)).status).toBe(204);
    expect(expectOktaError((await t.call("GET", `/api/v1/users/${created.body.id}`)).body).errorSummary).toBe(`Not found: Resource not found: ${created.body.id} (User)`);
  });

  it("refuses a duplicate login and a login that is not an email address", async () => {
    const body = { profile: { login: "dup@example.com", email: "dup@example.com", firstName: "D", lastName: "Dup" } };
    expect((await t.call("POST", "/api/v1/users", body)).status).toBe(200);
    expect(expectOktaError((await t.call("POST", "/api/v1/users", body)).body).errorSummary).toBe("Api validation failed: login");
    expect((await t.call("POST", "/api/v1/users", { profile: { ...body.profile, login: "not-an-email" } })).status).toBe(400);
  });
});

describe("user schema", () => {
  it("adds a custom property (whole schema back, mutability READ_WRITE) and removes it with a merge-patch null", async () => {
    const property = { title: "Roles", description: "Stacklok roles", type: "array", items: { type: "string" }, master: { type: "OKTA" }, permissions: [{ action: "READ_ONLY", principal: "SELF" }], required: false, scope: "SELF" };
    const added = await t.call("POST", "/api/v1/meta/schemas/user/default", { definitions: { custom: { id: "#custom", type: "object", properties: { stacklokRoles: property } } } });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ $schema: "http://json-schema.org/draft-04/schema#", name: "user", type: "object" });
    const custom = (added.body.definitions as { custom: Json }).custom;
    // Recorded: the property gains mutability READ_WRITE and loses required: false.
    const { required: _notKept, ...kept } = property;
    expect(custom.properties).toEqual({ stacklokRoles: { ...kept, mutability: "READ_WRITE" } });
    expect(custom.required).toEqual([]);
    const read = await t.call("GET", "/api/v1/meta/schemas/user/default");
    expect((read.body.definitions as { custom: Json }).custom.properties).toEqual(custom.properties);
    expect(((read.body.definitions as { base: Json }).base).required).toEqual(["login", "firstName", "lastName", "email"]);
    const removed = await t.call("POST", "/api/v1/meta/schemas/user/default", { definitions: { custom: { id: "#custom", type: "object", properties: { stacklokRoles: null } } } });
    expect((removed.body.definitions as { custom: Json }).custom).toEqual({ id: "#custom", type: "object", properties: {} });
  });

  it("refuses an unknown property type naming it", async () => {
    const { status, body } = await t.call("POST", "/api/v1/meta/schemas/user/default", { definitions: { custom: { properties: { x: { title: "X", type: "date" } } } } });
    expect(status).toBe(400);
    expect(expectOktaError(body).errorCauses[0]?.errorSummary).toMatch(/definitions\.custom\.properties\.x\.type: .*"date"/);
  });
});
