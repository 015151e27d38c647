/**
 * The provider's retries of a failed HTTP request, as it runs against a real
 * org (`okta:httpProxy` unset): every SDK's client is go-retryablehttp's,
 * configured by terraform-provider-okta `okta/api/api.go` and
 * `okta/api/idaas.go` (`retryablehttp.NewClient()`, `RetryWaitMin` =
 * `okta:minWaitSeconds`, `RetryWaitMax` = `okta:maxWaitSeconds`, `RetryMax` =
 * `okta:maxRetries`, `CheckRetry` = `checkRetry`, `ErrorHandler` =
 * `errHandler`), with go-retryablehttp v0.7.8's `DefaultRetryPolicy` and
 * `DefaultBackoff` (`client.go`):
 *
 * - retried: a transport error (no answer: refused, reset, dropped), whatever
 *   the method; HTTP 429; any 5xx but 500 (`checkRetry`: "don't retry on
 *   internal server errors") and 501;
 * - the wait before retry i (from 0): `Retry-After` seconds when a 429 or 503
 *   carries one, else min·2^i, capped at the maximum;
 * - at most `maxRetries` retries; then the call fails with Okta's summary and
 *   ", giving up after N attempt(s)" (`errHandler`).
 *
 * The settings are read as the provider reads them, with `GetOk`
 * (`okta/config/config.go`): a zero value counts as unset, so `backoff:
 * false`, `minWaitSeconds: 0` and `maxRetries: 0` leave the defaults
 * (backoff on, 30 s, 5). With `okta:httpProxy`, which local-apply never
 * uses, the real provider's SDKs drop this client (docs/okta-local.md).
 */

export interface RetrySettings {
  minWaitSeconds: number;
  maxWaitSeconds: number;
  maxRetries: number;
}

/** terraform-provider-okta `okta/config/config.go` defaults. */
export const PROVIDER_RETRY_DEFAULTS: RetrySettings = { minWaitSeconds: 30, maxWaitSeconds: 300, maxRetries: 5 };

export class RetrySettingsError extends Error {}

const SETTINGS = {
  minWaitSeconds: "okta:minWaitSeconds",
  maxWaitSeconds: "okta:maxWaitSeconds",
  maxRetries: "okta:maxRetries",
} as const satisfies Record<keyof RetrySettings, string>;

/** The provider's retry settings from stack config (engine strings); zero or unset takes the default. */
export function retrySettings(config: Readonly<Record<string, string>>): RetrySettings {
  const settings = { ...PROVIDER_RETRY_DEFAULTS };
  for (const [field, key] of Object.entries(SETTINGS) as [keyof RetrySettings, string][]) {
    const raw = config[key];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (raw.trim() === "" || !Number.isInteger(value) || value < 0) {
      throw new RetrySettingsError(`${key}: got ${JSON.stringify(raw)}; expected a whole number of ${field === "maxRetries" ? "retries" : "seconds"}, 0 or more`);
    }
    if (field === "maxRetries" && value > 100) throw new RetrySettingsError(`${key}: got ${raw}; the provider accepts at most 100`);
    if (value !== 0) settings[field] = value;
  }
  return settings;
}

/** Whether the provider retries an answer with this status (undefined: no answer at all). */
export function isRetried(status: number | undefined): boolean {
  if (status === undefined || status === 0) return true;
  if (status === 429) return true;
  return status >= 500 && status !== 500 && status !== 501;
}

/** `Retry-After` as seconds (RFC 9110 §10.2.3: a number of seconds or an HTTP date). */
function retryAfterSeconds(header: string | null, now: number): number | undefined {
  if (header === null || header === "") return undefined;
  if (/^\d+$/.test(header)) return Number(header);
  const date = Date.parse(header);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - now) / 1000);
}

/** The wait in milliseconds before retry `retry` (0 for the first), as go-retryablehttp's DefaultBackoff computes it. */
export function backoffMs(settings: RetrySettings, retry: number, answer?: { status: number; headers: Headers }, now = Date.now()): number {
  if (answer && (answer.status === 429 || answer.status === 503)) {
    const after = retryAfterSeconds(answer.headers.get("retry-after"), now);
    if (after !== undefined) return after * 1000;
  }
  return Math.min(settings.minWaitSeconds * 2 ** retry, settings.maxWaitSeconds) * 1000;
}
