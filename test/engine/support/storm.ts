/**
 * The 429 storm of the fault suite and `npm run bench:faults`, scaled down
 * from Okta's minute: the provider's waits (`okta:minWaitSeconds` 30 s,
 * `okta:maxWaitSeconds` 300 s by default) become 1 s and 10 s, and Okta's
 * per-minute buckets (the Integrator Free Plan's, the lowest) count per 2 s.
 * On top of them, from the up's first write, every route answers 429 for
 * 8 s, as when another client has spent the buckets.
 */
import type { FaultsFile, OktaLocal } from "../../../tools/okta-local/index";

/** What every fault run sets over the stack file's settings (0 would be ignored: the provider reads them with GetOk). */
export const SHORT_WAITS = { "okta:minWaitSeconds": "1", "okta:maxWaitSeconds": "10" } as const;

export const STORM_BUCKETS = { window: 2, rateLimits: "integrator-free" } as const satisfies FaultsFile;
export const STORM_SECONDS = 8;

/**
 * A 429 storm on every route for `seconds`, from the moment the org commits
 * the up's first write (when the provider has resources in flight), over
 * `base` (e.g. enforced buckets). Lifted by a timer, as a client that spent
 * the buckets stops; returns its removal.
 */
export function stormAtFirstWrite(org: OktaLocal, base: FaultsFile, seconds: number): () => void {
  org.faults.set(base);
  let timer: NodeJS.Timeout | undefined;
  const stop = org.onWriteCommitted(() => {
    stop();
    org.faults.set({ ...base, faults: [...(base.faults ?? []), { kind: "rate-limit", route: "*" }] });
    timer = setTimeout(() => org.faults.set(base), seconds * 1000);
  });
  return () => {
    stop();
    if (timer) clearTimeout(timer);
  };
}
