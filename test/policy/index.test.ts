/**
 * policy/index.ts only constructs the PolicyPack. The real constructor starts
 * the analyzer's gRPC server (and reads the pack's package.json from the
 * working directory), so here it is replaced by a recorder; test/policy/
 * analyzer.test.ts runs the real one. vi.mock is hoisted above the imports,
 * so index.ts runs against the recorder.
 */
import { describe, expect, it, vi } from "vitest";
import "../../policy/index";
import { policies, stackPolicies } from "../../policy/policies";

const constructed = vi.hoisted(() => [] as { name: string; args: unknown }[]);

vi.mock("@pulumi/policy", () => ({
  PolicyPack: class {
    constructor(name: string, args: unknown) {
      constructed.push({ name, args });
    }
  },
}));

describe("policy/index.ts", () => {
  it("constructs one PolicyPack named stacklok-okta-guardrails with every policy", () => {
    expect(constructed).toHaveLength(1);
    expect(constructed[0]?.name).toBe("stacklok-okta-guardrails");
    expect(constructed[0]?.args).toMatchObject({ policies: [...policies, ...stackPolicies] });
    expect(stackPolicies.length).toBeGreaterThan(0);
  });
});
