/**
 * The policy pack as the Pulumi CLI runs it, with the test standing in for
 * the engine.
 *
 * `pulumi preview --policy-pack ./policy` makes the Node.js language host
 * (or, before CLI 3.221, the `pulumi-analyzer-policy` shim) resolve
 * `@pulumi/pulumi/cmd/run-policy-pack` with `require.resolve` from the pack's
 * directory and run it there with node; it registers ts-node with the pack's
 * tsconfig.json, type-checks and loads index.ts, whose PolicyPack serves the
 * Analyzer gRPC service on 127.0.0.1 and prints its port. This test does the
 * same from a clean `npm ci` at the root: it proves the pack resolves its
 * dependencies from the root node_modules, compiles under ts-node, and that
 * the engine's Analyze calls (one resource) and AnalyzeStack calls (every
 * resource, after the program has registered them all) return the violations
 * with their levels.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
  AnalyzeRequest,
  type AnalyzeResponse,
  type AnalyzerInfo,
  AnalyzerPropertyDependencies,
  AnalyzerResource,
  AnalyzerResourceOptions,
  AnalyzeStackRequest,
  EnforcementLevel,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Okta, OktaType, REQUIRED_SCOPE } from "../../components/facts";
import { baseConfig, findResource, runProgram, type RecordedResource } from "../support/program";

const policyDir = path.resolve(__dirname, "../../policy");

let pack: ChildProcess | undefined;
let client: AnalyzerClient;
let stderr = "";
/** The OAuth apps the program registers (mock engine), so the test follows the program. */
let nativeApp: RecordedResource;
let webApp: RecordedResource;
/** Every Okta resource the program registers, for AnalyzeStack. */
let registered: RecordedResource[];

/** Starts the pack as the language host does and resolves with the port it prints. */
function startPack(): Promise<number> {
  const runPolicyPack = execFileSync(
    process.execPath,
    ["-e", "console.log(require.resolve('@pulumi/pulumi/cmd/run-policy-pack'))"],
    { cwd: policyDir, encoding: "utf8" },
  ).trim();
  // The first argument is the engine's address; the pack only uses it for
  // logging, and these tests never make it log.
  const child = spawn(process.execPath, [runPolicyPack, "127.0.0.1:1", policyDir], {
    cwd: policyDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  pack = child;
  return new Promise((resolve, reject) => {
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^(\d+)\s*$/m.exec(stdout);
      if (line?.[1] !== undefined) resolve(Number(line[1]));
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => reject(new Error(`policy pack exited with ${code}:\n${stderr}${stdout}`)));
  });
}

function call<T>(invoke: (callback: (error: grpc.ServiceError | null, response: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    invoke((error, response) => (error === null ? resolve(response) : reject(error))),
  );
}

function analyze(
  type: string,
  name: string,
  props: Record<string, unknown>,
  urn = `urn:pulumi:dev::stacklok-identity::${type}::${name}`,
): Promise<AnalyzeResponse> {
  const request = new AnalyzeRequest()
    .setType(type)
    .setName(name)
    .setUrn(urn)
    // The engine always sends resource options; @pulumi/policy refuses a request without them.
    .setOptions(new AnalyzerResourceOptions())
    .setProperties(Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]));
  return call<AnalyzeResponse>((callback) => client.analyze(request, callback));
}

function diagnostics(response: AnalyzeResponse) {
  return response.getDiagnosticsList().map((d) => ({
    policy: d.getPolicyname(),
    level: d.getEnforcementlevel(),
    message: d.getMessage(),
  }));
}

/** A resource as the engine sends it in AnalyzeStack; `from` maps a property to the URN its value came from. */
function stackResource(resource: RecordedResource, props: Record<string, unknown> = resource.inputs, from: Record<string, string> = {}) {
  const options = new AnalyzerResourceOptions();
  if (resource.options.deleteBeforeReplace !== undefined) {
    options.setDeletebeforereplace(resource.options.deleteBeforeReplace).setDeletebeforereplacedefined(true);
  }
  const analyzed = new AnalyzerResource()
    .setType(resource.type)
    .setName(resource.name)
    .setUrn(resource.urn)
    .setOptions(options)
    .setProperties(Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]));
  for (const [property, urn] of Object.entries(from)) {
    analyzed.getPropertydependenciesMap().set(property, new AnalyzerPropertyDependencies().setUrnsList([urn]));
  }
  return analyzed;
}

