/**
 * Property-style: `/v1/authorize` and `/v1/token` never answer 500, whatever
 * the request carries and whatever shape the stored objects are in (a
 * hand-edited or old state file). Cases come from a seeded generator, so a
 * failure names a case that reproduces.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OktaJson, OrgState } from "../../tools/okta-local/store";
import { CLI_REDIRECT_URI, CONFIG_SCOPE, USERS, readSignInForm, startOAuthTestOrg, type OAuthTestOrg } from "./oauth-org";

let org: OAuthTestOrg;
let pristine: OrgState;

beforeAll(async () => {
  org = await startOAuthTestOrg();
  pristine = structuredClone(org.okta.store.state);
});

afterAll(async () => {
  await org?.close();
});

/** mulberry32: a small deterministic generator. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VERIFIER = "v".repeat(43);
const CHALLENGE = createHash("sha256").update(VERIFIER).digest("base64url");

function garbage(random: () => number): string {
  const pool = [
    "", " ", "%", "%E0%A4%A", "not a uri", "\u0000", "💥", "a".repeat(5000), "javascript:alert(1)", "http://", "openid", "code", "token id_token",
    "S256", "plain", "none", "query", "fragment", CLI_REDIRECT_URI, `${CLI_REDIRECT_URI}#x`, CONFIG_SCOPE, "openid offline_access", "(", "[", "\\",
    "refresh_token", "authorization_code", "client_credentials", "0oaNoSuchClient00001", "Basic", "Basic !!!", "Bearer x",
  ];
  return pool[Math.floor(random() * pool.length)] ?? "";
}

/** Damage done to the stored org, one at a time. */
const DAMAGE: [string, (s: OrgState, appId: string, serverId: string) => void][] = [
  ["redirect URI that does not parse", (s, appId) => Object.assign(client(s, appId), { redirect_uris: ["not a uri"] })],
  ["redirect URIs not strings", (s, appId) => Object.assign(client(s, appId), { redirect_uris: [42, null, { uri: CLI_REDIRECT_URI }] })],
  ["grant types as a string", (s, appId) => Object.assign(client(s, appId), { grant_types: "authorization_code" })],
  ["no app settings", (s, appId) => Object.assign(s.apps[appId] ?? {}, { settings: null })],
  ["no app credentials", (s, appId) => Object.assign(s.apps[appId] ?? {}, { credentials: null })],
  ["wildcard app with a broken URI", (s, appId) => Object.assign(client(s, appId), { wildcard_redirect: "SUBDOMAIN", redirect_uris: ["https://*.(/cb"] })],
  ["claim value not a string", (s, _appId, serverId) => eachClaim(s, serverId, (c) => Object.assign(c, { value: 42 }))],
  ["unknown filter type", (s, _appId, serverId) => eachClaim(s, serverId, (c) => Object.assign(c, { group_filter_type: "NOPE" }))],
  ["unknown value type", (s, _appId, serverId) => eachClaim(s, serverId, (c) => Object.assign(c, { valueType: "WHAT" }))],
  ["regex that does not compile", (s, _appId, serverId) => eachClaim(s, serverId, (c) => Object.assign(c, { valueType: "GROUPS", group_filter_type: "REGEX", value: "(" }))],
  ["claim conditions not an object", (s, _appId, serverId) => eachClaim(s, serverId, (c) => Object.assign(c, { conditions: "x" }))],
  ["rule with no actions or conditions", (s, _appId, serverId) => eachRule(s, serverId, (r) => Object.assign(r, { actions: null, conditions: null, priority: "x" }))],
  ["rule lifetimes not numbers", (s, _appId, serverId) => eachRule(s, serverId, (r) => Object.assign(r, { actions: { token: { accessTokenLifetimeMinutes: "15" } } }))],
  ["policy conditions missing", (s, _appId, serverId) => Object.values(s.policies[serverId] ?? {}).forEach((p) => Object.assign(p, { conditions: null }))],
  ["user profile missing", (s) => Object.values(s.users).forEach((u) => Object.assign(u, { profile: { login: (u.profile as OktaJson).login } }))],
  ["user attribute an object", (s) => Object.values(s.users).forEach((u) => Object.assign(u.profile as OktaJson, { roles: { nested: [1, 2] } }))],
  ["group profile missing", (s) => Object.values(s.groups).forEach((g) => Object.assign(g, { profile: null }))],
  ["group members of a missing user", (s) => Object.keys(s.groupMembers).forEach((g) => s.groupMembers[g]?.push("00uNoSuchUser0000001"))],
  ["server without a signing key", (s, _appId, serverId) => delete s.signingKeys[serverId]],
];

