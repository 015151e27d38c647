import { beforeAll, describe, expect, it } from "vitest";
import { OktaType } from "../components/facts";
import { APP_RESOURCES, inPlaceParentMoves, PARENT_ID_INPUTS } from "./support/modeSwitch";
import { baseConfig, findResource, runProgram, type RunResult } from "./support/program";

const variants = {
  "single on default": { ...baseConfig },
  "single on a custom server": { ...baseConfig, authorizationServer: "stacklok-dev" },
  "per-component": { ...baseConfig, mode: "per-component" },
  // Adding or removing MCP servers is a switch too: no client ID may change, no child may move.
  "per-component with two MCP servers": {
    ...baseConfig,
    mode: "per-component",
    mcpServers: [
      { name: "github", resourceUrl: "https://mcp.example.com/github" },
      { name: "fetch", resourceUrl: "https://mcp.example.com/fetch", audience: "mcp-fetch" },
    ],
  },
  "per-component with one of them": {
    ...baseConfig,
    mode: "per-component",
    mcpServers: [{ name: "fetch", resourceUrl: "https://mcp.example.com/fetch", audience: "mcp-fetch" }],
  },
} as const;
type Variant = keyof typeof variants;

const runs = {} as Record<Variant, RunResult>;

beforeAll(async () => {
  for (const [name, config] of Object.entries(variants)) {
    const run = await runProgram({ config });
    expect(run.error).toBeUndefined();
    runs[name as Variant] = run;
  }
});

const pairs = (Object.keys(variants) as Variant[]).flatMap((from) =>
  (Object.keys(variants) as Variant[]).filter((to) => to !== from).map((to) => [from, to] as const),
);

describe.each(pairs)("switching from %s to %s", (from, to) => {
  it("keeps both OAuth apps and their assignments, so client IDs survive", () => {
    for (const [type, name] of APP_RESOURCES) {
      const before = findResource(runs[from], type, name);
      const after = findResource(runs[to], type, name);
      expect(after.urn).toBe(before.urn);
      expect(after.inputs["type"]).toBe(before.inputs["type"]); // a type change would replace the app
    }
  });

  it("moves no scope, claim, policy or rule to another server under the same name", () => {
    expect(inPlaceParentMoves(runs[from], runs[to])).toEqual([]);
  });

  it("also guards the parent ids with replaceOnChanges", () => {
    for (const resource of runs[to].resources) {
      const fields = PARENT_ID_INPUTS[resource.type];
      if (fields) expect(resource.options.replaceOnChanges, resource.urn).toEqual(expect.arrayContaining(fields));
    }
  });
});

describe("MCP servers", () => {
  it("removing one keeps every other server's children, ids and inputs", () => {
    const before = runs["per-component with two MCP servers"];
    const after = runs["per-component with one of them"];
    const kept = after.resources.filter((r) => r.custom);
    for (const resource of kept) {
      const old = before.resources.find((r) => r.urn === resource.urn);
      expect(old, resource.urn).toBeDefined();
      expect(resource.inputs, resource.urn).toEqual(old?.inputs);
    }
    const gone = before.resources.filter((r) => !after.resources.some((a) => a.urn === r.urn)).map((r) => r.name);
    expect(gone.sort()).toEqual(
      ["mcp-github", "mcp-github", "mcp-github-access-policy", "mcp-github-access-rule", "mcp-github-claim-email", "mcp-github-claim-groups", "mcp-github-claim-roles"].sort(),
    );
  });
});

describe("the check itself", () => {
  it("catches a child that would keep its name across servers", () => {
    const before = runs["single on default"];
    const after = runs["per-component"];
    // Pretend the Enterprise Manager server's scope had kept the single-mode name.
    const scope = findResource(before, OktaType.serverScope, "default-scope");
    const moved = {
      ...after,
      resources: after.resources.map((r) =>
        r.type === OktaType.serverScope ? { ...r, urn: scope.urn } : r,
      ),
    };
    expect(inPlaceParentMoves(before, moved)).toHaveLength(1);
  });
});