function analyzeStack(resources: AnalyzerResource[]): Promise<AnalyzeResponse> {
  const request = new AnalyzeStackRequest().setResourcesList(resources);
  return call<AnalyzeResponse>((callback) => client.analyzeStack(request, callback));
}

function stackDiagnostics(response: AnalyzeResponse) {
  return response.getDiagnosticsList().map((d) => ({
    policy: d.getPolicyname(),
    level: d.getEnforcementlevel(),
    urn: d.getUrn(),
    message: d.getMessage(),
  }));
}

/** The program's group assignments plus a second one for the CLI app, as a second program or a copy-paste would add. */
function withSecondAssignment(resources: RecordedResource[]): { resources: RecordedResource[]; second: RecordedResource } {
  const first = resources.find((r) => r.type === OktaType.appGroupAssignments && r.name.startsWith("cli-desktop"));
  if (first === undefined) throw new Error("the program registers no group assignment for the CLI app");
  const second = { ...first, name: `${first.name}-again`, urn: `${first.urn}-again` };
  return { resources: [...resources, second], second };
}

/** Analyzes a resource the program registered, with its own type, logical name, URN and inputs. */
function analyzeRegistered(resource: RecordedResource, props: Record<string, unknown> = resource.inputs): Promise<AnalyzeResponse> {
  return analyze(resource.type, resource.name, props, resource.urn);
}

