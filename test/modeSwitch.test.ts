import { beforeAll, describe, expect, it } from "vitest";
import { OktaType } from "../components/facts";
import { APP_RESOURCES, inPlaceParentMoves, PARENT_ID_INPUTS } from "./support/modeSwitch";
import { baseConfig, findResource, runProgram, type RunResult } from "./support/program";

const variants = {
  "single on default": { ...baseConfig },
  "single on a custom server": { ...baseConfig, authorizationServer: "stacklok-dev" },
  "per-component": { ...baseConfig, mode: "per-component" },
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
