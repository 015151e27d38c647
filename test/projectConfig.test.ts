import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_KEYS, CONFIG_NAMESPACE, configDefaults, parseStackConfig } from "../components/config";
import { loadStackConfig, StackConfigError } from "../tools/mock-engine/stackConfig";

const root = join(__dirname, "..");
const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as {
  name: string;
  runtime: { name: string; options: Record<string, unknown> };
  config: Record<string, { type: string; default?: unknown; description?: string; items?: { type: string } }>;
};

/** Raw config keys under our namespace, as the program sees them. */
function namespaced(config: Record<string, string>): Record<string, string> {
  const prefix = `${CONFIG_NAMESPACE}:`;
  return Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

describe("Pulumi.yaml", () => {
  it("is a TypeScript nodejs project named after the config namespace", () => {
    expect(project.name).toBe(CONFIG_NAMESPACE);
    expect(project.runtime).toMatchObject({ name: "nodejs", options: { typescript: true } });
  });

  it("declares only keys the program accepts, each with a type and a description", () => {
    for (const [key, declaration] of Object.entries(project.config)) {
      expect(CONFIG_KEYS).toContain(key);
      expect(["string", "boolean", "integer", "array"]).toContain(declaration.type);
      expect(declaration.description?.length ?? 0, key).toBeGreaterThan(10);
    }
  });

  it("declares the same defaults as the program's schema", () => {
    const defaults = configDefaults();
    for (const [key, declaration] of Object.entries(project.config)) {
      if ("default" in declaration) expect(declaration.default, key).toEqual(defaults[key]);
      else expect(defaults[key], `${key} is required in Pulumi.yaml but has a default in the schema`).toBeUndefined();
    }
    // Every scalar or list default the schema has is declared, so `pulumi config` shows it.
    for (const [key, value] of Object.entries(defaults)) {
      if (typeof value !== "object" || Array.isArray(value)) expect(project.config[key]?.default, key).toEqual(value);
    }
  });

  it("requires mode and cloudUiUrl, as the program does", () => {
    const required = Object.entries(project.config).filter(([, d]) => !("default" in d)).map(([k]) => k);
    expect(required.sort()).toEqual(["cloudUiUrl", "mode"]);
  });
});

describe("example stacks", () => {
  it.each([
    ["dev", "single"],
    ["prod", "per-component"],
  ])("Pulumi.%s.yaml is valid and uses %s mode", (stack, mode) => {
    const loaded = loadStackConfig(root, stack);
    const result = parseStackConfig(namespaced(loaded.config), { stack });
    if (!result.ok) throw new Error(result.problems.join("\n"));
    expect(result.config.mode).toBe(mode);
    // Rate limits are tight on free plans: the examples set the provider's settings.
    expect(loaded.config["okta:maxApiCapacity"]).toBeDefined();
    expect(loaded.config["okta:backoff"]).toBe("true");
  });

  // dev runs single mode on a server of its own: adopting `default` would take
  // the org's one default audience away from every other app.
  it("prod protects its resources; dev leaves the org's default server alone", () => {
    expect(loadStackConfig(root, "prod").config["stacklok-identity:protect"]).toBe("true");
    expect(loadStackConfig(root, "dev").config["stacklok-identity:authorizationServer"]).toBe("stacklok-dev");
  });
});

describe("loading stack config like the CLI", () => {
  it("applies Pulumi.yaml defaults and passes values as strings, lists as JSON", () => {
    const config = loadStackConfig(root, "dev").config;
    expect(config["stacklok-identity:cliRedirectUris"]).toBe('["http://localhost:8666/callback"]');
    expect(config["stacklok-identity:accessTokenLifetimeMinutes"]).toBe("60");
    expect(config["okta:maxApiCapacity"]).toBe("40");
  });

  it("fails like the CLI when a required key has no value", () => {
    const dir = join(root, "test", "fixtures", "minimal-project");
    expect(() => loadStackConfig(dir, "dev")).toThrow(StackConfigError);
    expect(() => loadStackConfig(dir, "dev")).toThrow("Stack 'dev' is missing configuration value 'mode'");
  });

  it("never decrypts a secure value: it is replaced and marked secret", () => {
    const loaded = loadStackConfig(join(root, "test", "fixtures", "minimal-project"), "secure");
    expect(loaded.config["okta:apiToken"]).not.toContain("AAABAM");
    expect(loaded.secretKeys).toContain("okta:apiToken");
  });
});