// Starting the pack includes ts-node type-checking it: allow more than the default hook timeout.
beforeAll(async () => {
  const run = await runProgram({ config: baseConfig });
  nativeApp = findResource(run, OktaType.oauthApp, "cli-desktop");
  webApp = findResource(run, OktaType.oauthApp, "cloud-ui");
  registered = run.resources.filter((r) => r.type.startsWith("okta:"));
  const port = await startPack();
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 60_000);

afterAll(() => {
  client?.close();
  pack?.kill();
});

describe("the policy pack under the Pulumi runtime", () => {
  it("loads through run-policy-pack and describes its policies with their levels", async () => {
    const info = await call<AnalyzerInfo>((callback) => client.getAnalyzerInfo(new Empty(), callback));
    expect(info.getName()).toBe("stacklok-okta-guardrails");
    expect(info.getVersion()).toBe("0.1.0");
    const levels = Object.fromEntries(info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]));
    expect(levels["okta-public-client-pkce"]).toBe(EnforcementLevel.MANDATORY);
    expect(levels["okta-access-policy-explicit-clients"]).toBe(EnforcementLevel.ADVISORY);
    expect(levels["okta-public-client-refresh-rotation"]).toBe(EnforcementLevel.MANDATORY);
    expect(levels["okta-one-group-assignments-per-app"]).toBe(EnforcementLevel.MANDATORY);
    expect(levels["okta-contiguous-priorities"]).toBe(EnforcementLevel.MANDATORY);
    expect(levels["okta-audience-unique-across-servers"]).toBe(EnforcementLevel.MANDATORY);
    expect(Object.keys(levels)).toHaveLength(26);
  });

  it("passes the native and the web app the program creates", async () => {
    expect(nativeApp.inputs["type"]).toBe(Okta.appType.native);
    expect(diagnostics(await analyzeRegistered(nativeApp))).toEqual([]);
    expect(webApp.inputs["type"]).toBe(Okta.appType.web);
    expect(diagnostics(await analyzeRegistered(webApp))).toEqual([]);
  });

  it("reports the program's native app left on the provider's defaults as mandatory violations", async () => {
    // What the analyzer would see if the program omitted tokenEndpointAuthMethod
    // and pkceRequired: the provider's Check fills in its default method.
    const { pkceRequired: _pkceRequired, ...withoutPkce } = nativeApp.inputs;
    const response = await analyzeRegistered(nativeApp, {
      ...withoutPkce,
      tokenEndpointAuthMethod: Okta.tokenEndpointAuthMethod.clientSecretBasic,
    });
    const found = diagnostics(response);
    expect(found.map((d) => d.policy)).toEqual(["okta-public-client-pkce", "okta-public-client-pkce"]);
    expect(found.every((d) => d.level === EnforcementLevel.MANDATORY)).toBe(true);
    expect(found[0]?.message).toContain('tokenEndpointAuthMethod is "client_secret_basic" on a native app');
  });

  it("reports a native app whose refresh tokens the provider would leave STATIC", async () => {
    // The program's own native app, with what the provider's Check fills in
    // when refreshTokenRotation is unset; independent of what the program sets.
    const response = await analyzeRegistered(nativeApp, { ...nativeApp.inputs, refreshTokenRotation: "STATIC" });
    expect(diagnostics(response)).toEqual([
      expect.objectContaining({
        policy: "okta-public-client-refresh-rotation",
        level: EnforcementLevel.MANDATORY,
        message: expect.stringContaining('refreshTokenRotation is "STATIC" on a native app') as unknown,
      }),
    ]);
  });

  it("reports an autonamed scope with the resource's logical name from the engine", async () => {
    const response = await analyze(OktaType.serverScope, "toolhive-config-read", {
      authServerId: "default",
      name: "toolhive-config-read-4f3e2d1",
    });
    expect(diagnostics(response)).toEqual([
      expect.objectContaining({
        policy: "okta-explicit-names",
        level: EnforcementLevel.MANDATORY,
        message: expect.stringContaining('name is "toolhive-config-read-4f3e2d1", which Pulumi auto-generated') as unknown,
      }),
    ]);
  });

  it("reports ALL_CLIENTS as advisory only", async () => {
    const response = await analyze(OktaType.serverPolicy, "access-policy", {
      name: "stacklok",
      description: "Stacklok clients",
      priority: 1,
      clientWhitelists: ["ALL_CLIENTS"],
    });
    expect(diagnostics(response).map((d) => [d.policy, d.level])).toEqual([
      ["okta-access-policy-explicit-clients", EnforcementLevel.ADVISORY],
    ]);
  });

  it("reports nothing about a client ID unknown at preview, and still runs the checks on what is known", async () => {
    const response = await analyze(OktaType.serverPolicy, "access-policy", {
      name: "stacklok",
      description: "",
      priority: 1,
      clientWhitelists: [unknownValue],
    });
    // The empty description is known and wrong; the client list is only unknown.
    expect(diagnostics(response).map((d) => [d.policy, d.level])).toEqual([
      ["okta-access-policy-description", EnforcementLevel.MANDATORY],
    ]);
  });

  it("judges a list holding an unknown client ID at up, once the engine sends the id", async () => {
    const mixed = (clientId: unknown) => ({
      name: "stacklok",
      description: "Stacklok clients",
      priority: 1,
      clientWhitelists: [Okta.allClients, clientId],
    });
    // Preview: the mix cannot be told from a guess, so nothing is reported.
    expect(diagnostics(await analyze(OktaType.serverPolicy, "access-policy", mixed(unknownValue)))).toEqual([]);
    // Up: the same input with the id known is refused.
    expect(diagnostics(await analyze(OktaType.serverPolicy, "access-policy", mixed("0oa1b2c3d4e5f6g7h8i9"))).map((d) => [d.policy, d.level])).toEqual([
      ["okta-access-policy-client-list", EnforcementLevel.MANDATORY],
    ]);
  });

  it("reports a misspelled enum on a rule whose group ids are unknown at preview", async () => {
    const response = await analyze(OktaType.serverPolicyRule, "access-rule", {
      authServerId: unknownValue,
      policyId: unknownValue,
      name: "stacklok-dev-assigned-users",
      priority: 1,
      grantTypeWhitelists: ["authorizationCode"],
      scopeWhitelists: ["openid"],
      groupWhitelists: [unknownValue, unknownValue],
    });
    expect(diagnostics(response).map((d) => [d.policy, d.message])).toEqual([
      ["okta-api-enum-values", expect.stringContaining('grantTypeWhitelists has "authorizationCode"') as unknown],
    ]);
  });

  it("passes the required scope as the program creates it", async () => {
    const response = await analyze(OktaType.serverScope, "toolhive-config-read", {
      authServerId: "default",
      name: REQUIRED_SCOPE,
      default: false,
      consent: "IMPLICIT",
      metadataPublish: "ALL_CLIENTS",
    });
    expect(diagnostics(response)).toEqual([]);
  });
});

