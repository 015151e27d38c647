/**
 * The checks across resources (policy/rules/crossResource.ts), called directly
 * with a passing and a failing stack. References are given either as ids
 * (what the mock engine records) or, as the engine sends them while previewing
 * a first deployment, as the resource the id came from.
 */
import { describe, expect, it } from "vitest";
import { OktaType } from "../../components/facts";
import { audiencesAreUniqueAcrossServers, oneGroupAssignmentsPerApp, prioritiesAreContiguous, type StackResource } from "../../policy/rules";

function resource(type: string, name: string, props: Record<string, unknown>, propertyDependencies?: Record<string, string[]>): StackResource {
  return {
    type,
    name,
    urn: `urn:pulumi:dev::stacklok-identity::${type}::${name}`,
    props,
    ...(propertyDependencies === undefined ? {} : { propertyDependencies }),
  };
}

const assignments = (name: string, appId: unknown, from?: string) =>
  resource(OktaType.appGroupAssignments, name, { appId, groups: [{ id: "00g1", profile: "{}" }] }, from === undefined ? undefined : { appId: [from] });
const policy = (name: string, authServerId: unknown, priority: unknown, from?: string) =>
  resource(OktaType.serverPolicy, name, { authServerId, priority }, from === undefined ? undefined : { authServerId: [from] });
const rule = (name: string, policyId: unknown, priority: unknown) =>
  resource(OktaType.serverPolicyRule, name, { policyId, priority });

const CLI_APP = "urn:pulumi:dev::stacklok-identity::okta:app/oAuth:OAuth::cli-desktop";
const WEB_APP = "urn:pulumi:dev::stacklok-identity::okta:app/oAuth:OAuth::cloud-ui";
/** What the engine sends for an id that is not known yet. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("oneGroupAssignmentsPerApp", () => {
  it("passes one assignment per app", () => {
    expect(oneGroupAssignmentsPerApp([assignments("cli", "0oa1"), assignments("web", "0oa2")])).toEqual([]);
    expect(oneGroupAssignmentsPerApp([assignments("cli", UNKNOWN, CLI_APP), assignments("web", UNKNOWN, WEB_APP)])).toEqual([]);
  });

  it("fails two assignments of one app, on each of them", () => {
    const stack = [assignments("cli", "0oa1"), assignments("cli-again", "0oa1"), assignments("web", "0oa2")];
    const violations = oneGroupAssignmentsPerApp(stack);
    expect(violations.map((v) => v.urn)).toEqual([stack[0]?.urn, stack[1]?.urn]);
    expect(violations[0]?.message).toContain('appId is "0oa1" on 2 AppGroupAssignments resources (cli, cli-again); accepted: one per app');
  });

  it("matches unknown ids by the resource they come from", () => {
    const violations = oneGroupAssignmentsPerApp([assignments("cli", UNKNOWN, CLI_APP), assignments("cli-again", UNKNOWN, CLI_APP)]);
    expect(violations).toHaveLength(2);
    expect(violations[0]?.message).toContain("appId is the id of cli-desktop on 2 AppGroupAssignments resources");
  });

  it("compares the ids themselves when a property came from more than one resource", () => {
    const both = { appId: [CLI_APP, WEB_APP] };
    const stack = [
      resource(OktaType.appGroupAssignments, "cli", { appId: "0oa1", groups: [] }, both),
      resource(OktaType.appGroupAssignments, "web", { appId: "0oa2", groups: [] }, both),
    ];
    expect(oneGroupAssignmentsPerApp(stack)).toEqual([]);
  });

  it("ignores other resource types", () => {
    expect(oneGroupAssignmentsPerApp([policy("a", "aus1", 1), policy("b", "aus1", 2)].map((r) => ({ ...r, props: { ...r.props, appId: "0oa1" } })))).toEqual([]);
  });
});

describe("prioritiesAreContiguous", () => {
  it("passes priorities 1..N per server and per policy, in any order", () => {
    expect(
      prioritiesAreContiguous([
        policy("cli", "aus1", 2),
        policy("web", "aus1", 1),
        policy("other-server", "aus2", 1),
        rule("cli-rule", "00p1", 1),
        rule("web-rule", "00p2", 1),
        rule("web-rule-2", "00p2", 2),
      ]),
    ).toEqual([]);
  });

  it("fails a gap, a repeat, a start above 1 and a missing priority", () => {
    for (const priorities of [[1, 3], [1, 1], [2], [1, undefined]]) {
      const stack = priorities.map((priority, i) => policy(`p${i}`, "aus1", priority));
      const violations = prioritiesAreContiguous(stack);
      expect(violations, JSON.stringify(priorities)).toHaveLength(1);
      expect(violations[0]?.urn).toBe(stack[0]?.urn);
      expect(violations[0]?.message).toContain('the access policies under authServerId "aus1"');
      expect(violations[0]?.message).toContain(`accepted: 1 to ${priorities.length}, each once`);
    }
  });

  it("fails rule priorities per policy", () => {
    const violations = prioritiesAreContiguous([rule("a", "00p1", 1), rule("b", "00p1", 3), rule("c", "00p2", 1)]);
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringContaining('the access-policy rules under policyId "00p1" (a, b) have priorities 1, 3'),
    ]);
  });

  it("groups unknown server ids by the server they come from", () => {
    const server = "urn:pulumi:dev::stacklok-identity::okta:auth/server:Server::stacklok";
    const other = "urn:pulumi:dev::stacklok-identity::okta:auth/server:Server::other";
    expect(prioritiesAreContiguous([policy("a", UNKNOWN, 1, server), policy("b", UNKNOWN, 1, other)])).toEqual([]);
    expect(prioritiesAreContiguous([policy("a", UNKNOWN, 1, server), policy("b", UNKNOWN, 1, server)])).toHaveLength(1);
  });
});

describe("audiencesAreUniqueAcrossServers", () => {
  const server = (name: string, audiences: unknown, type: string = OktaType.authServer) => resource(type, name, { audiences });

  it("passes one audience per server, default server included", () => {
    expect(
      audiencesAreUniqueAcrossServers([
        server("default", ["enterprise-manager"], OktaType.authServerDefault),
        server("mcp-github", ["https://mcp.example.com/github"]),
        server("mcp-fetch", ["https://mcp.example.com/fetch"]),
      ]),
    ).toEqual([]);
  });

  it("fails an audience two servers issue, even in another case, on each of them", () => {
    const stack = [server("enterprise-manager", ["enterprise-manager"]), server("mcp-em", ["Enterprise-Manager"]), server("cloud-ui", ["cloud-ui"])];
    const violations = audiencesAreUniqueAcrossServers(stack);
    expect(violations.map((v) => v.urn)).toEqual([stack[0]?.urn, stack[1]?.urn]);
    expect(violations[0]?.message).toContain("accepted: each audience on one server");
  });

  it("counts the adopted default server too", () => {
    const stack = [server("default", ["api://default"], OktaType.authServerDefault), server("shared", ["api://default"])];
    expect(audiencesAreUniqueAcrossServers(stack).map((v) => v.urn)).toEqual([stack[0]?.urn, stack[1]?.urn]);
  });

  it("ignores a server whose audiences are not known yet", () => {
    expect(audiencesAreUniqueAcrossServers([server("a", undefined), server("b", undefined)])).toEqual([]);
  });
});
