/**
 * The Kubernetes objects the stack outputs, validated against the published
 * schemas (copied under test/fixtures/schemas): the ClusterPlatformRoleBinding,
 * each MCPOIDCConfig, and the oidcConfigRef each MCPServer is to carry.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import type { StackOutputs } from "../components/contract";
import { baseConfig, runProgram, type RunResult } from "./support/program";

const SCHEMAS = join(__dirname, "fixtures", "schemas");

/** The openAPIV3Schema of a CRD's version. */
function crdSchema(file: string, version: string): object {
  const crd = parse(readFileSync(join(SCHEMAS, file), "utf8")) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: object } }[] };
  };
  const found = crd.spec.versions.find((v) => v.name === version);
  if (!found) throw new Error(`${file} has no version ${version}`);
  return found.schema.openAPIV3Schema;
}

// Kubernetes formats (int64, int32) are not JSON Schema's; CEL rules
// (x-kubernetes-validations) are not JSON Schema at all: the tests check the
// ones that matter by hand.
// strict: false lets Kubernetes' `x-kubernetes-*` schema extensions through; formats are not checked
// (the CRDs' `format` values are Kubernetes' own, not JSON Schema's).
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const validateBinding = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, "clusterplatformrolebindings.schema.json"), "utf8")) as object);
const validateOidcConfig = ajv.compile(crdSchema("toolhive.stacklok.dev_mcpoidcconfigs.yaml", "v1beta1"));
const validateMcpServer = ajv.compile(crdSchema("toolhive.stacklok.dev_mcpservers.yaml", "v1beta1"));

function errors(validate: ValidateFunction, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
}

/** An MCPServer as an operator would write it: its image plus the block the stack outputs. */
function mcpServer(oidcConfigRef: unknown): object {
  return {
    apiVersion: "toolhive.stacklok.dev/v1beta1",
    kind: "MCPServer",
    metadata: { name: "github" },
    spec: { image: "ghcr.io/github/github-mcp-server:latest", oidcConfigRef },
  };
}

function outputs(run: RunResult): StackOutputs {
  expect(run.error).toBeUndefined();
  return run.stackOutputs as unknown as StackOutputs;
}

function documents(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as unknown)
    .filter((doc) => doc !== null);
}

describe("the validators themselves", () => {
  it("reject what the schemas forbid, so a pass means something", () => {
    expect(errors(validateBinding, { spec: { bindings: [] } })).not.toEqual([]);
    expect(errors(validateBinding, { spec: { bindings: [{ roleRef: { kind: "Role", name: "writer" }, from: [{ groups: ["a"] }] }] } })).not.toEqual([]);
    expect(errors(validateOidcConfig, { spec: { type: "inline", inline: {} } })).not.toEqual([]);
    expect(errors(validateOidcConfig, { spec: { type: "oidc", inline: { issuer: "https://x" } } })).not.toEqual([]);
    expect(errors(validateMcpServer, mcpServer({ name: "x" }))).not.toEqual([]);
    expect(errors(validateMcpServer, mcpServer({ name: "", audience: "a" }))).not.toEqual([]);
  });
});

