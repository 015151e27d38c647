/**
 * An example stack's life on the real engine, step by step, with local-apply
 * following it on a second org after each step: the CLI's calls and the
 * objects they leave must be local-apply's (./parity.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyStack, type ApplyResult } from "../../../tools/local-apply/index";
import type { OktaLocal } from "../../../tools/okta-local/index";
import { defaultServer, expectOnlyRolesAttributeLeft, inventory, seedFor, startOrg } from "../../e2e/support/harness";
import { ProjectCopies } from "../../support/projectCopy";
import { expectMemberSignsIn, expectSignInsAsPlanned, type SignInSetting } from "./checks";
import { callDifferences, orgSnapshot } from "./parity";
import { engine, PulumiProject } from "./pulumi";
import { EngineStack, expectPolicyClean, failedRequests, resourceSummary, writes, type Step } from "./stack";

/** The provider whose calls local-apply mirrors: the one `../shared/engine/build.sh` builds. */
export const MIRRORED_PROVIDER = "6.11.1-dev.82924e83";

export interface ExampleStack {
  stack: "local" | "dev" | "prod";
  /** `protect: true` in the stack file. */
  protected: boolean;
  /** Okta resources `pulumi up` creates, the stack resource and components included. */
  resources: number;
}

const CALLBACK = "http://localhost:8666/callback";

