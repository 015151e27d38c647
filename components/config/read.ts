/** Reads this stack's config through Pulumi. */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";
import { parseStackConfig } from "./parse";
import { CONFIG_NAMESPACE } from "./schema";
import type { StacklokIdentityConfig } from "./types";

/** Reads this stack's config through Pulumi and validates it; throws ConfigError. */
export function readStackConfig(): StacklokIdentityConfig {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    raw[key] = value;
    if (isConfigSecret(fullKey)) secretKeys.add(key);
  }
  const result = parseStackConfig(raw, { stack: pulumi.getStack(), secretKeys });
  if (!result.ok) throw new ConfigError(result.problems);
  return result.config;
}

/**
 * Whether the engine marked a key secret, so its value is never echoed in an
 * error. The SDK exports this at run time without declaring it in its types.
 */
function isConfigSecret(fullKey: string): boolean {
  const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (key: string) => boolean };
  return runtime.isConfigSecret?.(fullKey) ?? false;
}
