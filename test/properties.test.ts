/**
 * Properties of the real program over the whole
 * valid config space (test/support/arbitraries.ts), each run on the mock
 * engine. numRuns stays modest because each run costs ~30-60 ms; set
 * FC_NUM_RUNS for a deeper local run, e.g.
 *   FC_NUM_RUNS=500 npx vitest run test/properties.test.ts
 * A failure prints the seed and the shrunk config to reproduce it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONFIG_KEYS, parseStackConfig } from "../components/config";
import { Okta, OktaType } from "../components/facts";
import { strings } from "../tools/mock-engine/readers";
import { analyzeWiring } from "../tools/plan/wiring";
import {
  groupIdArb,
  listValue,
  loopbackUriArb,
  resolveSample,
  switchedTo,
  validConfigArb,
  withList,
  type ConfigSample,
} from "./support/arbitraries";
import { APP_RESOURCES, inPlaceParentMoves } from "./support/modeSwitch";
import { oktaConstraintViolations } from "./support/oktaConstraints";
import { policyFindings } from "./support/policyPack";
import { findResource, runProgram, type RecordedResource, type RunResult } from "./support/program";

function numRuns(fallback: number): { numRuns: number } {
  const override = Number(process.env["FC_NUM_RUNS"]);
  return { numRuns: Number.isInteger(override) && override > 0 ? override : fallback };
}

/** Runs a valid sample; a valid config that fails the program is itself a finding. */
async function runSample(
  sample: ConfigSample,
  config: Record<string, unknown> = sample.config,
  defaultIssuerMode: string = Okta.issuerMode.orgUrl,
): Promise<RunResult> {
  const resolved = resolveSample({ ...sample, config });
  const run = await runProgram({
    config,
    stack: sample.stack,
    // `default` already carries this config's one audience, so adopting it warns about nothing.
    defaultServer: {
      description: "Default Authorization Server for your Applications",
      audiences: [resolved.audiences.enterpriseManager],
      issuerMode: defaultIssuerMode,
    },
  });
  if (run.error) throw new Error(`a valid config failed the program: ${run.error.message}\n${JSON.stringify(sample)}`);
  return run;
}

/** Everything a run reports, in a stable order (registration order is not a property of the plan). */
function comparable(run: RunResult) {
  const byUrn = (a: RecordedResource, b: RecordedResource) => a.urn.localeCompare(b.urn);
  return {
    resources: [...run.resources].sort(byUrn),
    stackOutputs: run.stackOutputs,
    secretOutputPaths: [...run.secretOutputPaths].sort(),
    invocations: run.invocations,
  };
}

const SERVER_TYPES: string[] = [OktaType.authServer, OktaType.authServerDefault];

interface IssuedPair {
  component: string;
  issuer: string;
  audience: string;
  clientId: string;
}

/** The issuer/audience pair each component validates, with the client whose users get those tokens. */
function componentPairs(run: RunResult): IssuedPair[] {
  const outputs = run.stackOutputs as {
    enterpriseManager: { issuer: string; audience: string; clientId: string };
    cloudUi: { issuer: string; audience: string; clientId: string };
  };
  return [
    { component: "Enterprise Manager", ...outputs.enterpriseManager },
    { component: "Cloud UI", ...outputs.cloudUi },
  ];
}

/** Counted from the registered resources alone, independently of analyzeWiring. */
function serversIssuing(run: RunResult, pair: IssuedPair): RecordedResource[] {
  return run.resources.filter(
    (r) => SERVER_TYPES.includes(r.type) && r.outputs["issuer"] === pair.issuer && strings(r.inputs["audiences"]).includes(pair.audience),
  );
}

function policyAdmits(run: RunResult, server: RecordedResource, clientId: string): boolean {
  return run.resources.some(
    (r) =>
      r.type === OktaType.serverPolicy &&
      r.inputs["authServerId"] === server.id &&
      strings(r.inputs["clientWhitelists"]).some((c) => c === clientId || c === Okta.allClients),
  );
}

