/**
 * What happens over time and at the edges of the token endpoint, with
 * okta-local's OAuth clock moved by the test: the 300 s code, refresh-token
 * lifetime and idle window, reuse detection reaching access tokens, `auth_time`
 * and `at_hash`, and claims evaluated per Okta at `/v1/token` (Java-style REGEX
 * filters, the 100-group limit, 501 for what okta-local cannot evaluate).
 */
import { createHash, randomBytes } from "node:crypto";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OktaJson } from "../../tools/okta-local/store";
import { CLI_REDIRECT_URI, CONFIG_SCOPE, USERS, signInThroughBrowser, startOAuthTestOrg, type OAuthTestOrg, type TestApp } from "./oauth-org";

let org: OAuthTestOrg;
let clock = 1_900_000_000;

beforeAll(async () => {
  org = await startOAuthTestOrg({ now: () => clock });
});

afterAll(async () => {
  await org?.close();
});

type Form = Record<string, string>;

async function post(path: string, form: Form, headers: Record<string, string> = {}) {
  const response = await fetch(`${org.em.issuer}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  return { status: response.status, body: (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>, headers: response.headers };
}

async function signIn(options: { app?: TestApp; scope?: string; extra?: Form } = {}) {
  const app = options.app ?? org.apps.cli;
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL(`${org.em.issuer}/v1/authorize`);
  const params: Form = {
    client_id: app.clientId,
    response_type: "code",
    scope: options.scope ?? `openid offline_access ${CONFIG_SCOPE}`,
    redirect_uri: CLI_REDIRECT_URI,
    state: "s-1",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    ...options.extra,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const browser = await signInThroughBrowser(url, USERS.alice.login, USERS.alice.password);
  return { browser, code: browser.location?.searchParams.get("code") ?? "", verifier, app };
}

async function exchange(signedIn: { code: string; verifier: string; app: TestApp }) {
  return post("/v1/token", { grant_type: "authorization_code", client_id: signedIn.app.clientId, code: signedIn.code, code_verifier: signedIn.verifier, redirect_uri: CLI_REDIRECT_URI });
}

async function tokens(app: TestApp = org.apps.cli) {
  const answer = await exchange(await signIn({ app }));
  if (answer.status !== 200) throw new Error(`token exchange answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as { access_token: string; refresh_token: string; id_token: string };
}

function refresh(refreshToken: string, app: TestApp = org.apps.cli) {
  return post("/v1/token", { grant_type: "refresh_token", client_id: app.clientId, refresh_token: refreshToken });
}

/** Sets the em server's rule lifetimes (the rule that granted the code keeps setting them). */
function setEmRuleLifetimes(refreshTokenLifetimeMinutes: number, refreshTokenWindowMinutes: number): void {
  org.okta.store.mutate((s) => {
    for (const policyId of Object.keys(s.policies[org.em.id] ?? {})) {
      for (const rule of Object.values(s.policyRules[policyId] ?? {})) {
        Object.assign((rule.actions as { token: OktaJson }).token, { refreshTokenLifetimeMinutes, refreshTokenWindowMinutes });
      }
    }
  });
}

const CODE_INVALID = { error: "invalid_grant", error_description: "The authorization code is invalid or has expired." };
const REFRESH_INVALID = { error: "invalid_grant", error_description: "The refresh token is invalid or expired." };

describe("the authorization code lives 300 s", () => {
  it("exchanges a code 299 s after sign-in and refuses one 300 s after", async () => {
    const fresh = await signIn();
    clock += 299;
    expect((await exchange(fresh)).status).toBe(200);

    const stale = await signIn();
    clock += 300;
    const answer = await exchange(stale);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(CODE_INVALID);
  });
});

describe("refresh-token lifetime and idle window", () => {
  it("keeps a STATIC refresh token alive while each use falls inside the idle window, and refuses it after the window", async () => {
    setEmRuleLifetimes(0, 30);
    try {
      const issued = await tokens(org.apps.cliStatic);
      // Every 29 minutes, well past the 30-minute window counted from issue: each use resets it.
      for (let use = 0; use < 3; use++) {
        clock += 29 * 60;
        const answer = await refresh(issued.refresh_token, org.apps.cliStatic);
        expect(answer.status, `use ${use}`).toBe(200);
        expect(answer.body.refresh_token).toBe(issued.refresh_token);
      }
      clock += 30 * 60;
      const answer = await refresh(issued.refresh_token, org.apps.cliStatic);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual(REFRESH_INVALID);
    } finally {
      setEmRuleLifetimes(0, 10080);
    }
  });

  it("ends a rotated refresh token at the lifetime inherited from the first one", async () => {
    setEmRuleLifetimes(120, 30);
    try {
      let current = (await tokens()).refresh_token;
      for (let use = 0; use < 4; use++) {
        clock += 29 * 60;
        const answer = await refresh(current);
        expect(answer.status, `use ${use}`).toBe(200);
        current = String(answer.body.refresh_token);
      }
      // The last use was 116 minutes after issue; five more pass the 120-minute lifetime, well inside the window.
      clock += 5 * 60;
      const answer = await refresh(current);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual(REFRESH_INVALID);
    } finally {
      setEmRuleLifetimes(0, 10080);
    }
  });

  it("refuses the refresh token of a deactivated user, and honours it again once reactivated", async () => {
    const issued = await tokens(org.apps.cliStatic);
    const alice = (await org.api("GET", `/api/v1/users/${encodeURIComponent(USERS.alice.login)}`)).id as string;
    await org.api("POST", `/api/v1/users/${alice}/lifecycle/deactivate`);
    try {
      expect((await refresh(issued.refresh_token, org.apps.cliStatic)).body).toEqual(REFRESH_INVALID);
    } finally {
      await org.api("POST", `/api/v1/users/${alice}/lifecycle/activate`);
    }
    expect((await refresh(issued.refresh_token, org.apps.cliStatic)).status).toBe(200);
  });
});

describe("refresh-token reuse invalidates the family's access tokens", () => {
  it("reads them as inactive at /v1/introspect and refuses them at /v1/userinfo", async () => {
    const app = org.apps.cliNoLeeway;
    const signedIn = await signIn({ app, scope: `openid profile offline_access ${CONFIG_SCOPE}` });
    const first = (await exchange(signedIn)).body as { access_token: string; refresh_token: string };
    clock += 1;
    const second = (await refresh(first.refresh_token, app)).body as { access_token: string };
    const introspect = async (token: string) => (await post("/v1/introspect", { client_id: app.clientId, token, token_type_hint: "access_token" })).body.active;
    const userinfo = async (token: string) => (await fetch(`${org.em.issuer}/v1/userinfo`, { headers: { authorization: `Bearer ${token}` } })).status;
    expect(await introspect(first.access_token)).toBe(true);
    expect(await introspect(second.access_token)).toBe(true);
    expect(await userinfo(second.access_token)).toBe(200);

    clock += 1;
    expect((await refresh(first.refresh_token, app)).body).toEqual(REFRESH_INVALID);
    expect(await introspect(first.access_token)).toBe(false);
    expect(await introspect(second.access_token)).toBe(false);
    expect(await userinfo(second.access_token)).toBe(401);

    // Another sign-in's family is untouched.
    const other = await tokens(app);
    expect(await introspect(other.access_token)).toBe(true);
  });
});

describe("ID token", () => {
  it("carries at_hash of its access token and auth_time of the sign-in, kept across a refresh", async () => {
    const signInTime = Math.floor(clock);
    const issued = await tokens();
    const idToken = decodeJwt(issued.id_token);
    const expectedHash = createHash("sha256").update(issued.access_token, "ascii").digest().subarray(0, 16).toString("base64url");
    expect(idToken.at_hash).toBe(expectedHash);
    expect(idToken.auth_time).toBe(signInTime);
    expect(decodeJwt(issued.access_token).auth_time).toBe(signInTime);

    clock += 600;
    const refreshed = (await refresh(issued.refresh_token)).body as { access_token: string; id_token: string };
    const refreshedId = decodeJwt(refreshed.id_token);
    expect(refreshedId.auth_time).toBe(signInTime);
    expect(refreshedId.iat).toBe(Math.floor(clock));
    expect(refreshedId.at_hash).toBe(createHash("sha256").update(refreshed.access_token, "ascii").digest().subarray(0, 16).toString("base64url"));
  });
});

describe("authorize", () => {
  it("answers prompt=none with login_required on the redirect, as okta-local keeps no session", async () => {
    const { browser } = await signIn({ extra: { prompt: "none" } });
    expect(browser.status).toBe(302);
    expect(browser.location?.origin + (browser.location?.pathname ?? "")).toBe(CLI_REDIRECT_URI);
    expect(browser.location?.searchParams.get("state")).toBe("s-1");
    expect(browser.location?.searchParams.get("error")).toBe("login_required");
    expect(browser.location?.searchParams.get("error_description")).toBe("The client specified not to prompt, but the user is not logged in.");
  });

  it("answers a response_mode okta-local does not emulate with 501 on the error page", async () => {
    const { browser } = await signIn({ extra: { response_mode: "form_post" } });
    expect(browser.status).toBe(501);
    expect(browser.body).toContain("response_mode");
  });
});

describe("claims at /v1/token", () => {
  async function withClaim<T>(claim: OktaJson, run: () => Promise<T>): Promise<T> {
    const created = await org.api("POST", `/api/v1/authorizationServers/${org.em.id}/claims`, {
      status: "ACTIVE",
      claimType: "RESOURCE",
      conditions: { scopes: [] },
      alwaysIncludeInToken: true,
      ...claim,
    });
    try {
      return await run();
    } finally {
      await org.api("DELETE", `/api/v1/authorizationServers/${org.em.id}/claims/${String(created.id)}`);
    }
  }

  it("evaluates a REGEX filter with Java-style escapes and a leading (?i)", async () => {
    await withClaim({ name: "escaped", valueType: "GROUPS", group_filter_type: "REGEX", value: "stacklok\\-engineer\\w\\_?" }, async () => {
      await withClaim({ name: "folded", valueType: "GROUPS", group_filter_type: "REGEX", value: "(?i)STACKLOK-.*" }, async () => {
        const access = decodeJwt((await tokens()).access_token);
        expect(access.escaped).toEqual(["stacklok-engineers"]);
        expect(access.folded).toEqual(["stacklok-engineers"]);
      });
    });
  });

  it("answers 501 in Okta's OAuth error shape for a Java regex construct and an expression it cannot evaluate", async () => {
    for (const claim of [
      { name: "possessive", valueType: "GROUPS", group_filter_type: "REGEX", value: "stacklok-.*+" },
      { name: "upper", valueType: "EXPRESSION", value: "String.toUpperCase(user.login)" },
    ]) {
      await withClaim(claim, async () => {
        const answer = await exchange(await signIn());
        expect(answer.status, claim.name).toBe(501);
        expect(answer.body.error).toBe("server_error");
        expect(String(answer.body.error_description)).toContain("okta-local does not emulate");
        expect(String(answer.body.error_description)).toContain(claim.value);
      });
    }
  });

  it("fails the token request when more than 100 groups match, and not at 100", async () => {
    const alice = (await org.api("GET", `/api/v1/users/${encodeURIComponent(USERS.alice.login)}`)).id as string;
    // Alice is in stacklok-engineers already: 99 more make 100 matches of `stacklok-.*`.
    org.okta.store.mutate((s) => {
      for (let i = 0; i < 99; i++) {
        s.groups[`00gBulk${i}`] = { id: `00gBulk${i}`, type: "OKTA_GROUP", profile: { name: `stacklok-bulk-${i}`, description: "" } };
        s.groupMembers[`00gBulk${i}`] = [alice];
      }
    });
    try {
      const hundred = decodeJwt((await tokens()).access_token);
      expect(hundred.groups).toHaveLength(100);
      org.okta.store.mutate((s) => {
        s.groups["00gBulk99"] = { id: "00gBulk99", type: "OKTA_GROUP", profile: { name: "stacklok-bulk-99", description: "" } };
        s.groupMembers["00gBulk99"] = [alice];
      });
      const answer = await exchange(await signIn());
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: "server_error", error_description: "The groups claim matched too many groups and must be configured to match fewer groups." });
    } finally {
      org.okta.store.mutate((s) => {
        for (let i = 0; i < 100; i++) {
          delete s.groups[`00gBulk${i}`];
          delete s.groupMembers[`00gBulk${i}`];
        }
      });
    }
  });
});
