/**
 * 5xx answers and dropped connections with the real engine, the provider
 * reaching okta-local as it reaches a real org (./support/httpsFront.ts), on
 * the `local` stack (per-component, as prod). `pulumi up` either finishes or
 * fails with a state that matches the org; the documented recovery
 * (`npm run doctor -- --fix`, then `pulumi up`) then converges: a preview
 * expects no changes, and no app, group or server is there twice.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ProjectCopies } from "../support/projectCopy";
import { expectNothingLost, expectOrgEqualsState, faultKinds, faultStack, recover, type FaultStack } from "./support/faults";
import { failedRequests, writes, type Step } from "./support/stack";
import type { FaultsFile } from "../../tools/okta-local/index";

const copies = new ProjectCopies();
afterAll(() => copies.dispose());

/** The error lines `pulumi up` printed for failed resources, as a user reads them. */
function errorLines(step: Step): string[] {
  return step.run.stdout
    .split("\n")
    .filter((line) => /^\s+error: /.test(line) && !/error: update failed/.test(line))
    .map((line) => line.trim())
    .filter((line, index, all) => all.indexOf(line) === index);
}

/** A stack on its own org with `faults` in force for its first up. */
async function faultedUp(label: string, faults: FaultsFile): Promise<{ fault: FaultStack; up: Step }> {
  const fault = await faultStack(copies, label, "local", "https");
  fault.org.faults.set(faults);
  const up = await fault.stack.up(["--skip-preview"], { check: false });
  fault.org.faults.clear();
  console.log(`${label}: up ${up.run.code === 0 ? "finished" : "failed"}; faults met: ${JSON.stringify(faultKinds(up))}`);
  return { fault, up };
}

/** After the recovery: a preview expects no changes, the org equals the state, nothing earlier changed. */
async function expectConverged(fault: FaultStack): Promise<void> {
  const preview = await fault.stack.preview(["--expect-no-changes"]);
  expect(writes(preview.requests)).toEqual([]);
  expectOrgEqualsState(await fault.stack.export(), fault.org.store.state, "local");
  expectNothingLost(fault.before, fault.org.store.state);
}

describe("5xx and dropped connections on the local stack", () => {
  it("502, 503 and 504 bursts, and added latency: the provider retries the 5xx and up finishes", async () => {
    const { fault, up } = await faultedUp("5xx-retried", {
      faults: [
        { kind: "latency", ms: 300, route: "/api/v1/authorizationServers/**" },
        { kind: "server-error", status: 502, route: "POST /api/v1/authorizationServers", count: 2 },
        { kind: "server-error", status: 503, route: "POST /api/v1/apps", count: 1 },
        { kind: "server-error", status: 504, route: "PUT /api/v1/apps/*/groups/*", count: 2 },
      ],
    });
    try {
      expect(up.run.code, up.run.stdout).toBe(0);
      const { latency, ...errors } = faultKinds(up);
      expect(errors).toEqual({ "server-error 502": 2, "server-error 503": 1, "server-error 504": 2 });
      expect(latency).toBeGreaterThan(10);
      expect(failedRequests(up.requests).map((r) => r.status).sort()).toEqual([502, 502, 503, 504, 504]);
      await expectConverged(fault);
    } finally {
      await fault.dispose();
    }
  });

  it("a 500 is not retried: up stops with Okta's summary, the state matches the org, and the recovery converges", async () => {
    const { fault, up } = await faultedUp("500-stops", { faults: [{ kind: "server-error", status: 500, route: "POST /api/v1/authorizationServers/*/claims", count: 1 }] });
    try {
      expect(up.run.code).not.toBe(0);
      const errors = errorLines(up);
      console.log(`what the user sees on a 500:\n  ${errors.join("\n  ")}`);
      expect(errors.some((line) => /Internal Server Error, x-okta-request-id=/.test(line))).toBe(true);
      expect(up.requests.filter((r) => r.status === 500)).toHaveLength(1);
      // Failed, with nothing half-made: no pending operation, no object the state misses.
      expectOrgEqualsState(await fault.stack.export(), fault.org.store.state, "local");
      const recovery = await recover(fault);
      expect(recovery.report.findings).toEqual([]);
      expect(recovery.report.fixed).toEqual([]);
      await expectConverged(fault);
    } finally {
      await fault.dispose();
    }
  });

  it("a dropped app create: the provider sends it again and up finishes with a second app, which the doctor deletes", async () => {
    const { fault, up } = await faultedUp("drop-app", { faults: [{ kind: "drop", route: "POST /api/v1/apps", count: 1 }] });
    try {
      expect(up.run.code, up.run.stdout).toBe(0);
      expect(faultKinds(up)).toEqual({ drop: 1 });
      const labels = Object.values(fault.org.store.state.apps).map((a) => String(a["label"]));
      expect(labels.filter((label, i) => labels.indexOf(label) !== i)).toHaveLength(1);
      const recovery = await recover(fault);
      expect(recovery.report.findings).toEqual([]);
      expect(recovery.report.fixed.filter((line) => line.startsWith("deleted the duplicate app"))).toHaveLength(1);
      await expectConverged(fault);
    } finally {
      await fault.dispose();
    }
  });

  it("a dropped server create: the retry is refused by name, up fails, and the doctor imports the server", async () => {
    const { fault, up } = await faultedUp("drop-server", { faults: [{ kind: "drop", route: "POST /api/v1/authorizationServers", count: 1 }] });
    try {
      expect(up.run.code).not.toBe(0);
      const errors = errorLines(up);
      console.log(`what the user sees on a dropped server create:\n  ${errors.join("\n  ")}`);
      expect(errors.some((line) => /E0000001|already exists/.test(line))).toBe(true);
      const recovery = await recover(fault);
      expect(recovery.report.findings).toEqual([]);
      expect(recovery.report.fixed.some((line) => line.startsWith("pulumi import --file"))).toBe(true);
      await expectConverged(fault);
    } finally {
      await fault.dispose();
    }
  });
});
