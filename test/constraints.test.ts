import { describe, expect, it } from "vitest";
import { OktaType } from "../components/facts";
import { oktaConstraintViolations, oktaRejections } from "./support/oktaConstraints";
import { baseConfig, findResource, oktaResources, runProgram } from "./support/program";

const configs: [string, Record<string, unknown>][] = [
  ["single on default", { ...baseConfig }],
  ["single on a custom server", { ...baseConfig, authorizationServer: "stacklok" }],
  ["per-component", { ...baseConfig, mode: "per-component" }],
  ["shortest lifetimes", { ...baseConfig, accessTokenLifetimeMinutes: 5, refreshTokenLifetimeMinutes: 10, refreshTokenWindowMinutes: 10 }],
  ["longest access token, unlimited refresh", { ...baseConfig, accessTokenLifetimeMinutes: 1440, refreshTokenLifetimeMinutes: 0 }],
  ["existing groups and client_secret_post", {
    ...baseConfig,
    mode: "per-component",
    createAccessGroup: false,
    accessGroupIds: ["00gaaaaaaaaaaaaaaaaa", "00gbbbbbbbbbbbbbbbbb"],
    cloudUiTokenEndpointAuthMethod: "client_secret_post",
  }],
  ["expression groups claim, no roles", {
    ...baseConfig,
    claims: { groups: { expression: "user.getGroups({'group.type': {'OKTA_GROUP'}}).![name]" }, roles: { enabled: false } },
  }],
];

describe.each(configs)("%s", (_, config) => {
  it("registers only inputs the real provider and Okta accept", async () => {
    const run = await runProgram({ config });
    expect(run.error).toBeUndefined();
    expect(oktaResources(run).length).toBeGreaterThan(10);
    expect(await oktaRejections(run.resources)).toEqual([]);
  });
});

describe("the roles attribute", () => {
  it("is an array of strings, replaced delete-first and kept on destroy", async () => {
    const run = await runProgram({ config: { ...baseConfig } });
    const attribute = findResource(run, OktaType.userSchemaProperty, "roles-attribute");
    expect(attribute.inputs).toMatchObject({ index: "roles", type: "array", arrayType: "string", permissions: "READ_ONLY" });
    expect(attribute.options).toMatchObject({ deleteBeforeReplace: true, retainOnDelete: true });
  });

  it("is not managed when config opts out, yet the roles claim stays", async () => {
    const run = await runProgram({ config: { ...baseConfig, manageRolesAttribute: false } });
    expect(run.resources.filter((r) => r.type === OktaType.userSchemaProperty)).toEqual([]);
    expect(findResource(run, OktaType.serverClaim, "default-claim-roles").options.dependsOn).toEqual([]);
  });
});

describe("the constraint check itself", () => {
  it("flags each broken rule", async () => {
    const run = await runProgram({ config: { ...baseConfig } });
    const broken = run.resources.map((r) => {
      switch (r.type) {
        case OktaType.serverPolicy:
          return { ...r, inputs: { ...r.inputs, description: "" } };
        case OktaType.serverPolicyRule:
          return { ...r, inputs: { ...r.inputs, accessTokenLifetimeMinutes: 2, refreshTokenLifetimeMinutes: 1440 } };
        case OktaType.userSchemaProperty:
          return { ...r, options: { ...r.options, deleteBeforeReplace: false } };
        case OktaType.appGroupAssignments:
          return { ...r, inputs: { ...r.inputs, groups: [{ id: "00g", profile: "" }] } };
        case OktaType.serverScope:
          return { ...r, inputs: { ...r.inputs, name: undefined } };
        default:
          return r;
      }
    });
    const violations = (await oktaRejections(broken)).join("\n");
    for (const expected of [
      "[okta-access-policy-description] description is \"\"",
      "[okta-access-rule-token-lifetimes] accessTokenLifetimeMinutes is 2",
      "refreshTokenWindowMinutes is 10080 with accessTokenLifetimeMinutes 2 and refreshTokenLifetimeMinutes 1440",
      "set deleteBeforeReplace",
      "profile is not a JSON object",
      "[okta-explicit-names] name is unset",
    ]) {
      expect(violations).toContain(expected);
    }
  });
});

describe("the rules across resources", () => {
  it("are the pack's stack policies, and flag a second group assignment of an app and a priority gap", async () => {
    const run = await runProgram({ config: { ...baseConfig } });
    expect(oktaConstraintViolations(run.resources)).toEqual([]);
    const assignment = run.resources.find((r) => r.type === OktaType.appGroupAssignments);
    if (assignment === undefined) throw new Error("the program registers no AppGroupAssignments");
    const broken = [
      ...run.resources.map((r) => (r.type === OktaType.serverPolicy ? { ...r, inputs: { ...r.inputs, priority: 3 } } : r)),
      { ...assignment, name: `${assignment.name}-again`, urn: `${assignment.urn}-again` },
    ];
    const sync = oktaConstraintViolations(broken).join("\n");
    expect(sync).toContain("[okta-one-group-assignments-per-app] appId is");
    expect(sync).toContain("[okta-contiguous-priorities] the access policies under authServerId");
    const all = (await oktaRejections(broken)).join("\n");
    expect(all).toContain(`${assignment.name}-again: [okta-one-group-assignments-per-app]`);
    expect(all).toContain("have priorities 3; accepted: 1 to 1, each once");
  });
});
