/**
 * A handful of valid configs drawn from the property suite's arbitraries with
 * a fixed seed, each written as a stack file in a copy of the project and
 * applied to a fresh okta-local org: the plan's prediction must match what
 * sign-in and the components' checks then do, client by client.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApplyResult } from "../../tools/local-apply/index";
import type { OktaLocal } from "../../tools/okta-local/index";
import { generatedStacks } from "../support/generatedStacks";
import { ProjectCopies } from "../support/projectCopy";
import {
  CLIENTS,
  apply,
  expectDocumentedVerdicts,
  expectStaticEqualsDynamic,
  member,
  outsider,
  planOf,
  seedFor,
  signInAs,
  stackFile,
  startOrg,
  writesIn,
  type ClientKey,
  type ClientOutcome,
  type PlanVerdicts,
} from "./support/harness";

const copies = new ProjectCopies();
afterAll(() => copies.dispose());

const cases = generatedStacks();

it("draws the configs it promises", () => {
  expect(cases.map((c) => c.config.mode).sort()).toEqual(["per-component", "per-component", "single", "single"]);
});

describe.each(cases.map((c, index) => ({ ...c, index, mode: c.config.mode })))("generated config #$index ($mode)", ({ sample, config, index }) => {
  // The arbitrary's stack names may hold characters a file name should not; the environment stays the sample's.
  const stack = `gen${index}`;
  const projectDir = copies.make(`generated-${index}`, (dir) =>
    writeFileSync(join(dir, `Pulumi.${stack}.yaml`), stackFile({ environment: config.environment, ...sample.config })),
  );
  let org: OktaLocal;
  let applied: ApplyResult;
  let plan: PlanVerdicts;
  const members = {} as Record<ClientKey, ClientOutcome>;
  const outsiders = {} as Record<ClientKey, ClientOutcome>;

  describe("applied to a fresh okta-local", () => {
    beforeAll(async () => {
      org = await startOrg(seedFor(config.environment));
      [applied, plan] = await Promise.all([apply(org, { projectDir, stack, stateDir: join(projectDir, ".local-apply") }), planOf(projectDir, stack)]);
      const options = { redirectUri: config.cliRedirectUris[0] ?? "", tokenEndpointAuthMethod: config.cloudUiTokenEndpointAuthMethod };
      for (const client of CLIENTS) {
        members[client] = await signInAs(client, member(config.environment), applied.outputs, options);
        outsiders[client] = await signInAs(client, outsider, applied.outputs, options);
      }
    });
    afterAll(async () => {
      await org?.close();
    });

    it("plans no wiring problem, and the member gets a token through each app", () => {
      expect(plan.problems).toEqual([]);
      for (const client of CLIENTS) {
        const outcome = members[client];
        expect({ client, outcome: outcome.signedIn ? "signed in" : `${outcome.error}: ${outcome.description}` }).toEqual({ client, outcome: "signed in" });
      }
    });

    it("verify-token accepts each token where it should and names why elsewhere", () => {
      for (const client of CLIENTS) expectDocumentedVerdicts(config.mode, client, members[client]);
    });

    it("the offline plan predicted every client x component verdict", () => {
      expectStaticEqualsDynamic(plan, members);
    });

    it("a second apply writes nothing to the org", async () => {
      const before = org.requests().length;
      const again = await apply(org, { projectDir, stack, stateDir: join(projectDir, ".local-apply") });
      expect(writesIn(org, before)).toEqual([]);
      expect(again.outputs).toEqual(applied.outputs);
    });

    it(`a user in no group is ${config.access.everyone ? "admitted (allowEveryone)" : "refused with Okta's user_not_assigned error"}`, () => {
      for (const client of CLIENTS) {
        const outcome = outsiders[client];
        if (config.access.everyone) {
          expect({ client, signedIn: outcome.signedIn }).toEqual({ client, signedIn: true });
        } else {
          expect({ client, outcome: outcome.signedIn ? "signed in" : `${outcome.error}: ${outcome.description}` }).toEqual({
            client,
            outcome: "access_denied: User is not assigned to the client application.",
          });
        }
      }
    });
  });
});
