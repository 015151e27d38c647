/**
 * Authorization servers, scopes, claims, policies and rules, held to Okta's
 * recorded answers (terraform-provider-okta VCR cassettes, simpleokta
 * recordings) and its management API spec.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectOktaError, serverBody, startTestOrg, type Json, type TestOrg } from "./support";

let t: TestOrg;
beforeAll(async () => {
  t = await startTestOrg();
});
afterAll(async () => {
  await t.close();
});

const SYSTEM_SCOPES = ["openid", "profile", "email", "address", "phone", "offline_access", "device_sso"];

describe("authorization servers", () => {
  it("creates a server with 201, ACTIVE, an RS256 kid, an issuer under /oauth2/{id} and default:false", async () => {
    const { status, body } = await t.call("POST", "/api/v1/authorizationServers", { ...serverBody("create"), credentials: { signing: { rotationMode: "AUTO" } } });
    expect(status).toBe(201);
    expect(body.id).toMatch(/^aus[0-9A-Za-z]{17}$/);
    expect(body).toMatchObject({ name: "create", audiences: ["api://create"], issuer: `${t.url}/oauth2/${body.id}`, issuerMode: "ORG_URL", status: "ACTIVE", default: false });
    const signing = (body.credentials as { signing: Json }).signing;
    expect(signing.kid).toBe(t.org.store.state.signingKeys[String(body.id)]?.kid);
    expect(signing.rotationMode).toBe("AUTO");
    // AUTO: nextRotation = lastRotated + 90 days (recorded).
    expect(Date.parse(String(signing.nextRotation)) - Date.parse(String(signing.lastRotated))).toBe(90 * 86_400_000);
  });

  it("creates every server AUTO, and a PUT makes it MANUAL without nextRotation (recorded, TestAccResourceOktaAuthServer_gh299)", async () => {
    const { body } = await t.call("POST", "/api/v1/authorizationServers", { ...serverBody("manual"), credentials: { signing: { rotationMode: "MANUAL" } } });
    const created = (body.credentials as { signing: Json }).signing;
    expect(created.rotationMode).toBe("AUTO");
    expect(typeof created.nextRotation).toBe("string");
    const updated = await t.call("PUT", `/api/v1/authorizationServers/${String(body.id)}`, { ...serverBody("manual"), credentials: { signing: { rotationMode: "MANUAL" } } });
    const signing = (updated.body.credentials as { signing: Json }).signing;
    expect(signing.rotationMode).toBe("MANUAL");
    expect(signing).not.toHaveProperty("nextRotation");
  });

  it("refuses anything but exactly one audience with Okta's recorded E0000001", async () => {
    for (const audiences of [["a", "b"], [], "a"]) {
      const { status, body } = await t.call("POST", "/api/v1/authorizationServers", { name: `two-${JSON.stringify(audiences)}`, audiences });
      expect(status).toBe(400);
      const error = expectOktaError(body);
      expect(error.errorCode).toBe("E0000001");
      expect(error.errorSummary).toBe("Api validation failed: audiences");
      expect(error.errorCauses).toContainEqual({ errorSummary: "audiences: 'audiences' must be an array with exactly one value." });
    }
    // The recorded body `{"boop":"bap"}`: both causes, audiences first.
    const { body } = await t.call("POST", "/api/v1/authorizationServers", { boop: "bap" });
    expect(expectOktaError(body).errorCauses).toEqual([
      { errorSummary: "audiences: 'audiences' must be an array with exactly one value." },
      { errorSummary: "name: The field cannot be left blank" },
    ]);
    const { body: put } = await t.call("POST", "/api/v1/authorizationServers", serverBody("one"));
    const second = await t.call("PUT", `/api/v1/authorizationServers/${put.id}`, { name: "one", audiences: ["x", "y"] });
    expect(second.status).toBe(400);
  });

  it("starts a server with the system scopes and claims and no policies", async () => {
    const { body: server } = await t.call("POST", "/api/v1/authorizationServers", serverBody("fresh"));
    const scopes = await t.call<Json[]>("GET", `/api/v1/authorizationServers/${server.id}/scopes`);
    expect(scopes.body.filter((s) => s.system === true).map((s) => s.name).sort()).toEqual([...SYSTEM_SCOPES].sort());
    const claims = await t.call<Json[]>("GET", `/api/v1/authorizationServers/${server.id}/claims`);
    const byName: Record<string, Json> = Object.fromEntries(claims.body.map((c) => [String(c.name), c]));
    expect(byName.sub).toMatchObject({ claimType: "RESOURCE", valueType: "EXPRESSION", value: "(appuser != null) ? appuser.userName : app.clientId", system: true, alwaysIncludeInToken: true, conditions: { scopes: [] } });
    expect(byName.email).toMatchObject({ claimType: "IDENTITY", valueType: "SYSTEM", conditions: { scopes: ["email"] }, alwaysIncludeInToken: true });
    expect(byName.email_verified).toMatchObject({ alwaysIncludeInToken: false });
    expect(byName.address).toMatchObject({ conditions: { scopes: ["address"] }, alwaysIncludeInToken: false });
    // Recorded: SYSTEM claims carry no value, and Okta lists them in this order.
    expect(byName.email).not.toHaveProperty("value");
    expect(claims.body.map((c) => c.name).slice(0, 3)).toEqual(["middle_name", "zoneinfo", "website"]);
    expect(claims.body).toHaveLength(19);
    const policies = await t.call<Json[]>("GET", `/api/v1/authorizationServers/${server.id}/policies`);
    expect(policies.body).toEqual([]);
  });

  it("serves the pre-provisioned default server under the alias with an aus id and issuer /oauth2/default", async () => {
    const { status, body } = await t.call("GET", "/api/v1/authorizationServers/default");
    expect(status).toBe(200);
    expect(body.id).toMatch(/^aus/);
    // Recorded (TestAccResourceOktaAuthServerDefault_crud): a new org's default server is DYNAMIC with MANUAL key rotation.
    expect(body).toMatchObject({ name: "default", default: true, audiences: ["api://default"], issuer: `${t.url}/oauth2/default`, issuerMode: "DYNAMIC" });
    expect((body.credentials as { signing: Json }).signing).toMatchObject({ rotationMode: "MANUAL" });
    expect((body.credentials as { signing: Json }).signing).not.toHaveProperty("nextRotation");
    expect(((body._links as Json).self as Json).href).toBe(`${t.url}/api/v1/authorizationServers/default`);
    const byId = await t.call("GET", `/api/v1/authorizationServers/${body.id}`);
    expect(byId.body.id).toBe(body.id);
    // Every list item carries `default` (the provider dereferences it on each).
    const list = await t.call<Json[]>("GET", "/api/v1/authorizationServers");
    expect(list.body.every((s) => typeof s.default === "boolean")).toBe(true);
    expect(list.body.filter((s) => s.default === true)).toHaveLength(1);
    // The default server has the basic access policy and rule (management API spec).
    const policies = await t.call<Json[]>("GET", "/api/v1/authorizationServers/default/policies");
    expect(policies.body.map((p) => p.name)).toEqual(["Default Policy"]);
    // It cannot be deleted.
    expect((await t.call("DELETE", "/api/v1/authorizationServers/default")).status).toBe(403);
  });

  it("finds a server by name with ?q= as the auth server data source does", async () => {
    await t.call("POST", "/api/v1/authorizationServers", serverBody("findme-please"));
    const { body } = await t.call<Json[]>("GET", "/api/v1/authorizationServers?q=findme&limit=200");
    expect(body.map((s) => s.name)).toEqual(["findme-please"]);
  });

  it("updates with PUT (200), toggles status with lifecycle (204) and deletes (204), then 404 naming AuthorizationServer", async () => {
    const { body: server } = await t.call("POST", "/api/v1/authorizationServers", serverBody("life"));
    const put = await t.call("PUT", `/api/v1/authorizationServers/${server.id}`, { ...serverBody("life"), description: "changed" });
    expect(put.status).toBe(200);
    expect(put.body.description).toBe("changed");
    expect(put.body.status).toBe("ACTIVE");
    const deactivate = await t.call("POST", `/api/v1/authorizationServers/${server.id}/lifecycle/deactivate`);
    expect(deactivate.status).toBe(204);
    expect((await t.call("GET", `/api/v1/authorizationServers/${server.id}`)).body.status).toBe("INACTIVE");
    expect((await t.call("DELETE", `/api/v1/authorizationServers/${server.id}`)).status).toBe(204);
    const gone = await t.call("GET", `/api/v1/authorizationServers/${server.id}`);
    expect(gone.status).toBe(404);
    expect(expectOktaError(gone.body)).toMatchObject({ errorCode: "E0000007", errorSummary: `Not found: Resource not found: ${server.id} (AuthorizationServer)` });
  });

  it("refuses a duplicate server name", async () => {
    await t.call("POST", "/api/v1/authorizationServers", serverBody("dup-server"));
    const { status, body } = await t.call("POST", "/api/v1/authorizationServers", serverBody("dup-server", "api://other"));
    expect(status).toBe(400);
    expect(expectOktaError(body).errorSummary).toBe("Api validation failed: name");
  });
});

describe("scopes", () => {
  let serverId: string;
  beforeAll(async () => {
    serverId = String((await t.call("POST", "/api/v1/authorizationServers", serverBody("scopes"))).body.id);
  });

  it("creates a scope with 201 in the recorded shape and reads it back", async () => {
    const { status, body } = await t.call("POST", `/api/v1/authorizationServers/${serverId}/scopes`, { name: "toolhive:config:read", description: "read", consent: "IMPLICIT", metadataPublish: "ALL_CLIENTS" });
    expect(status).toBe(201);
    expect(body).toMatchObject({ name: "toolhive:config:read", system: false, metadataPublish: "ALL_CLIENTS", consent: "IMPLICIT", optional: false, apiResourceId: null, default: false });
    expect(body.id).toMatch(/^scp/);
    const read = await t.call("GET", `/api/v1/authorizationServers/${serverId}/scopes/${body.id}`);
    expect(read.body.name).toBe("toolhive:config:read");
    const put = await t.call("PUT", `/api/v1/authorizationServers/${serverId}/scopes/${body.id}`, { name: "toolhive:config:read", description: "new" });
    expect(put.body.description).toBe("new");
    expect((await t.call("DELETE", `/api/v1/authorizationServers/${serverId}/scopes/${body.id}`)).status).toBe(204);
    expect((await t.call("GET", `/api/v1/authorizationServers/${serverId}/scopes/${body.id}`)).status).toBe(404);
  });

  it.each(["okta.users.read", "okta:x", "okta", "*", "has space", 'quo"te', "back\\slash"])("refuses the scope name %j", async (name) => {
    const { status, body } = await t.call("POST", `/api/v1/authorizationServers/${serverId}/scopes`, { name });
    expect(status).toBe(400);
    expect(expectOktaError(body).errorCode).toBe("E0000001");
  });

  it("keeps scope names unique per server, and a system scope cannot be deleted", async () => {
    expect((await t.call("POST", `/api/v1/authorizationServers/${serverId}/scopes`, { name: "unique:one" })).status).toBe(201);
    expect((await t.call("POST", `/api/v1/authorizationServers/${serverId}/scopes`, { name: "unique:one" })).status).toBe(400);
    const openid = (await t.call<Json[]>("GET", `/api/v1/authorizationServers/${serverId}/scopes`)).body.find((s) => s.name === "openid");
    expect((await t.call("DELETE", `/api/v1/authorizationServers/${serverId}/scopes/${openid?.id}`)).status).toBe(403);
  });

  it("refuses an unknown consent value naming the key and the value", async () => {
    const { body } = await t.call("POST", `/api/v1/authorizationServers/${serverId}/scopes`, { name: "x:y", consent: "SOMETIMES" });
    const cause = expectOktaError(body).errorCauses[0]?.errorSummary ?? "";
    expect(cause).toContain("consent");
    expect(cause).toContain('"SOMETIMES"');
  });
});

describe("claims", () => {
  let serverId: string;
  beforeAll(async () => {
    serverId = String((await t.call("POST", "/api/v1/authorizationServers", serverBody("claims"))).body.id);
  });

  it("normalises conditions {} to {scopes: []} (recorded) and puts group_filter_type only on GROUPS claims", async () => {
    const expression = await t.call("POST", `/api/v1/authorizationServers/${serverId}/claims`, { name: "test", claimType: "RESOURCE", valueType: "EXPRESSION", value: "cool", conditions: {}, alwaysIncludeInToken: true, group_filter_type: "EQUALS" });
    expect(expression.status).toBe(201);
    expect(expression.body).toMatchObject({ name: "test", status: "ACTIVE", claimType: "RESOURCE", valueType: "EXPRESSION", value: "cool", conditions: { scopes: [] }, system: false, alwaysIncludeInToken: true, apiResourceId: null });
    expect(expression.body).not.toHaveProperty("group_filter_type");
    const emptyFilter = await t.call("POST", `/api/v1/authorizationServers/${serverId}/claims`, { name: "empty-filter", claimType: "RESOURCE", valueType: "EXPRESSION", value: "user.login", group_filter_type: "" });
    expect(emptyFilter.status).toBe(201);
    expect(emptyFilter.body).not.toHaveProperty("group_filter_type");
    const groups = await t.call("POST", `/api/v1/authorizationServers/${serverId}/claims`, { name: "groups", claimType: "RESOURCE", valueType: "GROUPS", value: "stacklok-", group_filter_type: "STARTS_WITH", conditions: { scopes: ["openid"] } });
    expect(groups.body).toMatchObject({ valueType: "GROUPS", group_filter_type: "STARTS_WITH", conditions: { scopes: ["openid"] } });
  });

  it("refuses a duplicate claim name with 400 Api validation failed: name", async () => {
    await t.call("POST", `/api/v1/authorizationServers/${serverId}/claims`, { name: "roles", claimType: "RESOURCE", valueType: "EXPRESSION", value: "user.roles" });
    const { status, body } = await t.call("POST", `/api/v1/authorizationServers/${serverId}/claims`, { name: "roles", claimType: "RESOURCE", valueType: "EXPRESSION", value: "user.other" });
    expect(status).toBe(400);
    expect(expectOktaError(body)).toMatchObject({ errorCode: "E0000001", errorSummary: "Api validation failed: name" });
  });

  it("updates name, status and value with PUT (200) and lets a system claim be made always-included", async () => {
    const { body: claim } = await t.call("POST", `/api/v1/authorizationServers/${serverId}/claims`, { name: "before", claimType: "RESOURCE", valueType: "EXPRESSION", value: "a" });
    const put = await t.call("PUT", `/api/v1/authorizationServers/${serverId}/claims/${claim.id}`, { name: "after", status: "INACTIVE", claimType: "RESOURCE", valueType: "EXPRESSION", value: "b" });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: "after", status: "INACTIVE", value: "b" });
    const address = (await t.call<Json[]>("GET", `/api/v1/authorizationServers/${serverId}/claims`)).body.find((c) => c.name === "address");
    const updated = await t.call("PUT", `/api/v1/authorizationServers/${serverId}/claims/${address?.id}`, { ...address, alwaysIncludeInToken: true });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: "address", system: true, alwaysIncludeInToken: true });
    expect((await t.call("DELETE", `/api/v1/authorizationServers/${serverId}/claims/${claim.id}`)).status).toBe(204);
  });

  it("refuses unknown enum values and a GROUPS claim without a filter type", async () => {
    const bad = await t.call("POST", `/api/v1/authorizationServers/${serverId}/claims`, { name: "x", claimType: "TOKEN", valueType: "EXPRESSION", value: "a" });
    expect(bad.status).toBe(400);
    expect(expectOktaError(bad.body).errorCauses[0]?.errorSummary).toMatch(/^claimType: .*"TOKEN"/);
    const noFilter = await t.call("POST", `/api/v1/authorizationServers/${serverId}/claims`, { name: "g", claimType: "RESOURCE", valueType: "GROUPS", value: "a" });
    expect(expectOktaError(noFilter.body).errorSummary).toBe("Api validation failed: group_filter_type");
  });
});

describe("policies and rules", () => {
  let serverId: string;
  beforeAll(async () => {
    serverId = String((await t.call("POST", "/api/v1/authorizationServers", serverBody("policies"))).body.id);
  });
  const policy = (name: string, priority?: number) => ({ type: "OAUTH_AUTHORIZATION_POLICY", name, description: "Policy", status: "ACTIVE", ...(priority ? { priority } : {}), conditions: { clients: { include: ["ALL_CLIENTS"] } } });

  it("creates a policy with 201 in the recorded shape and echoes conditions.clients", async () => {
    const { status, body } = await t.call("POST", `/api/v1/authorizationServers/${serverId}/policies`, policy("first", 1));
    expect(status).toBe(201);
    expect(body.id).toMatch(/^00p/);
    expect(body).toMatchObject({ status: "ACTIVE", name: "first", description: "Policy", priority: 1, system: false, conditions: { clients: { include: ["ALL_CLIENTS"] } }, type: "OAUTH_AUTHORIZATION_POLICY" });
    const put = await t.call("PUT", `/api/v1/authorizationServers/${serverId}/policies/${body.id}`, { ...policy("first", 1), conditions: { clients: { include: ["0oarqrmtviILcZ04v1d7"] } } });
    expect(put.body.conditions).toEqual({ clients: { include: ["0oarqrmtviILcZ04v1d7"] } });
  });

  it("keeps priorities 1..n: a policy inserted at 1 moves the others down", async () => {
    const { body: server } = await t.call("POST", "/api/v1/authorizationServers", serverBody("priorities"));
    const a = await t.call("POST", `/api/v1/authorizationServers/${server.id}/policies`, policy("a"));
    const b = await t.call("POST", `/api/v1/authorizationServers/${server.id}/policies`, policy("b", 1));
    expect(a.body.priority).toBe(1);
    expect(b.body.priority).toBe(1);
    const list = await t.call<Json[]>("GET", `/api/v1/authorizationServers/${server.id}/policies`);
    expect(list.body.map((p) => [p.name, p.priority])).toEqual([["b", 1], ["a", 2]]);
  });

  it("refuses a policy name over 100 characters and a missing description", async () => {
    const long = await t.call("POST", `/api/v1/authorizationServers/${serverId}/policies`, policy("x".repeat(101)));
    expect(expectOktaError(long.body).errorSummary).toBe("Api validation failed: name");
    const { description: _d, ...noDescription } = policy("nodesc");
    expect((await t.call("POST", `/api/v1/authorizationServers/${serverId}/policies`, noDescription)).status).toBe(400);
  });

  it("normalises a rule as recorded: users {} -> {exclude: []}, scopes {} -> {include: []}, grant types reordered", async () => {
    const { body: p } = await t.call("POST", `/api/v1/authorizationServers/${serverId}/policies`, policy("rules"));
    const rule = await t.call("POST", `/api/v1/authorizationServers/${serverId}/policies/${p.id}/rules`, {
      actions: { token: { accessTokenLifetimeMinutes: 60, inlineHook: { id: "calkwr3zt7815UERb1d7" }, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
      conditions: { grantTypes: { include: ["password", "implicit"] }, people: { groups: { include: ["00g5qwjvgrD3WR89l1d7"] }, users: {} }, scopes: {} },
      name: "test",
      priority: 1,
      status: "ACTIVE",
      type: "RESOURCE_ACCESS",
    });
    expect(rule.status).toBe(201);
    expect(rule.body.id).toMatch(/^0pr/);
    expect(rule.body.conditions).toEqual({
      people: { users: { exclude: [] }, groups: { include: ["00g5qwjvgrD3WR89l1d7"] } },
      grantTypes: { include: ["implicit", "password"] },
      scopes: { include: [] },
    });
    expect(rule.body.actions).toEqual({ token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080, inlineHook: { id: "calkwr3zt7815UERb1d7" } } });
    expect(rule.body).toMatchObject({ type: "RESOURCE_ACCESS", system: false, priority: 1 });
    const deactivate = await t.call("POST", `/api/v1/authorizationServers/${serverId}/policies/${p.id}/rules/${rule.body.id}/lifecycle/deactivate`);
    expect(deactivate.status).toBe(204);
    expect((await t.call("GET", `/api/v1/authorizationServers/${serverId}/policies/${p.id}/rules/${rule.body.id}`)).body.status).toBe("INACTIVE");
  });

  it.each([
    [{ accessTokenLifetimeMinutes: 4 }, "accessTokenLifetimeMinutes"],
    [{ accessTokenLifetimeMinutes: 1441 }, "accessTokenLifetimeMinutes"],
    [{ accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 30 }, "refreshTokenLifetimeMinutes"],
    [{ refreshTokenWindowMinutes: 9 }, "refreshTokenWindowMinutes"],
    [{ refreshTokenWindowMinutes: 2_628_001 }, "refreshTokenWindowMinutes"],
  ])("refuses token lifetimes %j", async (token, field) => {
    const { body: p } = await t.call("POST", `/api/v1/authorizationServers/${serverId}/policies`, policy(`limits-${field}-${JSON.stringify(token)}`.slice(0, 100)));
    const { status, body } = await t.call("POST", `/api/v1/authorizationServers/${serverId}/policies/${p.id}/rules`, {
      name: "r",
      conditions: { grantTypes: { include: ["authorization_code"] }, people: { groups: { include: ["EVERYONE"] } } },
      actions: { token },
    });
    expect(status).toBe(400);
    expect(expectOktaError(body).errorSummary).toBe(`Api validation failed: actions.token.${field}`);
  });

  it("accepts the limits' edges: 5 and 1440 minutes, refresh 0 (unlimited) or equal to access, window 10 and 2628000", async () => {
    const { body: p } = await t.call("POST", `/api/v1/authorizationServers/${serverId}/policies`, policy("edges"));
    for (const token of [
      { accessTokenLifetimeMinutes: 5, refreshTokenLifetimeMinutes: 5, refreshTokenWindowMinutes: 10 },
      { accessTokenLifetimeMinutes: 1440, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 2_628_000 },
    ]) {
      const { status } = await t.call("POST", `/api/v1/authorizationServers/${serverId}/policies/${p.id}/rules`, { name: "edge", conditions: { grantTypes: { include: ["authorization_code"] } }, actions: { token } });
      expect(status).toBe(201);
    }
  });

  it("refuses an unknown grant type naming it", async () => {
    const { body: p } = await t.call("POST", `/api/v1/authorizationServers/${serverId}/policies`, policy("grants"));
    const { status, body } = await t.call("POST", `/api/v1/authorizationServers/${serverId}/policies/${p.id}/rules`, { name: "r", conditions: { grantTypes: { include: ["magic"] } } });
    expect(status).toBe(400);
    expect(expectOktaError(body).errorCauses[0]?.errorSummary).toContain('"magic"');
  });

  it("deletes a policy and its rules (204) and then answers 404", async () => {
    const { body: p } = await t.call("POST", `/api/v1/authorizationServers/${serverId}/policies`, policy("doomed"));
    await t.call("POST", `/api/v1/authorizationServers/${serverId}/policies/${p.id}/rules`, { name: "r", conditions: { grantTypes: { include: ["authorization_code"] } } });
    expect((await t.call("DELETE", `/api/v1/authorizationServers/${serverId}/policies/${p.id}`)).status).toBe(204);
    expect((await t.call("GET", `/api/v1/authorizationServers/${serverId}/policies/${p.id}`)).status).toBe(404);
    expect(t.org.store.state.policyRules[String(p.id)]).toBeUndefined();
  });
});
