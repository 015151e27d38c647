/**
 * Generated configs (test/support/generatedStacks.ts, a fixed fast-check
 * seed) through the real CLI and provider, each on a fresh okta-local org:
 * a clean preview, an up, a refreshed preview that expects no changes, every
 * seeded user's sign-in equal to the plan, and a destroy that leaves only
 * what the docs list.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { OktaLocal } from "../../../tools/okta-local/index";
import { expectOnlyRolesAttributeLeft, inventory, seedFor, stackFile, startOrg } from "../../e2e/support/harness";
import type { GeneratedStack } from "../../support/generatedStacks";
import { ProjectCopies } from "../../support/projectCopy";
import { expectSignInsAsPlanned } from "./checks";
import { PulumiProject } from "./pulumi";
import { ADOPTING_DEFAULT_WARNING, EngineStack, expectPolicyClean, failedRequests, resourceSummary, writes } from "./stack";

/**
 * The sample as a user writes it in a stack file. The arbitraries draw each
 * value either typed or as the string the engine hands the program; the
 * CLI checks a stack file's values against the types Pulumi.yaml declares
 * ("configuration key 'cliRedirectUris' must be of type 'array<string>'"),
 * so a key declared array, boolean or integer gets its typed value back.
 */
function typedForCli(projectDir: string, config: Record<string, unknown>): Record<string, unknown> {
  const declared = (parse(readFileSync(join(projectDir, "Pulumi.yaml"), "utf8")) as { config?: Record<string, { type?: string }> }).config ?? {};
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => {
      const type = declared[key]?.type;
      return [key, typeof value === "string" && (type === "array" || type === "boolean" || type === "integer") ? (JSON.parse(value) as unknown) : value];
    }),
  );
}

export function describeGeneratedOnEngine(cases: readonly (GeneratedStack & { index: number })[]): void {
  describe.each(cases.map((c) => ({ ...c, mode: c.config.mode })))("generated config #$index ($mode) on the real engine", ({ sample, config, index }) => {
    const stackName = `gen${index}`;
    const copies = new ProjectCopies();
    let project: PulumiProject;
    let org: OktaLocal;
    let stack: EngineStack;
    let untouched: ReturnType<typeof inventory>;

    beforeAll(async () => {
      project = new PulumiProject(copies, `generated-${index}`, (dir) =>
        writeFileSync(join(dir, `Pulumi.${stackName}.yaml`), stackFile(typedForCli(dir, { environment: config.environment, ...sample.config }))),
      );
      org = await startOrg(seedFor(config.environment));
      untouched = inventory(org.store.state);
      stack = await EngineStack.init(project, stackName, org);
    });
    afterAll(async () => {
      await org?.close();
      project?.dispose();
      copies.dispose();
    });

    it("previews clean, applies, and converges", async () => {
      // ALL_CLIENTS is valid and advisory by design: a config that asks for it gets the advisory, once per server.
      const expected = {
        advisories: config.access.policyClients === "all-clients" ? ["okta-access-policy-explicit-clients"] : [],
        // Adopting `default` replaces its audience; the program says so (components/defaultServer.ts).
        warnings: config.mode === "single" && config.authorizationServer === "default" ? [ADOPTING_DEFAULT_WARNING] : [],
      };
      const preview = await stack.preview();
      expectPolicyClean(preview.run, expected);
      expect(writes(preview.requests)).toEqual([]);
      const up = await stack.up();
      expectPolicyClean(up.run, expected);
      expect(failedRequests(up.requests)).toEqual([]);
      expect(resourceSummary(up.run)["create"]).toBe(resourceSummary(preview.run)["create"]);
      const again = await stack.preview(["--refresh", "--expect-no-changes"]);
      expect(writes(again.requests)).toEqual([]);
    });

    it("signs every seeded user in as the offline plan predicts", async () => {
      await expectSignInsAsPlanned(project.dir, stackName, await stack.outputs({ showSecrets: true }), {
        environment: config.environment,
        everyone: config.access.everyone,
        redirectUri: config.cliRedirectUris[0] ?? "",
        tokenEndpointAuthMethod: config.cloudUiTokenEndpointAuthMethod,
      });
    });

    it("destroys, leaving only what the docs list", async () => {
      if (config.protect) await project.pulumi(["state", "unprotect", "--all", "--yes", "--stack", stackName]);
      const destroyed = await stack.destroy();
      expect(failedRequests(destroyed.requests)).toEqual([]);
      expectOnlyRolesAttributeLeft(untouched, inventory(org.store.state), config.rolesAttribute ?? null);
    });
  });
}