function client(s: OrgState, appId: string): OktaJson {
  return ((s.apps[appId]?.settings as OktaJson | undefined)?.oauthClient ?? {}) as OktaJson;
}

function eachClaim(s: OrgState, serverId: string, change: (claim: OktaJson) => void): void {
  for (const claim of Object.values(s.claims[serverId] ?? {})) if (claim.system !== true) change(claim);
}

function eachRule(s: OrgState, serverId: string, change: (rule: OktaJson) => void): void {
  for (const policyId of Object.keys(s.policies[serverId] ?? {})) for (const rule of Object.values(s.policyRules[policyId] ?? {})) change(rule);
}

function restore(): void {
  org.okta.store.mutate((s) => Object.assign(s, structuredClone(pristine)));
}

/** A sign-in and code exchange; every status seen along the way. */
async function flow(redirectUri: string): Promise<number[]> {
  const statuses: number[] = [];
  const url = new URL(`${org.em.issuer}/v1/authorize`);
  const params = { client_id: org.apps.cli.clientId, response_type: "code", scope: `openid offline_access ${CONFIG_SCOPE}`, redirect_uri: redirectUri, state: "s", code_challenge: CHALLENGE, code_challenge_method: "S256" };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const page = await fetch(url, { redirect: "manual" });
  statuses.push(page.status);
  if (page.status !== 200) return statuses;
  const { action, fields } = readSignInForm(await page.text(), url);
  const signedIn = await fetch(action, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ ...fields, username: USERS.alice.login, password: USERS.alice.password }).toString() });
  statuses.push(signedIn.status);
  const code = new URL(signedIn.headers.get("location") ?? "http://x/", action).searchParams.get("code");
  if (code === null) return statuses;
  const form = { grant_type: "authorization_code", client_id: org.apps.cli.clientId, code, code_verifier: VERIFIER, redirect_uri: redirectUri };
  const token = await fetch(`${org.em.issuer}/v1/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form).toString() });
  statuses.push(token.status);
  const body = (await token.json()) as Record<string, unknown>;
  if (token.status === 200) {
    const refreshed = await fetch(`${org.em.issuer}/v1/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", client_id: org.apps.cli.clientId, refresh_token: String(body.refresh_token) }).toString(),
    });
    statuses.push(refreshed.status);
  }
  return statuses;
}

const never500 = (statuses: number[]) => statuses.every((s) => s < 500 || s === 501);

describe("never a 500", () => {
  it.each(DAMAGE.map(([label], index) => [label, index] as const))("with stored damage: %s", async (_label, index) => {
    const [, damage] = DAMAGE[index] ?? ["", () => undefined];
    org.okta.store.mutate((s) => {
      damage(s, org.apps.cli.clientId, org.em.id);
    });
    try {
      for (const redirectUri of [CLI_REDIRECT_URI, "not a uri", "https://a.(/cb"]) {
        const statuses = await flow(redirectUri);
        expect(never500(statuses), `${redirectUri}: ${statuses.join(" ")}`).toBe(true);
      }
    } finally {
      restore();
    }
  });

  it("for 300 generated authorize and token requests", async () => {
    const random = generator(20261130);
    const names = ["client_id", "response_type", "scope", "redirect_uri", "state", "code_challenge", "code_challenge_method", "response_mode", "prompt", "nonce", "grant_type", "code", "code_verifier", "refresh_token", "client_secret", "client_assertion"];
    const failures: string[] = [];
    for (let i = 0; i < 300; i++) {
      const params: Record<string, string> = { client_id: random() < 0.7 ? org.apps.cli.clientId : garbage(random) };
      for (const name of names) if (random() < 0.5) params[name] = random() < 0.3 ? (name === "code_challenge" ? CHALLENGE : garbage(random)) : garbage(random);
      const body = new URLSearchParams(params).toString();
      const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
      // A header carries bytes only: non-Latin-1 garbage goes base64-encoded, as a Basic credential.
      if (random() < 0.3) headers.authorization = `Basic ${Buffer.from(`${garbage(random)}:${garbage(random)}`).toString("base64")}`;
      const answers = await Promise.all([
        fetch(`${org.em.issuer}/v1/authorize?${body}`, { redirect: "manual", headers }),
        fetch(`${org.em.issuer}/v1/authorize`, { method: "POST", redirect: "manual", headers, body }),
        fetch(`${org.em.issuer}/v1/token`, { method: "POST", headers, body }),
      ]);
      answers.forEach((answer, which) => {
        if (answer.status >= 500 && answer.status !== 501) failures.push(`case ${i} request ${which}: ${answer.status} for ${body.slice(0, 200)}`);
      });
    }
    expect(failures).toEqual([]);
  });
});
