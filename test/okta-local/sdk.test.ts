/**
 * Okta's own management SDK (@okta/okta-sdk-nodejs) against okta-local: every
 * object type the program uses is created, read, updated and deleted through
 * it, and its models parse every answer. Nothing here was written against
 * okta-local: the SDK is Okta's client for real orgs.
 */
import * as okta from "@okta/okta-sdk-nodejs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestOrg, type TestOrg } from "./support";

let t: TestOrg;
let client: okta.Client;
beforeAll(async () => {
  t = await startTestOrg({ seed: { users: [{ login: "sdk.user@example.com", password: "pw-Sdk-12", email: "sdk.user@example.com", firstName: "Sdk", lastName: "User", groups: ["sdk-later"] }] } });
  // The SDK takes an http:// org URL as it is: no https check to work around.
  // Its in-memory GET cache is switched off so every read is answered by okta-local, not by the cache.
  client = new okta.Client({ orgUrl: t.url, token: t.apiToken, cacheMiddleware: null });
});
afterAll(async () => {
  await t.close();
});

async function all<T>(collection: okta.Collection<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of collection) if (item) items.push(item);
  return items;
}

function errorStatus(error: unknown): number | undefined {
  return (error as { status?: number; code?: number }).status ?? (error as { code?: number }).code;
}