describe("the stack policies under the Pulumi runtime (AnalyzeStack)", () => {
  it("pass the stack the program registers", async () => {
    expect(registered.some((r) => r.type === OktaType.appGroupAssignments)).toBe(true);
    expect(stackDiagnostics(await analyzeStack(registered.map((r) => stackResource(r))))).toEqual([]);
  });

  it("report a second group assignment of one app on each assignment, as mandatory", async () => {
    const { resources, second } = withSecondAssignment(registered);
    const found = stackDiagnostics(await analyzeStack(resources.map((r) => stackResource(r))));
    expect(found.map((d) => [d.policy, d.level])).toEqual([
      ["okta-one-group-assignments-per-app", EnforcementLevel.MANDATORY],
      ["okta-one-group-assignments-per-app", EnforcementLevel.MANDATORY],
    ]);
    expect(found.map((d) => d.urn)).toContain(second.urn);
    expect(found[0]?.message).toContain("AppGroupAssignments resources");
  });

  it("report a gap in the access policies' priorities", async () => {
    const resources = registered.map((r) =>
      r.type === OktaType.serverPolicy ? stackResource(r, { ...r.inputs, priority: 2 }) : stackResource(r),
    );
    const found = stackDiagnostics(await analyzeStack(resources));
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => d.policy === "okta-contiguous-priorities" && d.level === EnforcementLevel.MANDATORY)).toBe(true);
    expect(found[0]?.message).toContain("have priorities 2; accepted: 1 to 1, each once");
  });

  it("run during a first preview, matching unknown app ids by the app they come from", async () => {
    // While previewing a first deployment every app id is unknown; the engine
    // says which resource each appId came from.
    const apps = new Map(registered.filter((r) => r.type === OktaType.oauthApp).map((r) => [r.id, r.urn]));
    const preview = (resources: RecordedResource[]) =>
      resources.map((r) => {
        if (r.type !== OktaType.appGroupAssignments) return stackResource(r);
        const appUrn = apps.get(String(r.inputs["appId"]));
        if (appUrn === undefined) throw new Error(`no app with id ${String(r.inputs["appId"])}`);
        return stackResource(r, { ...r.inputs, appId: unknownValue }, { appId: appUrn });
      });
    expect(stackDiagnostics(await analyzeStack(preview(registered)))).toEqual([]);
    const found = stackDiagnostics(await analyzeStack(preview(withSecondAssignment(registered).resources)));
    expect(found.map((d) => [d.policy, d.level])).toEqual([
      ["okta-one-group-assignments-per-app", EnforcementLevel.MANDATORY],
      ["okta-one-group-assignments-per-app", EnforcementLevel.MANDATORY],
    ]);
  });

  it("say they can't run during preview, as advisory, when an unknown id has no known source", async () => {
    const resources = registered.map((r) =>
      r.type === OktaType.appGroupAssignments ? stackResource(r, { ...r.inputs, appId: unknownValue }) : stackResource(r),
    );
    const found = stackDiagnostics(await analyzeStack(resources));
    expect(found).toEqual([
      expect.objectContaining({
        policy: "okta-one-group-assignments-per-app",
        level: EnforcementLevel.ADVISORY,
        message: expect.stringContaining("during preview") as unknown,
      }),
    ]);
  });
});
