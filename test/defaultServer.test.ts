import { describe, expect, it } from "vitest";
import { defaultServerFindings } from "../components/defaultServer";
import { managedByMarker, ownerFromDescription } from "../components/naming";
import { baseConfig, oktaResources, runProgram } from "./support/program";

const ours = ["enterprise-manager", "cloud-ui"];
const described = (stackId: string) => `Stacklok Enterprise Enterprise Manager and Cloud UI tokens (dev), ${managedByMarker(stackId)}`;

describe("the ownership marker", () => {
  it("round-trips the stack id through a server description", () => {
    expect(ownerFromDescription(described("stacklok-identity/dev"))).toBe("stacklok-identity/dev");
    expect(ownerFromDescription("Default Authorization Server for your Applications")).toBeUndefined();
    expect(ownerFromDescription(undefined)).toBeUndefined();
  });
});

describe("deciding whether default may be adopted", () => {
  it("adopts a server no stack manages, warning about the audiences it replaces", () => {
    const findings = defaultServerFindings({ description: "Default Authorization Server for your Applications", audiences: ["api://default"] }, ours, "p/dev", false);
    expect(findings.error).toBeUndefined();
    expect(findings.warnings).toEqual([expect.stringContaining("api://default will be removed")]);
  });

  it("goes on quietly when this stack already manages it", () => {
    expect(defaultServerFindings({ description: described("p/dev"), audiences: ours }, ours, "p/dev", false)).toEqual({ warnings: [] });
  });

  it("refuses when another stack manages it, naming that stack and the ways out", () => {
    const findings = defaultServerFindings({ description: described("p/staging"), audiences: ours }, ours, "p/dev", false);
    expect(findings.error).toContain("already managed by Pulumi stack p/staging");
    expect(findings.error).toContain("per-component");
    expect(findings.error).toContain("stacklok-identity:takeOverDefaultServer");
  });

  it("adopts a server whose data source result has no audiences, warning about nothing", () => {
    // The okta.auth.getServer result leaves `audiences` out for a server that has none.
    const current = { description: "Default Authorization Server for your Applications" } as { description: string; audiences: string[] };
    expect(defaultServerFindings(current, ours, "p/dev", false)).toEqual({ warnings: [] });
  });

  it("takes over when told to, and says so", () => {
    const findings = defaultServerFindings({ description: described("p/staging"), audiences: ours }, ours, "p/dev", true);
    expect(findings.error).toBeUndefined();
    expect(findings.warnings).toEqual([expect.stringContaining("from stack p/staging")]);
  });
});

describe("the program", () => {
  it("stops before creating anything when another stack owns default", async () => {
    const run = await runProgram({
      stack: "dev",
      config: { ...baseConfig },
      defaultServer: { description: described("stacklok-identity/staging"), audiences: ours },
    });
    expect(run.error?.message).toContain("already managed by Pulumi stack stacklok-identity/staging");
    expect(oktaResources(run)).toEqual([]);
    expect(run.invocations.map((i) => i.token)).toEqual(["okta:auth/getServer:getServer"]);
  });

  it("takes the server over from another stack when told to, and records itself", async () => {
    const run = await runProgram({
      stack: "dev",
      config: { ...baseConfig, takeOverDefaultServer: true },
      defaultServer: { description: described("stacklok-identity/staging"), audiences: ours },
    });
    expect(run.error).toBeUndefined();
    const server = oktaResources(run).find((r) => r.type === "okta:index/authServerDefault:AuthServerDefault");
    expect(ownerFromDescription(server?.inputs["description"] as string)).toBe("stacklok-identity/dev");
  });

  it("stops with what to check when default cannot be read", async () => {
    const run = await runProgram({
      config: { ...baseConfig },
      defaultServerError: "E0000015: You do not have permission to access the feature you are requesting",
    });
    expect(run.error?.name).toBe("Error");
    expect(run.error?.message).toContain('Could not read Okta\'s "default" authorization server');
    expect(run.error?.message).toContain("E0000015");
    expect(run.error?.message).toContain("API Access Management");
    expect(oktaResources(run)).toEqual([]);
  });

  it("does not read default at all in per-component mode or on a custom server", async () => {
    for (const config of [{ ...baseConfig, mode: "per-component" }, { ...baseConfig, authorizationServer: "stacklok" }]) {
      const run = await runProgram({ config, defaultServer: { description: described("someone/else"), audiences: [] } });
      expect(run.error).toBeUndefined();
      expect(run.invocations).toEqual([]);
    }
  });

  it("reads default by name and records this stack as its owner", async () => {
    const run = await runProgram({ stack: "dev", config: { ...baseConfig } });
    expect(run.invocations).toEqual([{ token: "okta:auth/getServer:getServer", inputs: { name: "default" } }]);
    const server = oktaResources(run).find((r) => r.type === "okta:index/authServerDefault:AuthServerDefault");
    expect(ownerFromDescription(server?.inputs["description"] as string)).toBe("stacklok-identity/dev");
  });
});

describe("an org whose default server has no audiences", () => {
  it("is adopted without crashing", async () => {
    const run = await runProgram({
      config: { ...baseConfig },
      defaultServer: { description: "Default Authorization Server for your Applications" } as { description: string; audiences: string[] },
    });
    expect(run.error).toBeUndefined();
    expect(oktaResources(run).some((r) => r.type === "okta:index/authServerDefault:AuthServerDefault")).toBe(true);
  });
});