describe("the valid-config arbitrary", () => {
  it("generates only configs parseStackConfig accepts", () => {
    fc.assert(
      fc.property(validConfigArb, (sample) => {
        resolveSample(sample);
      }),
      numRuns(500),
    );
  });

  it("covers the config space: every key, both encodings and the edge combinations", () => {
    const samples = fc.sample(validConfigArb, { numRuns: 600, seed: 7 });
    const resolved = samples.map((s) => ({ raw: s.config, config: resolveSample(s) }));
    const seen = (what: string, test: (r: (typeof resolved)[number]) => boolean) => [what, resolved.some(test)] as const;
    const coverage = Object.fromEntries([
      ...CONFIG_KEYS.map((key) => seen(`sets ${key}`, (r) => key in r.raw)),
      seen("single on default", (r) => r.config.mode === "single" && r.config.authorizationServer === "default"),
      seen("single on a custom server", (r) => r.config.mode === "single" && r.config.authorizationServer !== "default"),
      seen("per-component", (r) => r.config.mode === "per-component"),
      seen("typed values", (r) => typeof r.raw["protect"] === "boolean" || Array.isArray(r.raw["cliRedirectUris"])),
      seen("string values", (r) => r.raw["protect"] === "true" || typeof r.raw["cliRedirectUris"] === "string"),
      seen("api:// audience", (r) => Object.values(r.config.audiences).some((a) => a.startsWith("api://"))),
      seen("Cloud UI URL with a path", (r) => new URL(r.config.cloudUiUrl).pathname !== "/"),
      seen("trailing slash given", (r) => typeof r.raw["cloudUiUrl"] === "string" && r.raw["cloudUiUrl"].endsWith("/")),
      seen("four redirect URIs", (r) => r.config.cliRedirectUris.length === 4),
      seen("[::1] redirect URI", (r) => r.config.cliRedirectUris.some((u) => u.includes("[::1]"))),
      seen("derived environment", (r) => r.raw["environment"] === undefined),
      seen("existing groups only", (r) => !r.config.access.createGroup && r.config.access.groupIds.length > 0),
      seen("everyone only", (r) => !r.config.access.createGroup && r.config.access.groupIds.length === 0 && r.config.access.everyone),
      seen("all-clients", (r) => r.config.access.policyClients === "all-clients"),
      seen("roles claim disabled", (r) => !r.config.claims.some((c) => c.key === "roles")),
      seen("renamed claim", (r) => r.config.claims.some((c) => c.name !== c.key)),
      seen("groups claim as expression", (r) => r.config.claims.some((c) => c.key === "groups" && c.valueType === "EXPRESSION")),
      seen("unlimited refresh", (r) => r.config.tokens.refreshTokenLifetimeMinutes === 0),
      seen("window equal to refresh", (r) => {
        const t = r.config.tokens;
        return t.refreshTokenLifetimeMinutes > 0 && t.refreshTokenWindowMinutes === t.refreshTokenLifetimeMinutes;
      }),
      seen("protected", (r) => r.config.protect),
      seen("single mode restating the Cloud UI audience", (r) => {
        const raw = r.raw["audiences"];
        const given = (typeof raw === "string" ? JSON.parse(raw) : raw) as { cloudUi?: string } | undefined;
        return r.config.mode === "single" && given?.cloudUi !== undefined;
      }),
      seen("per-component with its own Cloud UI audience", (r) => r.config.mode === "per-component" && r.raw["audiences"] !== undefined),
      seen("roles attribute other than roles", (r) => r.config.rolesAttribute !== undefined && r.config.rolesAttribute !== "roles"),
      seen("authentication policy", (r) => r.config.authenticationPolicyId !== undefined),
      seen("MCP servers", (r) => r.config.mcpServers.length > 1),
      seen("MCP server audience other than its URL", (r) => r.config.mcpServers.some((m) => m.audience !== m.resourceUrl)),
      seen("no admin group created", (r) => !r.config.admins.createGroup),
      seen("registry roles as configured", (r) => r.raw["registryRoles"] !== undefined),
      seen("default registry roles", (r) => r.raw["registryRoles"] === undefined),
    ]);
    expect(Object.entries(coverage).filter(([, hit]) => !hit).map(([what]) => what)).toEqual([]);
  });
});

