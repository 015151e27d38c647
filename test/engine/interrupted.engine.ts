/**
 * An interrupted `pulumi up`, with the real CLI, language host and provider:
 * killed right after okta-local commits a chosen write, with its whole
 * process group or the CLI alone (its plugins run on), then recovered as
 * docs/operations.md says (`npm run doctor -- --fix`, then `pulumi up`). After
 * each: the org equals the state (no duplicate app label, group name or
 * server name; everything in the state exists), no object carries the
 * stack's marker without being in the state, another team's objects are as
 * they were, and the seeded member signs in through both apps with the
 * verdicts the plan gives. CI runs a fixed sample; `KILL_POINTS=all` runs
 * every k on `local` both ways (./support/killPoints.ts).
 */
import { afterAll, describe, expect, it } from "vitest";
import { ProjectCopies } from "../support/projectCopy";
import { expectSignInsAsPlanned } from "./support/checks";
import { CALLBACK, describePoint, expectNothingLost, expectOrgEqualsState, faultStack, recover, upKilledAt } from "./support/faults";
import { killPointsFrom } from "./support/killPoints";

const copies = new ProjectCopies();
afterAll(() => copies.dispose());

const points = killPointsFrom(process.env["KILL_POINTS"]);
const held: string[] = [];
afterAll(() => console.log(`kill points held: ${held.length} of ${points.length}\n${held.map((line) => `  ${line}`).join("\n")}`));

describe("an up killed at a committed write, recovered by the doctor and pulumi up", () => {
  it.each(points.map((point, index) => [describePoint(point), point, index] as const))("%s", async (_name, point, index) => {
    const fault = await faultStack(copies, `kill-${index}`, point.stack, "proxy");
    let killed: Awaited<ReturnType<typeof upKilledAt>> | undefined;
    try {
      killed = await upKilledAt(fault.stack, fault.org, point);
      expect(killed.write, "the up reached the kill point").toBeDefined();
      expect(killed.run.signal ?? killed.run.code).toBe("SIGKILL");
      // The whole tree died at once; a CLI killed alone left its plugins running.
      if (point.way === "group") expect(killed.pluginsRanOn).toBe(0);
      else expect(killed.pluginsRanOn).toBeGreaterThan(0);

      const recovery = await recover(fault);
      expect(recovery.report.findings, `the doctor's --fix left findings: ${recovery.doctor.stderr}`).toEqual([]);
      // The plugins still running are the doctor's to end, before it reads the org.
      const ended = recovery.report.fixed.filter((line) => line.startsWith("ended "));
      expect(ended).toEqual(killed.pluginsRanOn > 0 ? [expect.stringMatching(new RegExp(`^ended ${killed.pluginsRanOn} Pulumi plugin\\(s\\) a killed CLI left running`))] : []);

      const exported = await fault.stack.export();
      const resources = expectOrgEqualsState(exported, fault.org.store.state, point.stack);
      const kept = expectNothingLost(fault.before, fault.org.store.state);
      await expectSignInsAsPlanned(fault.project.dir, point.stack, await fault.stack.outputs({ showSecrets: true }), { environment: point.stack, everyone: false, redirectUri: CALLBACK });
      held.push(
        `${describePoint(point)}: killed after write ${killed.write?.k ?? "?"} ${killed.write?.method ?? ""} ${killed.write?.path ?? ""}; ` +
          `${killed.writesAfter.length} write(s) after the kill, ${killed.pluginsRanOn} plugin(s) still running; doctor fixed ${recovery.report.fixed.length} thing(s); ${resources} resources held, ${kept} earlier objects unchanged`,
      );
    } finally {
      killed?.endPlugins();
      await fault.dispose();
    }
  });
});
