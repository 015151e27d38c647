/**
 * A 429 storm with the real engine, the provider reaching okta-local as it
 * reaches a real org (./support/httpsFront.ts: its retrying client and
 * rate-limit governor in the path). The dev and prod example stacks, with
 * their stack files' `okta:maxApiCapacity`, `okta:backoff` and
 * `okta:maxRetries` and the provider's waits scaled down (1 s to 10 s instead
 * of 30 s to 300 s), meet Okta's Integrator Free buckets on a 2 s window and,
 * from their first write, 8 s in which every route answers 429. `pulumi up`
 * finishes, each 429 retried, and a preview then expects no changes. And a
 * bucket that stays spent: the provider gives up, and the next up converges.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ProjectCopies } from "../support/projectCopy";
import { expectNothingLost, expectOrgEqualsState, expectRecovered, faultKinds, faultStack, stormAtFirstWrite, STORM_BUCKETS, STORM_SECONDS, throttled } from "./support/faults";
import { expectPolicyClean, failedRequests, writes } from "./support/stack";

const copies = new ProjectCopies();
afterAll(() => copies.dispose());

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

describe("a bucket that stays spent", () => {
  it("makes up give up after maxRetries retries with Okta's summary; the state matches the org and the next up converges", async () => {
    const fault = await faultStack(copies, "spent", "local", "https");
    try {
      fault.org.faults.set({ faults: [{ kind: "rate-limit", route: "POST /api/v1/authorizationServers" }] });
      const up = await fault.stack.up(["--skip-preview"], { check: false });
      fault.org.faults.clear();
      console.log(`spent: up ${up.run.code === 0 ? "finished" : "failed"}; faults met: ${JSON.stringify(faultKinds(up))}`);
      expect(up.run.code).not.toBe(0);
      const gaveUp = up.run.stdout.split("\n").filter((line) => /giving up after/.test(line));
      console.log(`what the user sees when a bucket stays spent:\n  ${gaveUp.map((line) => line.trim()).join("\n  ")}`);
      expect(gaveUp.some((line) => /failed to create authorization server: Post "https:\/\/okta-local\.example\.com\/api\/v1\/authorizationServers": the API returned an error: API call exceeded rate limit due to too many requests\., giving up after 6 attempt\(s\)/.test(line))).toBe(true);
      // Two server creates, each sent 1 + okta:maxRetries (5) times.
      expect(up.requests.filter((r) => r.method === "POST" && r.path === "/api/v1/authorizationServers").map((r) => r.status)).toEqual(Array<number>(12).fill(429));
      expectOrgEqualsState(await fault.stack.export(), fault.org.store.state, "local");

      expect(await expectRecovered(fault)).toEqual([]);
    } finally {
      await fault.dispose();
    }
  });
});