// Each property runs the program dozens of times; on a loaded 2-core CI
// machine that can pass a minute, which is slow, not wrong.
describe("properties of the program over valid configs", { timeout: 240_000 }, () => {
  it("is deterministic: the same config registers the same resources, inputs, options and outputs", async () => {
    await fc.assert(
      fc.asyncProperty(validConfigArb, async (sample) => {
        const first = comparable(await runSample(sample));
        const second = comparable(await runSample(sample));
        expect(second).toEqual(first);
      }),
      numRuns(25),
    );
  });

  it("has every component's issuer/audience pair issued by exactly one server whose policy admits the client", async () => {
    await fc.assert(
      fc.asyncProperty(validConfigArb, async (sample) => {
        const run = await runSample(sample);

        const wiring = analyzeWiring(run);
        expect(wiring.problems).toEqual([]);
        const mcpNames = resolveSample(sample).mcpServers.map((m) => `MCP server ${m.name}`);
        expect(wiring.flows.map((f) => f.component).sort()).toEqual(["Cloud UI", "Enterprise Manager", ...mcpNames].sort());
        for (const flow of wiring.flows) {
          expect(flow.issued).toBe(true);
          // An MCP server's token is accepted by that MCP server alone.
          if (mcpNames.includes(flow.component)) expect(flow.acceptedBy).toEqual([flow.component]);
          else expect(flow.acceptedBy).toEqual(expect.arrayContaining([flow.component, "Registry Server"]));
        }

        const pairs = componentPairs(run);
        for (const pair of pairs) {
          const servers = serversIssuing(run, pair);
          expect(servers.map((s) => s.urn), pair.component).toHaveLength(1);
          expect(policyAdmits(run, servers[0]!, pair.clientId), pair.component).toBe(true);
        }
        // The Registry Server trusts exactly the two components' pairs.
        const providers = (run.stackOutputs as { registryServer: { providers: { issuerUrl: string; audience: string }[] } })
          .registryServer.providers;
        expect(providers.map((p) => `${p.issuerUrl} ${p.audience}`).sort()).toEqual(
          pairs.map((p) => `${p.issuer} ${p.audience}`).sort(),
        );
      }),
      numRuns(40),
    );
  });

  it("registers only what Okta accepts and what the policy pack allows", async () => {
    await fc.assert(
      fc.asyncProperty(validConfigArb, async (sample) => {
        const config = resolveSample(sample);
        const run = await runSample(sample);
        expect(oktaConstraintViolations(run.resources)).toEqual([]);

        const findings = await policyFindings(run.resources);
        expect(findings.filter((f) => f.level !== "advisory")).toEqual([]);
        const advisories = findings.filter((f) => f.level === "advisory");
        if (config.access.policyClients === "all-clients") {
          // Asked for: the pack's one advisory says so on every policy, and nothing else is advised.
          expect(advisories.length).toBeGreaterThan(0);
          expect(new Set(advisories.map((f) => f.policy))).toEqual(new Set(["okta-access-policy-explicit-clients"]));
        } else {
          expect(advisories).toEqual([]);
        }
      }),
      numRuns(30),
    );
  });

  it("gives every authorization server exactly one audience, in every mode", async () => {
    await fc.assert(
      fc.asyncProperty(validConfigArb, async (sample) => {
        const config = resolveSample(sample);
        const run = await runSample(sample);
        const servers = run.resources.filter((r) => SERVER_TYPES.includes(r.type));
        expect(servers.length).toBeGreaterThan(0);
        for (const server of servers) expect(strings(server.inputs["audiences"]), server.urn).toHaveLength(1);
        // Single mode: that one audience is every component's.
        if (config.mode === "single") {
          const pairs = componentPairs(run);
          expect(new Set(pairs.map((p) => p.audience))).toEqual(new Set(strings(servers[0]?.inputs["audiences"])));
        }
      }),
      numRuns(30),
    );
  });

  it("sets default's issuer mode to config's, or else to the one the server already has", async () => {
    const serverMode = fc.constantFrom<string | undefined>(
      Okta.issuerMode.orgUrl,
      Okta.issuerMode.customUrl,
      Okta.issuerMode.dynamic,
      undefined,
    );
    await fc.assert(
      fc.asyncProperty(validConfigArb, serverMode, async (sample, current) => {
        const config = resolveSample(sample);
        const run = await runProgram({
          config: sample.config,
          stack: sample.stack,
          defaultServer: {
            audiences: [config.audiences.enterpriseManager],
            ...(current === undefined ? {} : { issuerMode: current }),
          },
        });
        expect(run.error).toBeUndefined();
        const adopted = run.resources.find((r) => r.type === OktaType.authServerDefault);
        if (adopted === undefined) return;
        expect(adopted.inputs["issuerMode"]).toBe(config.issuerMode ?? current);
      }),
      numRuns(30),
    );
  });

  it("changes no URN when lists in config are reordered", async () => {
    // Lists of two or more, so a reordering is a real one.
    const withLists = fc
      .tuple(
        validConfigArb,
        fc.uniqueArray(loopbackUriArb, { minLength: 2, maxLength: 4 }),
        fc.uniqueArray(groupIdArb, { minLength: 2, maxLength: 4 }),
      )
      .map(([sample, uris, ids]) => ({
        ...sample,
        config: withList(withList(sample.config, "cliRedirectUris", uris), "accessGroupIds", ids),
      }));
    const reordered = withLists.chain((sample) => {
      const uris = listValue(sample.config, "cliRedirectUris") ?? [];
      const ids = listValue(sample.config, "accessGroupIds") ?? [];
      return fc
        .tuple(
          fc.shuffledSubarray(uris, { minLength: uris.length, maxLength: uris.length }),
          fc.shuffledSubarray(ids, { minLength: ids.length, maxLength: ids.length }),
        )
        .map(([u, i]) => ({ sample, config: withList(withList(sample.config, "cliRedirectUris", u), "accessGroupIds", i) }));
    });
    await fc.assert(
      fc.asyncProperty(reordered, async ({ sample, config }) => {
        const original = await runSample(sample);
        const shuffled = await runSample(sample, config);
        const before = new Set(original.resources.map((r) => r.urn));
        const after = new Set(shuffled.resources.map((r) => r.urn));
        expect({ gone: [...before].filter((urn) => !after.has(urn)), added: [...after].filter((urn) => !before.has(urn)) }).toEqual({
          gone: [],
          added: [],
        });
        expect(after.size).toBe(before.size);
      }),
      numRuns(25),
    );
  });

  it("keeps both apps and moves no child to another server when the mode switches", async () => {
    await fc.assert(
      fc.asyncProperty(validConfigArb, async (sample) => {
        const single = await runSample(sample, switchedTo(sample.config, "single"));
        const perComponent = await runSample(sample, switchedTo(sample.config, "per-component"));
        for (const [type, name] of APP_RESOURCES) {
          const before = findResource(single, type, name);
          const after = findResource(perComponent, type, name);
          expect(after.urn).toBe(before.urn);
          expect(after.inputs["type"]).toBe(before.inputs["type"]);
        }
        expect(inPlaceParentMoves(single, perComponent)).toEqual([]);
        expect(inPlaceParentMoves(perComponent, single)).toEqual([]);
      }),
      numRuns(25),
    );
  });
});

