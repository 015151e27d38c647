/**
 * The seed file: the users (and groups) an okta-local org starts with.
 *
 * ```yaml
 * demo: true                    # optional: list the users and passwords on the sign-in page
 * groups:                       # optional
 *   - name: stacklok-dev-users
 * users:
 *   - login: alice@example.com
 *     password: "…"
 *     email: alice@example.com
 *     firstName: Alice
 *     lastName: Admin
 *     groups: [stacklok-dev-users]    # group names, applied whenever such a group exists
 *     profile: { roles: [toolhive-admin] }
 * ```
 * Unknown keys are refused so a typo does not silently drop a setting.
 */
import { z } from "zod";
import { issueLines, readDocument } from "./configFile";
import { applySeededGroupNames, newGroup } from "./management/groups";
import { addUser } from "./management/users";
import type { OktaJson, Store } from "./store";

const EMAIL = /^[^\s@]+@[^\s@]+$/;

const seedUser = z.strictObject({
  login: z.string().regex(EMAIL, "must be an email address (Okta's default login format)"),
  password: z.string().min(1, "must not be empty"),
  email: z.string().regex(EMAIL, "must be an email address"),
  firstName: z.string().min(1, "must not be empty"),
  lastName: z.string().min(1, "must not be empty"),
  groups: z.array(z.string().min(1, "a group name must not be empty")).default([]),
  profile: z.record(z.string(), z.unknown()).default({}),
});

export const seedFileSchema = z.strictObject({
  /**
   * A demo seed's users are listed with their passwords on the sign-in page,
   * so a local demo needs no copy-paste. Never set it on a seed whose
   * passwords matter.
   */
  demo: z.boolean().default(false),
  users: z.array(seedUser).default([]),
  groups: z.array(z.strictObject({ name: z.string().min(1, "must not be empty"), description: z.string().optional() })).default([]),
});

export type SeedFile = z.input<typeof seedFileSchema>;
type ParsedSeed = z.output<typeof seedFileSchema>;

export class SeedError extends Error {}

/** Parses and checks a seed; every problem names the key, the value and what is accepted. */
export function parseSeed(input: unknown, source = "seed"): ParsedSeed {
  const result = seedFileSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new SeedError(`${source} is not a valid okta-local seed:\n${issueLines(result.error, input).join("\n")}`);
  }
  const logins = new Set<string>();
  for (const [index, user] of result.data.users.entries()) {
    const login = user.login.toLowerCase();
    if (logins.has(login)) throw new SeedError(`${source} is not a valid okta-local seed:\n  users[${index}].login: ${JSON.stringify(user.login)} appears twice; logins are unique`);
    logins.add(login);
  }
  return result.data;
}

export function readSeedFile(path: string): ParsedSeed {
  return parseSeed(readDocument(path, "seed file", (message) => new SeedError(message)), `seed file ${path}`);
}

/** Applies a seed; users and groups that already exist (by login, by name) are kept, so a reloaded state file is not duplicated. */
export function applySeed(store: Store, seed: ParsedSeed): void {
  store.mutate((s) => {
    const groupByName = (name: string) => Object.values(s.groups).find((g) => String((g.profile as OktaJson).name).toLowerCase() === name.toLowerCase());
    for (const group of seed.groups) {
      if (groupByName(group.name)) continue;
      const id = store.newId("00g");
      s.groups[id] = newGroup(id, group.name, group.description ?? "", "OKTA_GROUP");
      s.groupMembers[id] = [];
    }
    for (const user of seed.users) {
      const existing = Object.values(s.users).find((u) => String((u.profile as OktaJson).login).toLowerCase() === user.login.toLowerCase());
      const id = existing ? String(existing.id) : store.newId("00u");
      if (!existing) {
        addUser(s, id, { ...user.profile, login: user.login, email: user.email, firstName: user.firstName, lastName: user.lastName }, user.password, true);
      }
      s.seededGroupNames[id] = user.groups;
    }
    for (const groupId of Object.keys(s.groups)) applySeededGroupNames(s, groupId);
  });
}
