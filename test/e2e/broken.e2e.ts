/**
 * Static == dynamic on programs wired wrongly on purpose: copies of the
 * project with one wire cut (as test/plan/plan.test.ts cuts them), applied
 * to a fresh okta-local org with the prod example's config. The plan must
 * name the problem, okta-local and the components must show it, and for
 * every client x component pair the two must agree.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApplyResult } from "../../tools/local-apply/index";
import type { OktaLocal } from "../../tools/okta-local/index";
import type { WiringCode } from "../../tools/plan/wiring";
import { ProjectCopies, replaceInFile } from "../support/projectCopy";
import {
  CLIENTS,
  apply,
  expectStaticEqualsDynamic,
  member,
  planOf,
  seedFor,
  signInAs,
  startOrg,
  type ClientKey,
  type ClientOutcome,
  type PlanVerdicts,
} from "./support/harness";

interface BrokenWire {
  name: string;
  /** Each: file, text to find, replacement. */
  edits: [string, string, string][];
  /** A group seeded in the org and listed in the stack's accessGroupIds. */
  listedGroup?: string;
  /** The problem the plan must report. */
  planCode: WiringCode;
  /** What the member then sees, client by client: Okta's refusal, or which components reject the token. */
  expected: Record<ClientKey, { refused: string } | { rejectedBy: string[] }>;
}

const BROKEN: BrokenWire[] = [
  {
    name: "the access rule stops listing toolhive:config:read",
    edits: [["components/topology.ts", "scopes: scopesAllowed(issuesRequiredScope),", "scopes: scopesAllowed(false),"]],
    planCode: "scope_not_allowed",
    expected: {
      cli: { refused: "access_denied: Policy evaluation failed for this request, please check the policy configurations." },
      cloudUi: { rejectedBy: ["enterprise-manager"] },
    },
  },
  {
    name: "the CLI app is assigned no group",
    edits: [
      [
        "components/platformIdentity.ts",
        "new OAuthApp(CLIENT_APPS[client].name, { spec: specs[client], groupIds,",
        'new OAuthApp(CLIENT_APPS[client].name, { spec: specs[client], groupIds: client === "cli" ? [] : groupIds,',
      ],
    ],
    planCode: "app_unassigned",
    expected: {
      cli: { refused: "access_denied: User is not assigned to the client application." },
      cloudUi: { rejectedBy: ["enterprise-manager"] },
    },
  },
  {
    name: "the Registry Server loses the CLI's provider",
    edits: [
      [
        "components/chartValues.ts",
        "return PLATFORM_COMPONENTS.map((key) => ({",
        'return PLATFORM_COMPONENTS.filter((key) => key !== "enterpriseManager").map((key) => ({',
      ],
    ],
    planCode: "registry_distrusts_client",
    expected: {
      cli: { rejectedBy: ["cloud-ui", "registry-server"] },
      cloudUi: { rejectedBy: ["enterprise-manager"] },
    },
  },
  {
    name: "the apps are assigned the created group but the access rules admit only the listed one",
    edits: [
      ["components/platformIdentity.ts", "    ids.push(...config.access.groupIds);\n", ""],
      ["components/platformIdentity.ts", "groupIds: config.access.everyone ? Okta.everyone : groupIds,", "groupIds: config.access.everyone ? Okta.everyone : config.access.groupIds,"],
    ],
    listedGroup: "stacklok-contractors",
    planCode: "no_assigned_user_admitted",
    expected: {
      cli: { refused: "access_denied: Policy evaluation failed for this request, please check the policy configurations." },
      cloudUi: { refused: "access_denied: Policy evaluation failed for this request, please check the policy configurations." },
    },
  },
];

const copies = new ProjectCopies();
afterAll(() => copies.dispose());

describe.each(BROKEN)("a program where $name", (broken) => {
  const projectDir = copies.make(broken.planCode, (dir) => {
    for (const [file, from, to] of broken.edits) replaceInFile(dir, file, from, to);
  });
  const stack = "prod";
  let org: OktaLocal;
  let applied: ApplyResult;
  let plan: PlanVerdicts;
  const members = {} as Record<ClientKey, ClientOutcome>;

  beforeAll(async () => {
    const seed = seedFor(stack);
    if (broken.listedGroup !== undefined) {
      seed.groups = [{ name: broken.listedGroup }];
      org = await startOrg(seed);
      const listed = Object.values(org.store.state.groups).find((g) => (g["profile"] as { name?: unknown }).name === broken.listedGroup);
      appendFileSync(join(projectDir, `Pulumi.${stack}.yaml`), `  stacklok-identity:accessGroupIds:\n    - ${String(listed?.["id"])}\n`);
    } else {
      org = await startOrg(seed);
    }
    // protect only slows the throwaway org's clean-up; it changes no wire.
    [applied, plan] = await Promise.all([
      apply(org, { projectDir, stack, stateDir: `${projectDir}/.local-apply`, config: { protect: false } }),
      planOf(projectDir, stack),
    ]);
    for (const client of CLIENTS) {
      members[client] = await signInAs(client, member(stack), applied.outputs, { redirectUri: "http://localhost:8666/callback" });
    }
  });
  afterAll(async () => {
    await org?.close();
  });

  it(`is flagged by the plan (${broken.planCode})`, () => {
    expect(plan.problems.map((p) => p.code)).toContain(broken.planCode);
  });

  it("shows on okta-local and in the components' checks", () => {
    for (const client of CLIENTS) {
      const expected = broken.expected[client];
      const outcome = members[client];
      if ("refused" in expected) {
        expect({ client, outcome: outcome.signedIn ? "signed in" : `${outcome.error}: ${outcome.description}` }).toEqual({
          client,
          outcome: expected.refused,
        });
      } else {
        expect(outcome.signedIn).toBe(true);
        if (!outcome.signedIn) continue;
        const rejectedBy = Object.entries(outcome.components)
          .filter(([, v]) => v.verdict === "rejected")
          .map(([component]) => component)
          .sort();
        expect({ client, rejectedBy }).toEqual({ client, rejectedBy: [...expected.rejectedBy].sort() });
      }
    }
  });

  it("the plan's verdict equals what happened, for every client x component pair", () => {
    expectStaticEqualsDynamic(plan, members);
  });
});
