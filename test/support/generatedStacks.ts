/**
 * A handful of valid configs drawn from the property suite's arbitraries with
 * a fixed seed, two per mode, that a fresh okta-local org can take: the same
 * sample for the end-to-end suite (local-apply) and the engine suite (the
 * real CLI and provider).
 */
import fc from "fast-check";
import type { StacklokIdentityConfig } from "../../components/config";
import { resolveSample, validConfigArb, type ConfigSample } from "./arbitraries";

export interface GeneratedStack {
  sample: ConfigSample;
  config: StacklokIdentityConfig;
}

const SEED = 20261130;
const PER_MODE = 2;

/**
 * Samples an org without anything else in it can take: the arbitraries also
 * draw ids of pre-existing groups and sign-on policies (`accessGroupIds`,
 * `authenticationPolicyId`), which a fresh okta-local org does not have, and
 * single-mode audiences that the one-audience rule refuses.
 */
function applicable(sample: ConfigSample, config: StacklokIdentityConfig): boolean {
  if (config.access.groupIds.length > 0 || config.authenticationPolicyId !== undefined) return false;
  if (config.mode === "single" && sample.config["audiences"] !== undefined) return false;
  return true;
}

export function generatedStacks(): GeneratedStack[] {
  const chosen: GeneratedStack[] = [];
  const count = { single: 0, "per-component": 0 };
  for (const sample of fc.sample(validConfigArb, { seed: SEED, numRuns: 500 })) {
    const config = resolveSample(sample);
    if (!applicable(sample, config) || count[config.mode] >= PER_MODE) continue;
    count[config.mode]++;
    chosen.push({ sample, config });
  }
  return chosen;
}

