/**
 * The claims Okta puts in access and ID tokens, evaluated over a hand-built org.
 */
import { describe, expect, it } from "vitest";
import { GROUPS_CLAIM_LIMIT, accessTokenClaims, compileGroupRegex, evaluateExpression, groupMatchesFilter, identityClaims, type ClaimSubject } from "../../tools/okta-local/oauth/claims";
import { OAuthError } from "../../tools/okta-local/oauth/errors";
import type { OrgState } from "../../tools/okta-local/store";
import { ALICE, BOB, ENGINEERS, NATIVE_APP, SERVER_ID, buildOrg, claim } from "./oauth-state-fixture";

function subjectOf(state: OrgState, userId: string): ClaimSubject {
  const user = state.users[userId];
  if (user === undefined) throw new Error("fixture user missing");
  return { userId, user, clientId: NATIVE_APP, appUserName: (user.profile as { login: string }).login };
}

function withClaims(state: OrgState, ...claims: Record<string, unknown>[]): OrgState {
  state.claims[SERVER_ID] = { ...state.claims[SERVER_ID], ...Object.fromEntries(claims.map((c, i) => [`custom${i}`, claim(c)])) };
  return state;
}

function accessClaims(state: OrgState, userId = ALICE, scopes = ["openid", "toolhive:config:read"]) {
  return accessTokenClaims(state, SERVER_ID, subjectOf(state, userId), NATIVE_APP, scopes);
}

describe("groups claims", () => {
  it("REGEX matches the whole group name, case-sensitively", () => {
    expect(groupMatchesFilter("stacklok-engineers", "REGEX", "stacklok-.*")).toBe(true);
    expect(groupMatchesFilter("stacklok-engineers", "REGEX", "engineers")).toBe(false);
    expect(groupMatchesFilter("stacklok-engineers", "REGEX", "Stacklok-.*")).toBe(false);
    expect(groupMatchesFilter("a|stacklok-engineers", "REGEX", "a|stacklok-engineers")).toBe(false);
  });

  it("REGEX reads Java's syntax: identity escapes, a leading (?i), \\Q…\\E, \\A and \\z", () => {
    expect(groupMatchesFilter("stacklok-engineers", "REGEX", "stacklok\\-.*")).toBe(true);
    expect(groupMatchesFilter("stacklok_admins", "REGEX", "stacklok\\_admins")).toBe(true);
    expect(groupMatchesFilter("Stacklok-Engineers", "REGEX", "(?i)stacklok-.*")).toBe(true);
    expect(groupMatchesFilter("a.b", "REGEX", "\\Qa.b\\E")).toBe(true);
    expect(groupMatchesFilter("axb", "REGEX", "\\Qa.b\\E")).toBe(false);
    expect(groupMatchesFilter("admins", "REGEX", "\\Aadmins\\z")).toBe(true);
    expect(groupMatchesFilter("Aadminsz", "REGEX", "\\Aadmins\\z")).toBe(false);
    expect(groupMatchesFilter("++", "REGEX", "[+]+")).toBe(true);
  });

  it.each(["a.*+", "(?>a)", "a(?i)b", "(?s).*", "[a-z&&[^b]]", "[a[b]]", "\\p{Lu}.*", "a\\Z", "\\x{41}"])("calls the Java construct in %j unsupported (501 at the token endpoint)", (pattern) => {
    expect(compileGroupRegex(pattern).kind).toBe("unsupported");
    expect(() => groupMatchesFilter("a", "REGEX", pattern)).toThrowError(/okta-local does not emulate/);
  });

  it.each(["(", "[a-", "a\\", "\\y", "*a"])("calls %j invalid", (pattern) => {
    expect(compileGroupRegex(pattern).kind).toBe("invalid");
  });

  it("EQUALS, STARTS_WITH and CONTAINS ignore case", () => {
    expect(groupMatchesFilter("Stacklok-Engineers", "EQUALS", "stacklok-engineers")).toBe(true);
    expect(groupMatchesFilter("Stacklok-Engineers", "STARTS_WITH", "stacklok")).toBe(true);
    expect(groupMatchesFilter("Stacklok-Engineers", "STARTS_WITH", "engineers")).toBe(false);
    expect(groupMatchesFilter("Stacklok-Engineers", "CONTAINS", "ENGINE")).toBe(true);
  });

  it("lists the user's matching groups, Everyone included", () => {
    const state = withClaims(buildOrg(), { name: "groups", claimType: "RESOURCE", valueType: "GROUPS", value: ".*", group_filter_type: "REGEX" });
    expect(accessClaims(state).groups).toEqual(["Everyone", "stacklok-engineers"]);
  });

  it("leaves the claim out when no group matches", () => {
    const state = withClaims(buildOrg(), { name: "groups", claimType: "RESOURCE", valueType: "GROUPS", value: "admins", group_filter_type: "EQUALS" });
    expect(accessClaims(state)).not.toHaveProperty("groups");
  });

  it(`fails the request when more than ${GROUPS_CLAIM_LIMIT} groups match, not at ${GROUPS_CLAIM_LIMIT}`, () => {
    const state = withClaims(buildOrg(), { name: "groups", claimType: "RESOURCE", valueType: "GROUPS", value: "bulk-.*", group_filter_type: "REGEX" });
    for (let i = 0; i < GROUPS_CLAIM_LIMIT; i++) {
      state.groups[`bulk${i}`] = { type: "OKTA_GROUP", profile: { name: `bulk-${i}` } };
      state.groupMembers[`bulk${i}`] = [ALICE];
    }
    expect(accessClaims(state).groups).toHaveLength(GROUPS_CLAIM_LIMIT);
    state.groups.bulkExtra = { type: "OKTA_GROUP", profile: { name: "bulk-extra" } };
    state.groupMembers.bulkExtra = [ALICE];
    let error: unknown;
    try {
      accessClaims(state);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).toJSON()).toEqual({
      error: "server_error",
      error_description: "The groups claim matched too many groups and must be configured to match fewer groups.",
    });
  });

  it("includes groups the seed names for the user", () => {
    const state = withClaims(buildOrg(), { name: "groups", claimType: "RESOURCE", valueType: "GROUPS", value: "stacklok-", group_filter_type: "STARTS_WITH" });
    state.seededGroupNames[BOB] = ["stacklok-engineers"];
    expect(accessClaims(state, BOB).groups).toEqual(["stacklok-engineers"]);
    expect(state.groupMembers[ENGINEERS]).not.toContain(BOB);
  });
});

