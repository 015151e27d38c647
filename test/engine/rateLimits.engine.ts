/**
 * A 429 storm with the real engine, the provider reaching okta-local as it
 * reaches a real org (./support/httpsFront.ts: its retrying client and
 * rate-limit governor in the path). The dev and prod example stacks, with
 * their stack files' `okta:maxApiCapacity`, `okta:backoff` and
 * `okta:maxRetries` and the provider's waits scaled down (1 s to 10 s instead
 * of 30 s to 300 s), meet Okta's Integrator Free buckets on a 2 s window and,
 * from their first write, 8 s in which every route answers 429. `pulumi up`
 * finishes, each 429 retried, and a preview then expects no changes.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ProjectCopies } from "../support/projectCopy";
import { expectNothingLost, expectOrgEqualsState, faultKinds, faultStack, stormAtFirstWrite, throttled } from "./support/faults";
import { expectPolicyClean, failedRequests, writes } from "./support/stack";

const copies = new ProjectCopies();
afterAll(() => copies.dispose());

/** Okta's buckets for the Integrator Free Plan, per 2 s instead of per minute: the waits are scaled by about 1/30 too. */
export const STORM_BUCKETS = { window: 2, rateLimits: "integrator-free" } as const;
export const STORM_SECONDS = 8;

describe.each(["dev", "prod"] as const)("the %s example stack through a 429 storm", (name) => {
  it("finishes pulumi up with every 429 retried, then a preview expects no changes", async () => {
    const fault = await faultStack(copies, `storm-${name}`, name, "https");
    try {
      const lift = stormAtFirstWrite(fault.org, STORM_BUCKETS, STORM_SECONDS);
      const began = Date.now();
      const up = await fault.stack.up(["--skip-preview"]).finally(lift);
      const seconds = (Date.now() - began) / 1000;
      expectPolicyClean(up.run);
      // The storm was met: many 429s, each retried; nothing else failed.
      expect(throttled(up)).toBeGreaterThanOrEqual(10);
      expect(failedRequests(up.requests).filter((r) => r.status !== 429)).toEqual([]);
      expect(Object.keys(faultKinds(up))).toEqual(["rate-limit"]);
      console.log(`${name}: pulumi up through the storm: ${seconds.toFixed(1)} s, ${up.requests.length} requests, ${throttled(up)} answered 429 and retried, ${writes(up.requests).length} writes`);

      const preview = await fault.stack.preview(["--expect-no-changes"]);
      expect(writes(preview.requests)).toEqual([]);
      expectOrgEqualsState(await fault.stack.export(), fault.org.store.state, name);
      expectNothingLost(fault.before, fault.org.store.state);
    } finally {
      await fault.dispose();
    }
  });
});