describe("@okta/okta-sdk-nodejs against okta-local", () => {
  it("reads users/me and the default authorization server", async () => {
    const me = await client.userApi.getUser({ userId: "me" });
    expect(me.profile?.login).toBe("okta-local-admin@example.com");
    const defaultServer = await client.authorizationServerApi.getAuthorizationServer({ authServerId: "default" });
    expect(defaultServer.id).toMatch(/^aus/);
    expect(defaultServer.issuer).toBe(`${t.url}/oauth2/default`);
    expect(defaultServer.credentials?.signing?.kid).toBeTruthy();
    // The SDK's AuthorizationServer model has no `default` attribute, so it is not checked here (http tests do).
  });

  it("creates, reads, updates, lists and deletes an authorization server with scopes, claims, policies and rules", async () => {
    const api = client.authorizationServerApi;
    const server = await api.createAuthorizationServer({ authorizationServer: { name: "sdk-server", description: "made by the SDK", audiences: ["api://sdk"], issuerMode: "ORG_URL" } });
    const authServerId = String(server.id);
    expect(server.status).toBe("ACTIVE");
    expect(server.lastUpdated).toBeInstanceOf(Date);
    const replaced = await api.replaceAuthorizationServer({ authServerId, authorizationServer: { name: "sdk-server", description: "changed", audiences: ["api://sdk"] } });
    expect(replaced.description).toBe("changed");
    expect((await all(await api.listAuthorizationServers({ q: "sdk-" }))).map((s) => s.name)).toEqual(["sdk-server"]);

    const scope = await api.createOAuth2Scope({ authServerId, oAuth2Scope: { name: "toolhive:config:read", description: "Read configuration", consent: "IMPLICIT", metadataPublish: "ALL_CLIENTS" } });
    expect(scope.system).toBe(false);
    const scopes = await all(await api.listOAuth2Scopes({ authServerId }));
    expect(scopes.map((s) => s.name)).toContain("openid");
    expect((await api.replaceOAuth2Scope({ authServerId, scopeId: String(scope.id), oAuth2Scope: { name: "toolhive:config:read", description: "Changed" } })).description).toBe("Changed");
    expect((await api.getOAuth2Scope({ authServerId, scopeId: String(scope.id) })).name).toBe("toolhive:config:read");

    const claim = await api.createOAuth2Claim({ authServerId, oAuth2Claim: { name: "groups", claimType: "RESOURCE", valueType: "GROUPS", value: "stacklok-", group_filter_type: "STARTS_WITH", conditions: { scopes: [] }, alwaysIncludeInToken: true } });
    expect(claim.group_filter_type).toBe("STARTS_WITH");
    expect((await api.replaceOAuth2Claim({ authServerId, claimId: String(claim.id), oAuth2Claim: { name: "groups", claimType: "RESOURCE", valueType: "GROUPS", value: "stacklok-dev-", group_filter_type: "STARTS_WITH" } })).value).toBe("stacklok-dev-");
    expect((await all(await api.listOAuth2Claims({ authServerId }))).length).toBe(20);

    const policy = await api.createAuthorizationServerPolicy({ authServerId, policy: { type: "OAUTH_AUTHORIZATION_POLICY", name: "sdk-policy", description: "SDK policy", priority: 1, conditions: { clients: { include: ["ALL_CLIENTS"] } } } });
    const policyId = String(policy.id);
    expect(policy.conditions?.clients?.include).toEqual(["ALL_CLIENTS"]);
    const rule = await api.createAuthorizationServerPolicyRule({
      authServerId,
      policyId,
      policyRule: {
        name: "sdk-rule",
        type: "RESOURCE_ACCESS",
        priority: 1,
        conditions: { grantTypes: { include: ["authorization_code"] }, people: { groups: { include: ["EVERYONE"] } }, scopes: { include: ["openid", "toolhive:config:read"] } },
        actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
      },
    });
    // The SDK's rule user condition models only `include`; the groups echo back as sent.
    expect(rule.conditions?.people?.groups?.include).toEqual(["EVERYONE"]);
    expect(rule.conditions?.grantTypes?.include).toEqual(["authorization_code"]);
    await api.deactivateAuthorizationServerPolicyRule({ authServerId, policyId, ruleId: String(rule.id) });
    expect((await api.getAuthorizationServerPolicyRule({ authServerId, policyId, ruleId: String(rule.id) })).status).toBe("INACTIVE");
    expect((await all(await api.listAuthorizationServerPolicyRules({ authServerId, policyId }))).map((r) => r.name)).toEqual(["sdk-rule"]);
    await api.deleteAuthorizationServerPolicyRule({ authServerId, policyId, ruleId: String(rule.id) });
    expect((await api.replaceAuthorizationServerPolicy({ authServerId, policyId, policy: { type: "OAUTH_AUTHORIZATION_POLICY", name: "sdk-policy-2", description: "SDK policy", conditions: { clients: { include: ["ALL_CLIENTS"] } } } })).name).toBe("sdk-policy-2");
    expect((await all(await api.listAuthorizationServerPolicies({ authServerId }))).map((p) => p.name)).toEqual(["sdk-policy-2"]);
    await api.deleteAuthorizationServerPolicy({ authServerId, policyId });
    await api.deleteOAuth2Claim({ authServerId, claimId: String(claim.id) });
    await api.deleteOAuth2Scope({ authServerId, scopeId: String(scope.id) });
    expect((await all(await api.listAuthorizationServerKeys({ authServerId })))[0]?.kid).toBe(server.credentials?.signing?.kid);

    await api.deactivateAuthorizationServer({ authServerId });
    await api.deleteAuthorizationServer({ authServerId });
    const missing = await api.getAuthorizationServer({ authServerId }).catch((error: unknown) => error);
    expect(errorStatus(missing)).toBe(404);
    expect((missing as { errorCode?: string }).errorCode).toBe("E0000007");
  });

  it("creates, reads, updates, assigns and deletes an OIDC app; the secret comes only with create and replace", async () => {
    const app = (await client.applicationApi.createApplication({
      activate: true,
      application: {
        name: "oidc_client",
        label: "sdk-app",
        signOnMode: "OPENID_CONNECT",
        credentials: { oauthClient: { token_endpoint_auth_method: "client_secret_basic" } },
        settings: { oauthClient: { application_type: "web", grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], redirect_uris: ["https://ui.example.com/callback"] } },
      } as okta.OpenIdConnectApplication,
    })) as okta.OpenIdConnectApplication;
    const appId = String(app.id);
    expect(app).toBeInstanceOf(okta.OpenIdConnectApplication);
    expect(app.credentials?.oauthClient?.client_id).toBe(appId);
    expect(app.credentials?.oauthClient?.client_secret).toBeTruthy();
    expect(app.settings?.oauthClient?.refresh_token?.rotation_type).toBe("STATIC");
    const read = (await client.applicationApi.getApplication({ appId })) as okta.OpenIdConnectApplication;
    expect(read.credentials?.oauthClient?.client_secret).toBeUndefined();
    const replaced = (await client.applicationApi.replaceApplication({ appId, application: { ...read, label: "sdk-app-2" } })) as okta.OpenIdConnectApplication;
    expect(replaced.label).toBe("sdk-app-2");
    expect(replaced.credentials?.oauthClient?.client_secret).toBe(app.credentials?.oauthClient?.client_secret);

    const group = await client.groupApi.createGroup({ group: { profile: { name: "sdk-app-group" } } });
    const assignment = await client.applicationApi.assignGroupToApplication({ appId, groupId: String(group.id), applicationGroupAssignment: { priority: 0 } });
    expect(assignment.id).toBe(group.id);
    expect((await all(await client.applicationApi.listApplicationGroupAssignments({ appId, limit: 1 }))).map((a) => a.id)).toEqual([group.id]);
    const me = await client.userApi.getUser({ userId: "me" });
    const appUser = await client.applicationApi.assignUserToApplication({ appId, appUser: { id: String(me.id), scope: "USER" } });
    expect(appUser.id).toBe(me.id);
    await client.applicationApi.unassignUserFromApplication({ appId, userId: String(me.id) });
    await client.applicationApi.unassignApplicationFromGroup({ appId, groupId: String(group.id) });

    const policies = await all(await client.policyApi.listPolicies({ type: "ACCESS_POLICY" }));
    expect(policies.filter((p) => p.system)).toHaveLength(1);
    await client.applicationApi.assignApplicationPolicy({ appId, policyId: String(policies[0]?.id) });

    await client.applicationApi.deactivateApplication({ appId });
    await client.applicationApi.deleteApplication({ appId });
    expect(errorStatus(await client.applicationApi.getApplication({ appId }).catch((error: unknown) => error))).toBe(404);
  });

  it("creates, finds, updates and deletes groups and manages membership; Everyone is BUILT_IN", async () => {
    const group = await client.groupApi.createGroup({ group: { profile: { name: "sdk-group", description: "by the SDK" } } });
    expect(group.type).toBe("OKTA_GROUP");
    expect(group.created).toBeInstanceOf(Date);
    const everyone = await all(await client.groupApi.listGroups({ q: "Everyone" }));
    expect(everyone.map((g) => g.type)).toEqual(["BUILT_IN"]);
    const found = await all(await client.groupApi.listGroups({ search: 'profile.name eq "sdk-group"' }));
    expect(found.map((g) => g.id)).toEqual([group.id]);
    const replaced = await client.groupApi.replaceGroup({ groupId: String(group.id), group: { profile: { name: "sdk-group", description: "changed" } } });
    expect(replaced.profile?.description).toBe("changed");

    const user = await client.userApi.createUser({ activate: true, body: { profile: { login: "sdk.member@example.com", email: "sdk.member@example.com", firstName: "Member", lastName: "Sdk" }, credentials: { password: { value: "pw-Member-1" } } } });
    expect(user.status).toBe("ACTIVE");
    await client.groupApi.assignUserToGroup({ groupId: String(group.id), userId: String(user.id) });
    expect((await all(await client.groupApi.listGroupUsers({ groupId: String(group.id) }))).map((u) => u.id)).toEqual([user.id]);
    expect((await all(await client.userApi.listUserGroups({ userId: String(user.id) }))).map((g) => g.profile?.name).sort()).toEqual(["Everyone", "sdk-group"]);
    await client.groupApi.unassignUserFromGroup({ groupId: String(group.id), userId: String(user.id) });
    expect(await all(await client.groupApi.listGroupUsers({ groupId: String(group.id) }))).toEqual([]);

    // A seeded user joins a group of its seeded name created through the SDK.
    const later = await client.groupApi.createGroup({ group: { profile: { name: "sdk-later" } } });
    expect((await all(await client.groupApi.listGroupUsers({ groupId: String(later.id) }))).map((u) => u.profile?.login)).toEqual(["sdk.user@example.com"]);

    await client.groupApi.deleteGroup({ groupId: String(group.id) });
    expect(errorStatus(await client.groupApi.getGroup({ groupId: String(group.id) }).catch((error: unknown) => error))).toBe(404);
  });

  it("lists, updates and deletes users", async () => {
    const user = await client.userApi.createUser({ activate: false, body: { profile: { login: "sdk.staged@example.com", email: "sdk.staged@example.com", firstName: "Staged", lastName: "Sdk" } } });
    expect(user.status).toBe("STAGED");
    const updated = await client.userApi.updateUser({ userId: String(user.id), user: { profile: { nickName: "staged" } } });
    expect(updated.profile?.nickName).toBe("staged");
    expect((await all(await client.userApi.listUsers({ q: "sdk.staged" }))).map((u) => u.id)).toEqual([user.id]);
    await client.userApi.deleteUser({ userId: String(user.id) });
    expect((await client.userApi.getUser({ userId: String(user.id) })).status).toBe("DEPROVISIONED");
    await client.userApi.deleteUser({ userId: String(user.id) });
    expect(errorStatus(await client.userApi.getUser({ userId: String(user.id) }).catch((error: unknown) => error))).toBe(404);
  });

  it("adds and removes a custom user schema property", async () => {
    const schema = await client.schemaApi.updateUserProfile({
      schemaId: "default",
      userSchema: { definitions: { custom: { id: "#custom", type: "object", properties: { stacklokRoles: { title: "Roles", type: "array", items: { type: "string" } } } } } },
    });
    expect(schema.definitions?.custom?.properties?.stacklokRoles).toBeDefined();
    const read = await client.schemaApi.getUserSchema({ schemaId: "default" });
    expect(read.definitions?.base?.required).toEqual(["login", "firstName", "lastName", "email"]);
    expect(read.definitions?.custom?.properties?.stacklokRoles?.type).toBe("array");
  });
});