describe("MCP manifests", () => {
  let run: RunResult;
  beforeAll(async () => {
    run = await runProgram({
      config: {
        ...baseConfig,
        mode: "per-component",
        mcpServers: [
          { name: "github", resourceUrl: "https://mcp.example.com/github" },
          { name: "fetch", resourceUrl: "https://mcp.example.com/fetch", audience: "api://fetch" },
        ],
      },
    });
  });

  it("outputs, per MCP server, the issuer and key set of its own authorization server", () => {
    const { mcpServers } = outputs(run);
    expect(Object.keys(mcpServers).sort()).toEqual(["fetch", "github"]);
    expect(mcpServers["github"]).toMatchObject({ audience: "https://mcp.example.com/github", resourceUrl: "https://mcp.example.com/github" });
    expect(mcpServers["fetch"]).toMatchObject({ audience: "api://fetch", resourceUrl: "https://mcp.example.com/fetch" });
    expect(mcpServers["github"]?.issuer).not.toBe(mcpServers["fetch"]?.issuer);
    for (const server of Object.values(mcpServers)) expect(server.jwksUri).toBe(`${server.issuer}/v1/keys`);
  });

  it("mcpManifestsYaml holds one valid inline MCPOIDCConfig per issuer", () => {
    const { mcpServers, mcpManifestsYaml } = outputs(run);
    const docs = documents(mcpManifestsYaml) as { apiVersion: string; kind: string; metadata: { name: string }; spec: { type: string; inline?: { issuer: string; jwksUrl: string } } }[];
    expect(docs).toHaveLength(2);
    for (const doc of docs) {
      expect(errors(validateOidcConfig, doc)).toEqual([]);
      expect(doc).toMatchObject({ apiVersion: "toolhive.stacklok.dev/v1beta1", kind: "MCPOIDCConfig" });
      // The CEL rule: inline is set exactly when type is inline.
      expect(doc.spec.type).toBe("inline");
      expect(doc.spec.inline).toBeDefined();
    }
    for (const [name, server] of Object.entries(mcpServers)) {
      const config = docs.find((d) => d.metadata.name === server.oidcConfigRef.name);
      expect(config?.spec.inline, name).toEqual({ issuer: server.issuer, jwksUrl: server.jwksUri });
      expect(server.oidcConfigRef.name).toBe(`stacklok-dev-mcp-${name}`);
    }
  });

  it("each MCP server's oidcConfigRef is valid on an MCPServer and is spelled out in the YAML", () => {
    const { mcpServers, mcpManifestsYaml } = outputs(run);
    for (const server of Object.values(mcpServers)) {
      expect(errors(validateMcpServer, mcpServer(server.oidcConfigRef))).toEqual([]);
      expect(server.oidcConfigRef).toEqual({ name: server.oidcConfigRef.name, audience: server.audience, resourceUrl: server.resourceUrl });
      expect(mcpManifestsYaml).toContain(`#       audience: ${server.audience}`);
    }
  });

  it("says there is nothing to apply when no MCP server is configured", async () => {
    const none = outputs(await runProgram({ config: { ...baseConfig } }));
    expect(none.mcpServers).toEqual({});
    expect(documents(none.mcpManifestsYaml)).toEqual([]);
    expect(none.mcpManifestsYaml).toContain("No MCP servers configured");
  });
});

describe("platformRoleBindingsYaml", () => {
  type Binding = { apiVersion: string; kind: string; metadata: { name: string }; spec: { bindings: { roleRef: { name: string }; from: { groups: string[] }[] }[] } };
  const binding = (yamlText: string): Binding | undefined => documents(yamlText)[0] as Binding | undefined;
  const boundTo = (b: Binding | undefined) => Object.fromEntries((b?.spec.bindings ?? []).map((x) => [x.roleRef.name, x.from.flatMap((f) => f.groups)]));

  it("binds writer to the admins and reader to the users, by name, valid against the schema", async () => {
    const yamlText = outputs(await runProgram({ config: { ...baseConfig } })).platformRoleBindingsYaml;
    const doc = binding(yamlText);
    expect(doc).toMatchObject({ apiVersion: "platform.enterprise.stacklok.com/v1alpha1", kind: "ClusterPlatformRoleBinding", metadata: { name: "stacklok-dev-platform-roles" } });
    expect(errors(validateBinding, { spec: doc?.spec })).toEqual([]);
    expect(boundTo(doc)).toEqual({ writer: ["stacklok-dev-admins"], reader: ["stacklok-dev-users"] });
    expect(yamlText).toContain("groups claim");
  });

  it("lists groups known only by id for the operator to name, and binds what it can", async () => {
    const yamlText = outputs(
      await runProgram({ config: { ...baseConfig, createAccessGroup: false, accessGroupIds: ["00g1a2b3c4d5e6f7g8h9"] } }),
    ).platformRoleBindingsYaml;
    expect(boundTo(binding(yamlText))).toEqual({ writer: ["stacklok-dev-admins"] });
    expect(errors(validateBinding, { spec: binding(yamlText)?.spec })).toEqual([]);
    expect(yamlText).toContain("# NOTE: reader: add the names of groups 00g1a2b3c4d5e6f7g8h9");
  });

  it("leaves out a group the groups claim's filter drops, and says so", async () => {
    const yamlText = outputs(
      await runProgram({
        config: { ...baseConfig, claims: { groups: { groupsRegex: "stacklok-dev-admins" } } },
      }),
    ).platformRoleBindingsYaml;
    expect(boundTo(binding(yamlText))).toEqual({ writer: ["stacklok-dev-admins"] });
    expect(yamlText).toContain("stacklok-dev-users is left out");
  });

  it("binds nothing when tokens carry no groups", async () => {
    const registryRoles = { superAdmin: [{ roles: "registry-admin" }], manageSources: [], manageRegistries: [], manageEntries: [] };
    const yamlText = outputs(
      await runProgram({ config: { ...baseConfig, claims: { groups: { enabled: false } }, registryRoles } }),
    ).platformRoleBindingsYaml;
    expect(binding(yamlText)).toBeUndefined();
    expect(yamlText).toContain("groups claim is disabled");
  });
});
