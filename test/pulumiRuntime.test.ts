/**
 * Loads the program the way `pulumi up` does: Pulumi's own nodejs runtime
 * entry (`@pulumi/pulumi/cmd/run`) registers ts-node with the project's
 * TypeScript and tsconfig and type-checks index.ts before running it. Only
 * the engine is mocked. vitest itself transpiles with esbuild and checks no
 * types, so this is the test that sees what a user's `pulumi up` would.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { StackOutputs } from "../components/contract";
import { runWithPulumiRuntime } from "./support/runtime";
import { loadStackConfig } from "../tools/mock-engine/stackConfig";
import { ProjectCopies, projectRoot as root, replaceInFile } from "./support/projectCopy";

describe.each([
  // dev runs single mode on its own custom server, so its issuer carries an aus… id too.
  ["dev", "single", "https://integrator-1234567.okta.com/oauth2/aus"],
  ["prod", "per-component", "https://acme.okta.com/oauth2/aus"],
])("pulumi up's loader on the %s example stack", (stack, mode, issuerPrefix) => {
  it(`type-checks and runs index.ts in ${mode} mode`, async () => {
    const run = await runWithPulumiRuntime({ projectDir: root, stack: loadStackConfig(root, stack) });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.exitCode).toBe(0);
    const outputs = run.report?.stackOutputs as StackOutputs | undefined;
    expect(outputs?.mode).toBe(mode);
    expect(outputs?.enterpriseManager.issuer.startsWith(issuerPrefix)).toBe(true);
    expect(run.report?.secretOutputPaths.sort()).toEqual(["chartValues", "chartValuesYaml", "cloudUi"]);
    expect(run.report?.resources.filter((r) => r.type === "okta:app/oAuth:OAuth")).toHaveLength(2);
  });
});

describe("a broken program", () => {
  const copies = new ProjectCopies();
  afterAll(() => copies.dispose());

  it("fails pulumi up's loader on a type error that esbuild would let through", async () => {
    const dir = copies.make("type-error", (d) => {
      const file = join(d, "components", "naming.ts");
      // A string where a number belongs: valid JavaScript, a TypeScript error.
      writeFileSync(file, `${readFileSync(file, "utf8")}\nexport const brokenLength: number = "forty-two";\n`);
    });
    const run = await runWithPulumiRuntime({ projectDir: dir, stack: loadStackConfig(dir, "dev") });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain("TS2322");
    expect(run.stderr).toContain("naming.ts");
    expect(run.report?.resources.filter((r) => r.type.startsWith("okta:")) ?? []).toEqual([]);
  });

  it("fails with the config problem named and nothing registered", async () => {
    const dir = copies.make("bad-config", (d) =>
      replaceInFile(d, "Pulumi.dev.yaml", "https://stacklok.dev.example.com", "http://stacklok.dev.example.com"),
    );
    // Type checking is not what this is about; skip it as PULUMI_NODEJS_TRANSPILE_ONLY would.
    const run = await runWithPulumiRuntime({ projectDir: dir, stack: loadStackConfig(dir, "dev"), typeCheck: false });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain("stacklok-identity:cloudUiUrl: got \"http://stacklok.dev.example.com\"; uses http, not https");
    // A RunError: the message without a stack trace.
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // Nothing from Node itself: a rejection the runtime awaits only later is reported by Node
    // as "(node:<pid>) PromiseRejectionHandledWarning: Promise rejection was handled asynchronously".
    expect(run.stderr).not.toMatch(/\(node:\d+\)|Warning:/);
    expect(run.report?.resources.filter((r) => r.type.startsWith("okta:")) ?? []).toEqual([]);
  });
});
