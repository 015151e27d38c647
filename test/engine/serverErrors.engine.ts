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
import { expectOrgEqualsState, expectRecovered, faultKinds, faultStack, type FaultStack } from "./support/faults";
import { failedRequests, type Step } from "./support/stack";
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

/** An up that stopped: prints what the user saw, which must name the cause. */
function expectStoppedWith(up: Step, what: string, cause: RegExp): void {
  expect(up.run.code).not.toBe(0);
  const errors = errorLines(up);
  console.log(`what the user sees on ${what}:\n  ${errors.join("\n  ")}`);
  expect(errors.some((line) => cause.test(line)), errors.join("\n")).toBe(true);
}

/**
 * A stack on its own org with `faults` in force for its first up, then
 * `check`, with the org and project disposed of whatever happens.
 */
async function withFaultedUp(label: string, faults: FaultsFile, check: (fault: FaultStack, up: Step) => Promise<void>): Promise<void> {
  const fault = await faultStack(copies, label, "local", "https");
  try {
    fault.org.faults.set(faults);
    const up = await fault.stack.up(["--skip-preview"], { check: false });
    fault.org.faults.clear();
    console.log(`${label}: up ${up.run.code === 0 ? "finished" : "failed"}; faults met: ${JSON.stringify(faultKinds(up))}`);
    await check(fault, up);
  } finally {
    await fault.dispose();
  }
}

describe("5xx and dropped connections on the local stack", () => {
  it("502, 503 and 504 bursts, and added latency: the provider retries the 5xx and up finishes", () =>
    withFaultedUp(
      "5xx-retried",
      {
        faults: [
          { kind: "latency", ms: 300, route: "/api/v1/authorizationServers/**" },
          { kind: "server-error", status: 502, route: "POST /api/v1/authorizationServers", count: 2 },
          { kind: "server-error", status: 503, route: "POST /api/v1/apps", count: 1 },
          { kind: "server-error", status: 504, route: "PUT /api/v1/apps/*/groups/*", count: 2 },
        ],
      },
      async (fault, up) => {
        expect(up.run.code, up.run.stdout).toBe(0);
        const { latency, ...errors } = faultKinds(up);
        expect(errors).toEqual({ "server-error 502": 2, "server-error 503": 1, "server-error 504": 2 });
        expect(latency).toBeGreaterThan(10);
        expect(failedRequests(up.requests).map((r) => r.status).sort()).toEqual([502, 502, 503, 504, 504]);
        expect(await expectRecovered(fault)).toEqual([]);
      },
    ));

  it("a 500 is not retried: up stops with Okta's summary, the state matches the org, and the recovery converges", () =>
    withFaultedUp("500-stops", { faults: [{ kind: "server-error", status: 500, route: "POST /api/v1/authorizationServers/*/claims", count: 1 }] }, async (fault, up) => {
      expectStoppedWith(up, "a 500", /Internal Server Error, x-okta-request-id=/);
      expect(up.requests.filter((r) => r.status === 500)).toHaveLength(1);
      // Failed, with nothing half-made: no pending operation, no object the state misses.
      expectOrgEqualsState(await fault.stack.export(), fault.org.store.state, "local");
      expect(await expectRecovered(fault)).toEqual([]);
    }));

  it("a dropped app create: the provider sends it again and up finishes with a second app, which the doctor deletes", () =>
    withFaultedUp("drop-app", { faults: [{ kind: "drop", route: "POST /api/v1/apps", count: 1 }] }, async (fault, up) => {
      expect(up.run.code, up.run.stdout).toBe(0);
      expect(faultKinds(up)).toEqual({ drop: 1 });
      const labels = Object.values(fault.org.store.state.apps).map((a) => String(a["label"]));
      expect(labels.filter((label, i) => labels.indexOf(label) !== i)).toHaveLength(1);
      expect((await expectRecovered(fault)).filter((line) => line.startsWith("deleted the duplicate app"))).toHaveLength(1);
    }));

  it("a dropped server create: the retry is refused by name, up fails, and the doctor imports the server", () =>
    withFaultedUp("drop-server", { faults: [{ kind: "drop", route: "POST /api/v1/authorizationServers", count: 1 }] }, async (fault, up) => {
      expectStoppedWith(up, "a dropped server create", /An object with this field already exists/);
      expect((await expectRecovered(fault)).some((line) => line.startsWith("pulumi import --file"))).toBe(true);
    }));
});