describe("MCP servers over valid configs", { timeout: 240_000 }, () => {
  it("adding or removing them changes no client ID and moves no child of another server", async () => {
    const perComponent = validConfigArb.filter((sample) => resolveSample(sample).mcpServers.length > 0);
    await fc.assert(
      fc.asyncProperty(perComponent, async (sample) => {
        const { mcpServers: _mcp, ...withoutMcp } = sample.config;
        const before = await runSample(sample, withoutMcp);
        const after = await runSample(sample);
        for (const [type, name] of APP_RESOURCES) {
          expect(findResource(after, type, name).urn).toBe(findResource(before, type, name).urn);
          expect(findResource(after, type, name).outputs["clientId"]).toBe(findResource(before, type, name).outputs["clientId"]);
        }
        expect(inPlaceParentMoves(before, after)).toEqual([]);
        expect(inPlaceParentMoves(after, before)).toEqual([]);
        // Every resource of the stack without MCP servers is still there, unchanged.
        const kept = new Map(after.resources.map((r) => [r.urn, r]));
        for (const resource of before.resources.filter((r) => r.custom && r.type.startsWith("okta:auth/"))) {
          expect(kept.get(resource.urn)?.inputs, resource.urn).toEqual(resource.inputs);
        }
      }),
      numRuns(15),
    );
  });
});

describe("the properties' own checks", () => {
  it("count a server per pair independently: a second server with the same issuer and audience is caught", async () => {
    const sample: ConfigSample = { stack: "dev", config: { mode: "per-component", cloudUiUrl: "https://stacklok.example.com" } };
    const run = await runSample(sample);
    const pair = componentPairs(run)[0]!;
    const server = serversIssuing(run, pair)[0]!;
    const duplicated = { ...run, resources: [...run.resources, { ...server, urn: `${server.urn}-copy` }] };
    expect(serversIssuing(duplicated, pair)).toHaveLength(2);
    const notAdmitted = {
      ...run,
      resources: run.resources.map((r) =>
        r.type === OktaType.serverPolicy ? { ...r, inputs: { ...r.inputs, clientWhitelists: ["0oaother"] } } : r,
      ),
    };
    expect(policyAdmits(notAdmitted, server, pair.clientId)).toBe(false);
  });

  it("treat a sample the schema rejects as a failure of the arbitrary", () => {
    const bad: ConfigSample = { stack: "dev", config: { mode: "single", cloudUiUrl: "http://x.example.com" } };
    expect(parseStackConfig(bad.config, { stack: bad.stack }).ok).toBe(false);
    expect(() => resolveSample(bad)).toThrow(/arbitrary produced an invalid config/);
  });
});
