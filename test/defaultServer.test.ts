import { describe, expect, it } from "vitest";
import { defaultServerFindings, defaultServerIssuerMode } from "../components/defaultServer";
import { ownerFromDescription, stackMarker } from "../components/naming";
import { baseConfig, oktaResources, runProgram } from "./support/program";

const ours = "enterprise-manager";
const described = (stackId: string) => `Stacklok Enterprise: tokens for the Enterprise Manager and Cloud UI (dev); ${stackMarker(stackId, "default")}`;
const AUTH_SERVER_DEFAULT = "okta:index/authServerDefault:AuthServerDefault";

describe("the ownership marker", () => {
  it("round-trips the stack id through a server description", () => {
    expect(ownerFromDescription(described("stacklok-identity/dev"))).toBe("stacklok-identity/dev");
    // The first format, written by earlier versions, had no Pulumi name.
    expect(ownerFromDescription("Stacklok Enterprise: tokens for the Enterprise Manager and Cloud UI (dev), managed by Pulumi stack p/old")).toBe("p/old");
    expect(ownerFromDescription("Default Authorization Server for your Applications")).toBeUndefined();
    expect(ownerFromDescription(undefined)).toBeUndefined();
  });
});

describe("deciding whether default may be adopted", () => {
  it("adopts a server no stack manages, warning that its one audience is replaced and how to keep it", () => {
    const findings = defaultServerFindings({ description: "Default Authorization Server for your Applications", audiences: ["api://default"] }, ours, "p/dev", false);
    expect(findings.error).toBeUndefined();
    expect(findings.warnings).toHaveLength(1);
    expect(findings.warnings[0]).toContain('replaces its audience "api://default" with "enterprise-manager"');
    expect(findings.warnings[0]).toContain("stacklok-identity:audiences.enterpriseManager to \"api://default\"");
  });

  it("reads a server whose answer carries no audiences as having none, without failing", () => {
    expect(defaultServerFindings({ description: "Default Authorization Server for your Applications" }, ours, "p/dev", false)).toEqual({ warnings: [] });
  });

  it("warns about nothing when default already carries the audience chosen for it", () => {
    expect(defaultServerFindings({ audiences: ["api://default"] }, "api://default", "p/dev", false)).toEqual({ warnings: [] });
  });

  it("goes on quietly when this stack already manages it", () => {
    expect(defaultServerFindings({ description: described("p/dev"), audiences: [ours] }, ours, "p/dev", false)).toEqual({ warnings: [] });
  });

  it("refuses when another stack manages it, naming that stack and the ways out", () => {
    const findings = defaultServerFindings({ description: described("p/staging"), audiences: [ours] }, ours, "p/dev", false);
    expect(findings.error).toContain("already managed by Pulumi stack p/staging");
    expect(findings.error).toContain("per-component");
    expect(findings.error).toContain("stacklok-identity:takeOverDefaultServer");
  });

  it("takes over when told to, and says so", () => {
    const findings = defaultServerFindings({ description: described("p/staging"), audiences: [ours] }, ours, "p/dev", true);
    expect(findings.error).toBeUndefined();
    expect(findings.warnings).toEqual([expect.stringContaining("from stack p/staging")]);
  });
});

describe("the program", () => {
  it("stops before creating anything when another stack owns default", async () => {
    const run = await runProgram({
      stack: "dev",
      config: { ...baseConfig },
      defaultServer: { description: described("stacklok-identity/staging"), audiences: [ours] },
    });
    expect(run.error?.message).toContain("already managed by Pulumi stack stacklok-identity/staging");
    expect(oktaResources(run)).toEqual([]);
    expect(run.invocations.map((i) => i.token)).toEqual(["okta:auth/getServer:getServer"]);
  });

  it("takes the server over from another stack when told to, and records itself", async () => {
    const run = await runProgram({
      stack: "dev",
      config: { ...baseConfig, takeOverDefaultServer: true },
      defaultServer: { description: described("stacklok-identity/staging"), audiences: [ours] },
    });
    expect(run.error).toBeUndefined();
    const server = oktaResources(run).find((r) => r.type === AUTH_SERVER_DEFAULT);
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
    const server = oktaResources(run).find((r) => r.type === AUTH_SERVER_DEFAULT);
    expect(ownerFromDescription(server?.inputs["description"] as string)).toBe("stacklok-identity/dev");
  });
});

describe("default's issuer mode", () => {
  it("is config's when set, else the one the server has, else left unset", () => {
    expect(defaultServerIssuerMode({ issuerMode: "DYNAMIC" }, "CUSTOM_URL")).toBe("CUSTOM_URL");
    expect(defaultServerIssuerMode({ issuerMode: "DYNAMIC" }, undefined)).toBe("DYNAMIC");
    expect(defaultServerIssuerMode({ issuerMode: "" }, undefined)).toBeUndefined();
    expect(defaultServerIssuerMode({}, undefined)).toBeUndefined();
  });

  // The provider's Read stores the mode Okta returns; an unset input would
  // then plan `issuerMode: "<mode>" -> removed` on every preview.
  it.each(["ORG_URL", "DYNAMIC"])("keeps %s, the mode default already has, when config says nothing", async (mode) => {
    const run = await runProgram({ config: { ...baseConfig }, defaultServer: { audiences: ["api://default"], issuerMode: mode } });
    expect(run.error).toBeUndefined();
    expect(oktaResources(run).find((r) => r.type === AUTH_SERVER_DEFAULT)?.inputs["issuerMode"]).toBe(mode);
  });

  it("sets config's issuerMode over the server's", async () => {
    const run = await runProgram({
      config: { ...baseConfig, issuerMode: "CUSTOM_URL" },
      defaultServer: { audiences: ["api://default"], issuerMode: "DYNAMIC" },
    });
    expect(oktaResources(run).find((r) => r.type === AUTH_SERVER_DEFAULT)?.inputs["issuerMode"]).toBe("CUSTOM_URL");
  });

  it("adopts a default whose answer carries no audiences and no issuer mode", async () => {
    const run = await runProgram({ config: { ...baseConfig }, defaultServer: { description: "Default Authorization Server for your Applications" } });
    expect(run.error).toBeUndefined();
    const server = oktaResources(run).find((r) => r.type === AUTH_SERVER_DEFAULT);
    expect(server?.inputs["audiences"]).toEqual(["enterprise-manager"]);
    expect(server?.inputs["issuerMode"]).toBeUndefined();
  });
});

describe("default's id", () => {
  it("is Okta's aus… id, not the name, and the children carry it", async () => {
    const run = await runProgram({ config: { ...baseConfig } });
    const server = oktaResources(run).find((r) => r.type === AUTH_SERVER_DEFAULT);
    expect(server?.id).toMatch(/^aus[0-9a-f]{17}$/);
    const children = oktaResources(run).filter((r) => r.type.startsWith("okta:auth/server") && r.inputs["authServerId"] !== undefined);
    expect(children.length).toBeGreaterThan(0);
    for (const child of children) expect(child.inputs["authServerId"], child.urn).toBe(server?.id);
  });
});
