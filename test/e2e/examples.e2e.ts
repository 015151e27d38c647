/**
 * The two example stacks, each applied to a fresh okta-local org: a member of
 * the access group signs in through both apps, each component's check and
 * Okta's own verifier judge the tokens, a user outside every group is refused,
 * the offline plan predicted all of it, and a second apply writes nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApplyResult } from "../../tools/local-apply/index";
import type { OktaLocal } from "../../tools/okta-local/index";
import {
  CLIENTS,
  COMPONENT_IDS,
  EXPECTED,
  apply,
  expectDocumentedVerdicts,
  expectStaticEqualsDynamic,
  member,
  outsider,
  parseOutputs,
  planOf,
  projectRoot,
  seedFor,
  signInAs,
  startOrg,
  wiringCodesFor,
  writesIn,
  type ClientKey,
  type ClientOutcome,
  type PlanVerdicts,
} from "./support/harness";

const EXAMPLES = [
  { stack: "prod", mode: "per-component" },
  { stack: "dev", mode: "single" },
] as const;

for (const example of EXAMPLES) {
  describe(`the ${example.stack} example stack (${example.mode}) on okta-local`, () => {
    const stateDir = mkdtempSync(join(tmpdir(), `e2e-${example.stack}-`));
    const target = { projectDir: projectRoot, stack: example.stack, stateDir };
    let org: OktaLocal;
    let applied: ApplyResult;
    let plan: PlanVerdicts;
    const members = {} as Record<ClientKey, ClientOutcome>;
    const outsiders = {} as Record<ClientKey, ClientOutcome>;

    beforeAll(async () => {
      org = await startOrg(seedFor(example.stack));
      [applied, plan] = await Promise.all([apply(org, target), planOf(projectRoot, example.stack)]);
      for (const client of CLIENTS) {
        const options = { redirectUri: "http://localhost:8666/callback" };
        members[client] = await signInAs(client, member(example.stack), applied.outputs, options);
        outsiders[client] = await signInAs(client, outsider, applied.outputs, options);
      }
    });
    afterAll(async () => {
      await org?.close();
      rmSync(stateDir, { recursive: true, force: true });
    });

    it("applies, and the outputs carry okta-local's issuers and client IDs", () => {
      const outputs = parseOutputs(applied.outputs);
      expect(outputs.enterpriseManager.issuer.startsWith(`${org.url}/oauth2/`)).toBe(true);
      expect(outputs.cloudUi.issuer.startsWith(`${org.url}/oauth2/`)).toBe(true);
      expect(Object.keys(org.store.state.apps)).toEqual(expect.arrayContaining([outputs.enterpriseManager.clientId, outputs.cloudUi.clientId]));
      expect(org.store.state.clientSecrets[outputs.cloudUi.clientId]).toBe(outputs.cloudUi.clientSecret);
      expect(applied.secretOutputPaths).toContain("cloudUi");
    });

    it.each(CLIENTS)("a member of the access group signs in through the %s app", (client) => {
      const outcome = members[client];
      expect(outcome.signedIn ? "signed in" : `${outcome.error}: ${outcome.description}`).toBe("signed in");
    });

    it.each(CLIENTS)("verify-token accepts the %s token where it should and names why elsewhere", (client) => {
      expectDocumentedVerdicts(example.mode, client, members[client]);
    });

    it.each(CLIENTS)("@okta/jwt-verifier, configured as each component is, agrees on the %s token", (client) => {
      const outcome = members[client];
      if (!outcome.signedIn) throw new Error(`${client} did not sign in`);
      for (const component of COMPONENT_IDS) {
        const expected = EXPECTED[example.mode][client][component] === "accepted" ? "accepted" : "rejected";
        expect({ component, oktaJwtVerifier: outcome.components[component].oktaJwtVerifier }).toEqual({ component, oktaJwtVerifier: expected });
      }
    });

    it.each(CLIENTS)("a user outside every admitted group is refused through the %s app, as the plan's app_unassigned describes", (client) => {
      const outcome = outsiders[client];
      expect(outcome.signedIn).toBe(false);
      if (outcome.signedIn) return;
      expect({ error: outcome.error, description: outcome.description }).toEqual({
        error: "access_denied",
        description: "User is not assigned to the client application.",
      });
      expect(wiringCodesFor(outcome.error, outcome.description)).toEqual(["app_unassigned"]);
    });

    it("the offline plan predicted every client x component verdict", () => {
      expect(plan.problems).toEqual([]);
      expectStaticEqualsDynamic(plan, members);
    });

    it("a second apply finds nothing to change and writes nothing to the org", async () => {
      const before = org.requests().length;
      const again = await apply(org, target);
      expect(writesIn(org, before)).toEqual([]);
      expect(again.steps.filter((s) => s.step !== "same")).toEqual([]);
      expect(again.outputs).toEqual(applied.outputs);
    });
  });
}
