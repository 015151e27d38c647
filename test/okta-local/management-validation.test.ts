/**
 * Checks Okta makes when objects are saved, and Okta's error shape for URLs
 * the router itself refuses: redirect URIs, reserved claim names, REGEX
 * filters that do not compile, group-name uniqueness among OKTA_GROUP
 * groups, bad percent-encoding and over-long ids; and discovery with a
 * bad `?client_id=`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectOktaError, serverBody, startTestOrg, webAppBody, type Json, type TestOrg } from "./support";

let t: TestOrg;
let serverId: string;

beforeAll(async () => {
  t = await startTestOrg();
  serverId = String((await t.call<Json>("POST", "/api/v1/authorizationServers", serverBody("validation"))).body.id);
});

afterAll(async () => {
  await t.close();
});

describe("redirect URIs at app create and update", () => {
  it.each([
    ["not a uri", "redirect_uris"],
    ["/relative/callback", "redirect_uris"],
    ["https://ui.example.com/callback#fragment", "redirect_uris"],
  ])("refuses %j with E0000001 naming the field, and creates nothing", async (uri, key) => {
    const before = (await t.call<Json[]>("GET", "/api/v1/apps")).body.length;
    const answer = await t.call("POST", "/api/v1/apps", webAppBody("bad-redirect", { redirect_uris: [uri] }));
    expect(answer.status).toBe(400);
    const error = expectOktaError(answer.body);
    expect(error.errorCode).toBe("E0000001");
    expect(error.errorCauses[0]?.errorSummary).toContain(`settings.oauthClient.${key}[0]`);
    expect(error.errorCauses[0]?.errorSummary).toContain(JSON.stringify(uri));
    expect((await t.call<Json[]>("GET", "/api/v1/apps")).body.length).toBe(before);
  });

  it("accepts https, loopback http and a native app's private-use scheme, and refuses a bad one on update", async () => {
    const created = await t.call<Json>("POST", "/api/v1/apps", webAppBody("good-redirects", { redirect_uris: ["https://ui.example.com/cb", "http://localhost:8666/callback", "com.example.app:/callback"] }));
    expect(created.status).toBe(200);
    const update = await t.call("PUT", `/api/v1/apps/${String(created.body.id)}`, webAppBody("good-redirects", { post_logout_redirect_uris: ["no scheme here"] }));
    expect(update.status).toBe(400);
    expect(expectOktaError(update.body).errorCauses[0]?.errorSummary).toContain("settings.oauthClient.post_logout_redirect_uris[0]");
  });
});

describe("claims", () => {
  const claimsPath = () => `/api/v1/authorizationServers/${serverId}/claims`;
  const resourceClaim = (fields: Json) => ({ status: "ACTIVE", claimType: "RESOURCE", valueType: "EXPRESSION", value: "user.login", conditions: { scopes: [] }, alwaysIncludeInToken: true, ...fields });

  it.each(["iss", "cid", "scp", "auth_time"])("refuses a RESOURCE claim named %s, a reserved access-token claim", async (name) => {
    const answer = await t.call("POST", claimsPath(), resourceClaim({ name }));
    expect(answer.status).toBe(400);
    const error = expectOktaError(answer.body);
    expect(error).toMatchObject({ errorCode: "E0000001", errorSummary: "Api validation failed: name" });
    expect(error.errorCauses[0]?.errorSummary).toContain(JSON.stringify(name));
  });

  it("refuses an IDENTITY claim named nonce, and accepts a RESOURCE claim named groups", async () => {
    expect((await t.call("POST", claimsPath(), resourceClaim({ name: "nonce", claimType: "IDENTITY" }))).status).toBe(400);
    const groups = await t.call("POST", claimsPath(), resourceClaim({ name: "groups", valueType: "GROUPS", group_filter_type: "REGEX", value: "stacklok\\-.*" }));
    expect(groups.status).toBe(201);
  });

  it("refuses a REGEX filter that does not compile with E0000001 naming value, and accepts a Java construct it cannot evaluate", async () => {
    const invalid = await t.call("POST", claimsPath(), resourceClaim({ name: "broken", valueType: "GROUPS", group_filter_type: "REGEX", value: "(" }));
    expect(invalid.status).toBe(400);
    const error = expectOktaError(invalid.body);
    expect(error.errorSummary).toBe("Api validation failed: value");
    expect(error.errorCauses[0]?.errorSummary).toContain('"("');
    const javaOnly = await t.call("POST", claimsPath(), resourceClaim({ name: "possessive", valueType: "GROUPS", group_filter_type: "REGEX", value: "a.*+" }));
    expect(javaOnly.status).toBe(201);
  });
});

describe("group names", () => {
  it("are unique among OKTA_GROUP groups only: a group may be named like the BUILT_IN Everyone", async () => {
    expect((await t.call("POST", "/api/v1/groups", { profile: { name: "Everyone" } })).status).toBe(200);
    expect((await t.call("POST", "/api/v1/groups", { profile: { name: "platform" } })).status).toBe(200);
    const duplicate = await t.call("POST", "/api/v1/groups", { profile: { name: "PLATFORM" } });
    expect(duplicate.status).toBe(400);
    expect(expectOktaError(duplicate.body).errorCode).toBe("E0000001");
  });
});

describe("URLs the router refuses", () => {
  it("answers bad percent-encoding in an id with E0000007 in Okta's shape", async () => {
    const answer = await t.call("GET", "/api/v1/groups/%E0%A4%A");
    expect(answer.status).toBe(404);
    expect(expectOktaError(answer.body)).toMatchObject({ errorCode: "E0000007", errorSummary: "Not found: Resource not found: %E0%A4%A" });
    expect(answer.headers.get("x-okta-request-id")).toBeTruthy();
    expect(t.org.requests().at(-1)).toMatchObject({ path: "/api/v1/groups/%E0%A4%A", status: 404, errorCode: "E0000007" });
  });

  it("answers an id longer than any Okta id with E0000007 in Okta's shape", async () => {
    const answer = await t.call("GET", `/api/v1/users/${"x".repeat(3000)}`);
    expect(answer.status).toBe(404);
    const error = expectOktaError(answer.body);
    expect(error.errorCode).toBe("E0000007");
    expect(error.errorSummary.length).toBeLessThan(200);
  });
});

describe("discovery", () => {
  it("answers a bad ?client_id= with 400 invalid_client, and a known one with the document", async () => {
    const bad = await fetch(`${t.url}/oauth2/${serverId}/.well-known/openid-configuration?client_id=0oaNoSuchClient00001`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errorCode: "invalid_client" });
    const app = await t.call<Json>("POST", "/api/v1/apps", webAppBody("discovery-client"));
    const good = await fetch(`${t.url}/oauth2/${serverId}/.well-known/openid-configuration?client_id=${String(app.body.id)}`);
    expect(good.status).toBe(200);
    expect(((await good.json()) as Json).issuer).toBe(`${t.url}/oauth2/${serverId}`);
  });
});
