/**
 * What happens to an org over a stack's life, read from okta-local's own
 * state and request log: a bad config reaches nothing, a destroy leaves
 * exactly what the README's "What a destroy leaves behind" lists, and a mode
 * switch keeps both client IDs while moving every component to the new
 * issuers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { OktaLocal } from "../../tools/okta-local/index";
import {
  CLIENTS,
  apply,
  defaultServer,
  expectOnlyRolesAttributeLeft,
  inventory,
  judge,
  member,
  parseOutputs,
  projectRoot,
  seedFor,
  signInAs,
  startOrg,
  writesIn,
  type ClientKey,
  type ClientOutcome,
} from "./support/harness";

const scratch = mkdtempSync(join(tmpdir(), "e2e-lifecycle-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let org: OktaLocal | undefined;
afterEach(async () => {
  await org?.close();
  org = undefined;
});

let targets = 0;
function prodTarget(config?: Record<string, unknown>) {
  return { projectDir: projectRoot, stack: "prod", stateDir: join(scratch, `state-${++targets}`), ...(config ? { config } : {}) };
}

const CALLBACK = { redirectUri: "http://localhost:8666/callback" };

describe("a config the program refuses", () => {
  it.each([
    [{ mode: "dual" }, 'stacklok-identity:mode: got "dual"; expected "single" or "per-component"'],
    [{ cloudUiUrl: "http://stacklok.example.com" }, "stacklok-identity:cloudUiUrl"],
    [{ accessTokenLifetimeMinutes: 2 }, "stacklok-identity:accessTokenLifetimeMinutes"],
  ])("%j sends nothing at all to okta-local", async (config, message) => {
    org = await startOrg(seedFor("prod"));
    await expect(apply(org, prodTarget(config))).rejects.toThrow(message);
    expect(org.requests()).toEqual([]);
  });
});

describe("destroying the prod example stack (per-component)", () => {
  it("is refused while protect is on, and deletes nothing", async () => {
    org = await startOrg(seedFor("prod"));
    const target = prodTarget();
    await apply(org, target);
    const applied = inventory(org.store.state);
    const before = org.requests().length;
    await expect(apply(org, target, true)).rejects.toThrow(/refusing to delete protected resources/);
    expect(writesIn(org, before)).toEqual([]);
    expect(inventory(org.store.state)).toEqual(applied);
  });

  it("leaves exactly the roles attribute and the users' roles once unprotected", async () => {
    org = await startOrg(seedFor("prod"));
    const untouched = inventory(org.store.state);
    const defaultBefore = structuredClone(defaultServer(org.store.state));
    const target = prodTarget({ protect: false });
    const applied = await apply(org, target);
    const outputs = parseOutputs(applied.outputs);
    const duringLife = inventory(org.store.state);
    expect(duringLife.apps).toEqual(expect.arrayContaining([outputs.enterpriseManager.clientId, outputs.cloudUi.clientId]));
    // One custom server per component and per MCP server (prod lists two).
    const customServers = applied.resources.filter((r) => r.type === "okta:auth/server:Server");
    expect(customServers).toHaveLength(4);
    expect(duringLife.authorizationServers.length).toBe(untouched.authorizationServers.length + customServers.length);

    await apply(org, target, true);
    const after = inventory(org.store.state);
    expectOnlyRolesAttributeLeft(untouched, after);
    // Every user's roles stay too: they live on the retained attribute.
    expect(after.roles).toEqual(untouched.roles);
    // per-component never adopts `default`, so a destroy leaves it as Okta made it.
    expect(defaultServer(org.store.state)).toEqual(defaultBefore);
  });
});

describe("destroying the dev example stack (single, on its own custom server)", () => {
  it("deletes its server, apps and groups, keeps the roles attribute, and never touches default", async () => {
    org = await startOrg(seedFor("dev"));
    const untouched = inventory(org.store.state);
    const defaultBefore = structuredClone(defaultServer(org.store.state));
    const target = { projectDir: projectRoot, stack: "dev", stateDir: join(scratch, "state-dev") };
    const applied = await apply(org, target);
    expect(applied.resources.filter((r) => r.type === "okta:auth/server:Server")).toHaveLength(1);
    await apply(org, target, true);
    const after = inventory(org.store.state);
    expectOnlyRolesAttributeLeft(untouched, after);
    expect(defaultServer(org.store.state)).toEqual(defaultBefore);
  });
});

describe("destroying a single-mode stack that adopted default", () => {
  it("leaves the default server with the audience and description the stack set, and nothing of its own on it", async () => {
    org = await startOrg(seedFor("dev"));
    const untouched = inventory(org.store.state);
    const target = { projectDir: projectRoot, stack: "dev", stateDir: join(scratch, "state-dev-default"), config: { authorizationServer: "default" } };
    const applied = await apply(org, target);
    const outputs = parseOutputs(applied.outputs);
    await apply(org, target, true);
    const after = inventory(org.store.state);
    expectOnlyRolesAttributeLeft(untouched, after);
    const server = defaultServer(org.store.state);
    expect(server["audiences"]).toEqual([outputs.enterpriseManager.audience]);
    expect(String(server["description"])).toContain("managed by Pulumi stack stacklok-identity/dev");
    const scopes = Object.values(org.store.state.scopes[String(server["id"])] ?? {}).map((s) => s["name"]);
    expect(scopes).not.toContain(outputs.enterpriseManager.requiredScope);
  });
});

describe("switching the prod-like stack from per-component to single on the same org", () => {
  it("keeps both client IDs; the new issuer's tokens are accepted and the old issuers' rejected", async () => {
    org = await startOrg(seedFor("prod"));
    // Without MCP servers: single mode refuses them (one audience per server, one per MCP server).
    const target = prodTarget({ protect: false, mcpServers: [] });
    const before = await apply(org, target);
    const oldTokens = {} as Record<ClientKey, ClientOutcome>;
    for (const client of CLIENTS) oldTokens[client] = await signInAs(client, member("prod"), before.outputs, CALLBACK);

    const after = await apply(org, { ...target, config: { protect: false, mcpServers: [], mode: "single" } });
    const [old, now] = [parseOutputs(before.outputs), parseOutputs(after.outputs)];
    expect([now.enterpriseManager.clientId, now.cloudUi.clientId]).toEqual([old.enterpriseManager.clientId, old.cloudUi.clientId]);
    expect(now.enterpriseManager.issuer).not.toBe(old.enterpriseManager.issuer);
    expect(now.cloudUi.issuer).toBe(now.enterpriseManager.issuer);

    const intended = { cli: "enterprise-manager", cloudUi: "cloud-ui" } as const;
    for (const client of CLIENTS) {
      const fresh = await signInAs(client, member("prod"), after.outputs, CALLBACK);
      expect(fresh.signedIn && fresh.components[intended[client]].verdict).toBe("accepted");
      expect(fresh.signedIn && fresh.components["registry-server"].verdict).toBe("accepted");

      const stale = oldTokens[client];
      if (!stale.signedIn) throw new Error(`${client} did not sign in before the switch`);
      const verdicts = await judge(stale.accessToken, after.outputs);
      for (const component of ["enterprise-manager", "cloud-ui", "registry-server"] as const) {
        expect({ client, component, verdict: verdicts[component].verdict, oktaJwtVerifier: verdicts[component].oktaJwtVerifier }).toEqual({
          client,
          component,
          verdict: "rejected",
          oktaJwtVerifier: "rejected",
        });
        expect(verdicts[component].errors).toContain("issuer_mismatch");
      }
    }
  });
});
