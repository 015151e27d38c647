/**
 * What the engine suite holds every stack to once it is up: every seeded
 * user through every app, each token judged by every component, equal to the
 * offline plan's wiring check; and what a destroy leaves.
 */
import { expect } from "vitest";
import {
  CLIENTS,
  expectStaticEqualsDynamic,
  member,
  outsider,
  planOf,
  signInAs,
  wiringCodesFor,
  type ClientKey,
  type ClientOutcome,
  type SignInOptions,
} from "../../e2e/support/harness";
import type { Credentials } from "../../../tools/sign-in/index";

export interface SignInSetting extends SignInOptions {
  /** The stack's `environment`: the member belongs to `stacklok-<environment>-users`. */
  environment: string;
  /** `allowEveryone`: a user in no group is then admitted. */
  everyone: boolean;
  /**
   * The seeded users and whether the stack admits each; default: the
   * seed of `seedFor(environment)`, a member and a user in no group.
   */
  users?: { credentials: Credentials; admitted: boolean }[];
}

/**
 * Every seeded user through each app: an admitted user's verdicts per
 * component equal the plan's for the project copy's stack file; anyone else
 * is refused with Okta's "not assigned" error, which the plan names
 * `app_unassigned`.
 */
export async function expectSignInsAsPlanned(projectDir: string, stack: string, outputs: Record<string, unknown>, setting: SignInSetting): Promise<void> {
  const plan = await planOf(projectDir, stack);
  expect(plan.problems).toEqual([]);
  const users = setting.users ?? [
    { credentials: member(setting.environment), admitted: true },
    { credentials: outsider, admitted: setting.everyone },
  ];
  for (const user of users) {
    const outcomes = {} as Record<ClientKey, ClientOutcome>;
    for (const client of CLIENTS) outcomes[client] = await signInAs(client, user.credentials, outputs, setting);
    if (user.admitted) {
      expectStaticEqualsDynamic(plan, outcomes);
      continue;
    }
    for (const client of CLIENTS) {
      const refused = outcomes[client];
      expect({ user: user.credentials.username, client, outcome: refused.signedIn ? "signed in" : `${refused.error}: ${refused.description}` }).toEqual({
        user: user.credentials.username,
        client,
        outcome: "access_denied: User is not assigned to the client application.",
      });
      if (!refused.signedIn) expect(wiringCodesFor(refused.error, refused.description)).toEqual(["app_unassigned"]);
    }
  }
}

/** The member still gets a token through each app: what a refused destroy must leave working. */
export async function expectMemberSignsIn(outputs: Record<string, unknown>, setting: SignInSetting): Promise<void> {
  for (const client of CLIENTS) {
    const outcome = await signInAs(client, member(setting.environment), outputs, setting);
    expect({ client, outcome: outcome.signedIn ? "signed in" : `${outcome.error}: ${outcome.description}` }).toEqual({ client, outcome: "signed in" });
  }
}