describe("expression claims", () => {
  it("keeps an array attribute an array and leaves a missing one out", () => {
    const state = withClaims(buildOrg(), { name: "roles", claimType: "RESOURCE", valueType: "EXPRESSION", value: "user.roles" });
    expect(accessClaims(state).roles).toEqual(["admin", "dev"]);
    expect(accessClaims(state, BOB)).not.toHaveProperty("roles");
  });

  it("gives sub the app username, and the client id without a user", () => {
    const state = buildOrg();
    expect(accessClaims(state).sub).toBe("alice@example.com");
    expect(evaluateExpression("(appuser != null) ? appuser.userName : app.clientId", undefined, NATIVE_APP, "sub")).toBe(NATIVE_APP);
  });

  it("adds a claim only when one of its scopes was granted; empty means any", () => {
    const state = withClaims(
      buildOrg(),
      { name: "email_claim", claimType: "RESOURCE", valueType: "EXPRESSION", value: "user.email", conditions: { scopes: ["email"] } },
      { name: "always", claimType: "RESOURCE", valueType: "EXPRESSION", value: '"constant"' },
    );
    expect(accessClaims(state)).not.toHaveProperty("email_claim");
    expect(accessClaims(state, ALICE, ["openid", "email"])).toMatchObject({ email_claim: "alice@example.com", always: "constant" });
  });

  it("leaves out inactive claims", () => {
    const state = withClaims(buildOrg(), { name: "roles", claimType: "RESOURCE", valueType: "EXPRESSION", value: "user.roles", status: "INACTIVE" });
    expect(accessClaims(state)).not.toHaveProperty("roles");
  });

  it("refuses an expression it cannot evaluate, naming the claim", () => {
    const state = withClaims(buildOrg(), { name: "fancy", claimType: "RESOURCE", valueType: "EXPRESSION", value: 'String.toUpperCase(user.login)' });
    expect(() => accessClaims(state)).toThrow(/expression 'String.toUpperCase\(user.login\)' of claim 'fancy'/);
  });
});

describe("identity claims", () => {
  it("puts only always-included claims of granted scopes in the ID token, the rest in userinfo", () => {
    const state = buildOrg();
    const subject = subjectOf(state, ALICE);
    (subject.user.profile as Record<string, unknown>).locale = "en_US";
    expect(identityClaims(state, SERVER_ID, subject, ["openid", "profile"], "id_token")).toEqual({ name: "Alice Example" });
    expect(identityClaims(state, SERVER_ID, subject, ["openid", "profile", "email"], "userinfo")).toEqual({
      name: "Alice Example",
      email: "alice@example.com",
      locale: "en_US",
    });
    expect(identityClaims(state, SERVER_ID, subject, ["openid"], "userinfo")).toEqual({});
  });
});
