import { describe, expect, it } from "vitest";
import { OktaType } from "../components/facts";
import { baseConfig, oktaResources, runProgram, type RunResult } from "./support/program";

/**
 * The names Okta keys objects by, per org: server names, policy and rule
 * names per server, app labels, group names. Scope and claim names repeat on
 * every server by design and are scoped by their server's id.
 */
function orgWideNames(run: RunResult): string[] {
  return oktaResources(run).flatMap((r) => {
    switch (r.type) {
      case OktaType.authServer:
      case OktaType.authServerDefault:
        return [`server ${String(r.inputs["name"])}`];
      case OktaType.serverPolicy:
        return [`policy ${String(r.inputs["name"])}`];
      case OktaType.serverPolicyRule:
        return [`rule ${String(r.inputs["name"])}`];
      case OktaType.oauthApp:
        return [`app ${String(r.inputs["label"])}`];
      case OktaType.group:
        return [`group ${String(r.inputs["name"])}`];
      default:
        return [];
    }
  });
}

describe("several environments in one Okta org", () => {
  const layouts: [string, (stack: string) => Record<string, unknown>][] = [
    ["per-component", () => ({ ...baseConfig, mode: "per-component" })],
    // The custom server's name is the user's choice; policies, rules, apps
    // and groups still carry the environment. (Two stacks adopting `default`
    // are stopped by the ownership check: defaultServer.test.ts.)
    ["single on a custom server", (stack) => ({ ...baseConfig, authorizationServer: `stacklok-${stack}` })],
  ];

  it.each(layouts)("two %s stacks produce no colliding Okta names", async (_, configFor) => {
    const dev = await runProgram({ stack: "dev", config: configFor("dev") });
    const staging = await runProgram({ stack: "staging", config: configFor("staging") });
    const devNames = orgWideNames(dev);
    const stagingNames = orgWideNames(staging);
    expect(devNames.length).toBeGreaterThanOrEqual(5);
    expect(stagingNames.filter((name) => devNames.includes(name))).toEqual([]);
    expect(devNames.filter((name) => name.startsWith("app ")).every((name) => name.endsWith("(dev)"))).toBe(true);
  });

  it("an explicit environment overrides the one derived from the stack", async () => {
    const run = await runProgram({ stack: "organization/stacklok-identity/prod-eu", config: { ...baseConfig, mode: "per-component", environment: "eu" } });
    expect(orgWideNames(run)).toContain("server stacklok-eu-enterprise-manager");
    expect(orgWideNames(run)).toContain("group stacklok-eu-users");
  });

  it("the comparison itself catches a collision", async () => {
    const a = await runProgram({ stack: "dev", config: { ...baseConfig, mode: "per-component" } });
    const b = await runProgram({ stack: "staging", config: { ...baseConfig, mode: "per-component", environment: "dev" } });
    expect(orgWideNames(b).filter((name) => orgWideNames(a).includes(name)).length).toBeGreaterThan(0);
  });
});