export function describeExampleOnEngine(example: ExampleStack): void {
  describe(`the ${example.stack} example stack on the real engine, local-apply beside it`, () => {
    const copies = new ProjectCopies();
    let project: PulumiProject;
    let real: OktaLocal;
    let mirror: OktaLocal;
    let stack: EngineStack;
    let untouched: ReturnType<typeof inventory>;
    let defaultBefore: Record<string, unknown>;
    const localState = { stateDir: "" };
    const signIn: SignInSetting = { environment: example.stack, everyone: false, redirectUri: CALLBACK };

    beforeAll(async () => {
      project = new PulumiProject(copies, example.stack);
      localState.stateDir = `${project.backendDir}/local-apply`;
      [real, mirror] = await Promise.all([startOrg(seedFor(example.stack)), startOrg(seedFor(example.stack))]);
      untouched = inventory(real.store.state);
      defaultBefore = structuredClone(defaultServer(real.store.state));
      stack = await EngineStack.init(project, example.stack, real);
    });
    afterAll(async () => {
      await Promise.all([real?.close(), mirror?.close()]);
      project?.dispose();
      copies.dispose();
    });

    /** local-apply on the mirror org, reading the same stack file the CLI just used. */
    function localApply(options: { destroy?: boolean; config?: Record<string, unknown> } = {}): Promise<{ result: ApplyResult; requests: ReturnType<OktaLocal["requests"]> }> {
      const before = mirror.requests().length;
      return applyStack({
        projectDir: project.dir,
        stack: example.stack,
        orgUrl: mirror.url,
        apiToken: mirror.apiToken,
        stateDir: localState.stateDir,
        log: () => undefined,
        ...options,
      }).then((result) => ({ result, requests: mirror.requests().slice(before) }));
    }

    /** The CLI's step and local-apply's sent the same calls and left the same objects. */
    function expectParity(step: Step, local: { requests: ReturnType<OktaLocal["requests"]> }): void {
      const differences = callDifferences(step.requests, local.requests);
      const objects = [orgSnapshot(real.store.state), orgSnapshot(mirror.store.state)] as const;
      if (engine().versions.provider !== MIRRORED_PROVIDER) {
        // Another provider (a user's official okta plugin): report, do not fail.
        console.warn(
          `local-apply mirrors okta ${MIRRORED_PROVIDER}; this engine runs okta ${engine().versions.provider}. ` +
            `Call differences (call: [real, local-apply]): ${JSON.stringify(differences)}; objects ${JSON.stringify(objects[0]) === JSON.stringify(objects[1]) ? "equal" : "differ"}`,
        );
        return;
      }
      expect(differences, step.run.command).toEqual({});
      expect(objects[0]).toEqual(objects[1]);
    }

    it("previews with the policy pack clean, and reads nothing it should not", async () => {
      const preview = await stack.preview();
      expectPolicyClean(preview.run);
      expect(resourceSummary(preview.run)).toEqual({ create: example.resources });
      expect(writes(preview.requests)).toEqual([]);
      expect(failedRequests(preview.requests)).toEqual([]);
    });

    it("creates the stack with the calls local-apply makes, leaving the same objects", async () => {
      const create = await stack.up(["--skip-preview"]);
      expectPolicyClean(create.run);
      expect(resourceSummary(create.run)).toEqual({ create: example.resources });
      expect(failedRequests(create.requests)).toEqual([]);
      expectParity(create, await localApply());
    });

    it("converges: a refreshed preview expects no changes", async () => {
      const preview = await stack.preview(["--refresh", "--expect-no-changes"]);
      expectPolicyClean(preview.run);
      expect(writes(preview.requests)).toEqual([]);
    });

    it("a refreshed up changes nothing, writes nothing, and reads what local-apply reads", async () => {
      const noop = await stack.up(["--refresh", "--skip-preview"]);
      expect(resourceSummary(noop.run)).toEqual({ unchanged: example.resources });
      expect(writes(noop.requests)).toEqual([]);
      expectParity(noop, await localApply());
    });

    it("signs every seeded user in through every app as the offline plan predicts", async () => {
      await expectSignInsAsPlanned(project.dir, example.stack, await stack.outputs({ showSecrets: true }), signIn);
    });

    it("keeps the Cloud UI's client secret a secret: masked in stack output, never in clear in the state", async () => {
      const [masked, revealed] = await Promise.all([stack.outputs(), stack.outputs({ showSecrets: true })]);
      const secret = (revealed["cloudUi"] as { clientSecret: string }).clientSecret;
      expect(secret.length).toBeGreaterThan(20);
      for (const key of ["cloudUi", "chartValues", "chartValuesYaml"]) expect({ key, value: masked[key] }).toEqual({ key, value: "[secret]" });
      expect(JSON.stringify(masked)).not.toContain(secret);
      expect(project.stateFileText(example.stack)).not.toContain(secret);
    });

    it("updates in place as local-apply does", async () => {
      // A lifetime (the rules) and the email claim's name (the claims): both update in place.
      await stack.configSet("stacklok-identity:accessTokenLifetimeMinutes", "45");
      await stack.configSet("stacklok-identity:claims.email.name", "mail", { path: true });
      const update = await stack.up(["--refresh", "--skip-preview"]);
      expectPolicyClean(update.run);
      expect(failedRequests(update.requests)).toEqual([]);
      const summary = resourceSummary(update.run);
      expect(summary["update"]).toBeGreaterThan(0);
      expect(summary["replace"]).toBeUndefined();
      expectParity(update, await localApply());
    });

    if (example.protected) {
      it("refuses a destroy as a whole while protected, with or without a preview: nothing deleted, everyone still signs in", async () => {
        for (const extra of [["--skip-preview"], []]) {
          const refused = await stack.destroy(extra, { check: false });
          expect(refused.run.code, refused.run.command).not.toBe(0);
          expect(refused.run.stdout).toMatch(/stacklok:identity:DestroyGuard::destroy-guard" cannot be deleted/);
          expect(writes(refused.requests), refused.run.command).toEqual([]);
        }
        await expectMemberSignsIn(await stack.outputs({ showSecrets: true }), signIn);
        await project.pulumi(["state", "unprotect", "--all", "--yes", "--stack", example.stack]);
        // local-apply has no `state unprotect`: an apply with protect off clears the same flags.
        await localApply({ config: { protect: false } });
      });
    }

    it("destroys with the calls local-apply makes, leaving exactly what the docs list", async () => {
      const destroyed = await stack.destroy(["--skip-preview"]);
      expect(failedRequests(destroyed.requests)).toEqual([]);
      expectParity(destroyed, await localApply({ destroy: true, ...(example.protected ? { config: { protect: false } } : {}) }));
      expectOnlyRolesAttributeLeft(untouched, inventory(real.store.state));
      expect(defaultServer(real.store.state)).toEqual(defaultBefore);
    });
  });
}
