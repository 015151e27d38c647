/**
 * What a token grants: the Registry Server's roles (its claim matchers) and
 * the platform's role (the ClusterPlatformRoleBinding), decided from the
 * token's claims as each component decides them, on hand-made rules and on
 * the outputs the real program exports.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { claimValues, describeGrants, matchesClaimMatcher, tokenGrants } from "../../tools/verify-token";
import { baseConfig, runProgram } from "../support/program";

describe("a Registry Server claim matcher (toolhive-registry-server internal/auth/roles.go)", () => {
  it("needs every key of the matcher to match", () => {
    const matcher = { groups: "platform-admins", roles: "owner" };
    expect(matchesClaimMatcher({ groups: ["platform-admins"], roles: ["owner"] }, matcher)).toBe(true);
    expect(matchesClaimMatcher({ groups: ["platform-admins"], roles: ["viewer"] }, matcher)).toBe(false);
    expect(matchesClaimMatcher({ groups: ["platform-admins"] }, matcher)).toBe(false);
  });

  it("matches an array claim on membership, and a list value on any of its values", () => {
    expect(matchesClaimMatcher({ groups: ["a", "platform-admins", "b"] }, { groups: "platform-admins" })).toBe(true);
    expect(matchesClaimMatcher({ roles: "admin" }, { roles: ["owner", "admin"] })).toBe(true);
    expect(matchesClaimMatcher({ roles: ["viewer"] }, { roles: ["owner", "admin"] })).toBe(false);
  });

  it("compares exactly, and never matches an empty matcher or a value that is not a string", () => {
    expect(matchesClaimMatcher({ groups: ["Platform-Admins"] }, { groups: "platform-admins" })).toBe(false);
    expect(matchesClaimMatcher({ groups: ["platform-admins"] }, {})).toBe(false);
    expect(matchesClaimMatcher({ level: 3 }, { level: "3" })).toBe(false);
    expect(matchesClaimMatcher({ groups: [3, "x"] }, { groups: "3" })).toBe(false);
    expect(claimValues([1, "a", { b: "c" }, "d"])).toEqual(["a", "d"]);
    expect(claimValues(null)).toEqual([]);
  });
});

/** Outputs carrying only the two the grants read. */
function outputs(roles: Record<string, unknown>, bindingYaml: string): Record<string, unknown> {
  return { registryServer: { providers: [], authz: { roles } }, platformRoleBindingsYaml: bindingYaml };
}

const binding = (from: string) => `# a comment
apiVersion: platform.enterprise.stacklok.com/v1alpha1
kind: ClusterPlatformRoleBinding
metadata:
  name: roles
spec:
  bindings:
    - roleRef: { kind: ClusterPlatformRole, name: writer }
      from: ${from}
    - roleRef: { kind: ClusterPlatformRole, name: reader }
      from: [{ groups: [readers] }]
`;

describe("tokenGrants on hand-made rules", () => {
  const roles = {
    superAdmin: [{ groups: "admins" }],
    manageSources: [{ groups: "admins" }, { roles: "source-editor" }],
    manageRegistries: [],
    manageEntries: [{ groups: "editors", roles: "entry-editor" }],
  };

  it("lists each registry role whose matchers the claims satisfy, in the registry's order", () => {
    const rules = outputs(roles, binding("[{ groups: [admins] }]"));
    expect(tokenGrants({ groups: ["admins"] }, rules).registryRoles).toEqual(["superAdmin", "manageSources"]);
    expect(tokenGrants({ roles: ["source-editor"] }, rules).registryRoles).toEqual(["manageSources"]);
    expect(tokenGrants({ groups: ["editors"], roles: ["entry-editor"] }, rules).registryRoles).toEqual(["manageEntries"]);
    expect(tokenGrants({ groups: ["editors"] }, rules).registryRoles).toEqual([]);
  });

  it("grants a platform role when any condition holds, and a condition needs all its groups and roles", () => {
    const rules = outputs(roles, binding("[{ groups: [admins, oncall] }, { groups: [admins], roles: [owner] }]"));
    expect(tokenGrants({ groups: ["admins", "oncall"] }, rules).platformRoles).toEqual(["writer"]);
    expect(tokenGrants({ groups: ["admins"], roles: ["owner"] }, rules).platformRoles).toEqual(["writer"]);
    expect(tokenGrants({ groups: ["admins"] }, rules).platformRoles).toEqual([]);
    expect(tokenGrants({ groups: ["admins", "oncall", "readers"] }, rules).platformRoles).toEqual(["writer", "reader"]);
  });

  it("reads group and role names from the claims the platform is told to read", () => {
    const rules = outputs(roles, binding("[{ groups: [admins] }]"));
    expect(tokenGrants({ memberOf: ["admins"] }, rules, { groups: "memberOf", roles: "roles" }).platformRoles).toEqual(["writer"]);
    expect(tokenGrants({ memberOf: ["admins"] }, rules).platformRoles).toEqual([]);
  });

  it("a binding with nothing to bind grants nothing; missing or unreadable outputs are reported, not guessed", () => {
    expect(tokenGrants({ groups: ["admins"] }, outputs(roles, "# Nothing to bind.\n")).platformRoles).toEqual([]);
    const missing = tokenGrants({ groups: ["admins"] }, {});
    expect(missing.registryRoles).toBeUndefined();
    expect(missing.platformRoles).toBeUndefined();
    expect(missing.problems).toEqual([expect.stringContaining("registryServer.authz"), "platformRoleBindingsYaml is missing"]);
    expect(describeGrants(missing)).toEqual({ registry: "unknown", platform: "unknown" });
    const notABinding = tokenGrants({}, outputs(roles, "kind: ConfigMap\n"));
    expect(notABinding.problems).toEqual([expect.stringContaining("is not a ClusterPlatformRoleBinding")]);
  });
});

describe("tokenGrants on the program's own outputs (defaults: the admin group holds every registry role and writer)", () => {
  let programOutputs: Record<string, unknown>;
  beforeAll(async () => {
    const run = await runProgram({ config: { ...baseConfig, environment: "dev" } });
    expect(run.error).toBeUndefined();
    programOutputs = run.stackOutputs ?? {};
  });

  it.each([
    [["stacklok-dev-admins"], "superAdmin, manageSources, manageRegistries, manageEntries", "writer"],
    [["stacklok-dev-users"], "none", "reader"],
    [["stacklok-dev-users", "stacklok-dev-admins"], "superAdmin, manageSources, manageRegistries, manageEntries", "writer, reader"],
    [["stacklok-prod-admins", "Everyone"], "none", "none"],
  ])("a token with groups %j holds registry roles %s and platform role %s", (groups, registry, platform) => {
    const grants = tokenGrants({ groups, roles: ["toolhive-admin"] }, programOutputs);
    expect(grants.problems).toEqual([]);
    expect(describeGrants(grants)).toEqual({ registry, platform });
  });
});
