/**
 * The HTTP side of the emulated Okta provider: Okta's management API with
 * `Authorization: SSWS <token>` (https://developer.okta.com/docs/guides/create-an-api-token/),
 * errors in Okta's shape (`errorCode`, `errorSummary`, `errorCauses`), the
 * provider's retries of 429, 5xx (not 500) and dropped connections
 * (./retry.ts), and a log of every request this run made, retries included,
 * so callers can count writes.
 */
import { backoffMs, isRetried, PROVIDER_RETRY_DEFAULTS, type RetrySettings } from "./retry";
import { setTimeout as delay } from "node:timers/promises";

export interface RequestRecord {
  method: string;
  /** Path and query, as sent. */
  path: string;
  /** The answer's status; 0 when none came (the connection failed or was dropped). */
  status: number;
}

/** Okta's error body: https://developer.okta.com/docs/reference/error-codes/ */
interface OktaErrorBody {
  errorCode?: string;
  errorSummary?: string;
  errorCauses?: { errorSummary?: string }[];
}

/** A non-2xx answer from the org, carrying Okta's error fields when the body had them. */
export class OktaApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly errorCode: string | undefined,
    readonly errorSummary: string | undefined,
    readonly errorCauses: string[],
  ) {
    // The provider's SDKs print "the API returned an error: <summary>. Causes: errorSummary: <cause>".
    const causes = errorCauses.length > 0 ? `. Causes: ${errorCauses.map((c) => `errorSummary: ${c}`).join(", ")}` : "";
    super(
      `${method} ${path}: HTTP ${status}` +
        (errorSummary === undefined ? "" : `, the API returned an error: ${errorSummary}${causes}`) +
        (errorCode === undefined ? "" : ` (${errorCode})`),
    );
    this.name = "OktaApiError";
  }
}

/** A request that got no answer (connection refused, reset or dropped), after the provider's retries. */
export class OktaTransportError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    cause: unknown,
    attempts: number,
  ) {
    super(`${method} ${path}: ${describeCause(cause)}, giving up after ${attempts} attempt(s)`);
    this.name = "OktaTransportError";
  }
}

function describeCause(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

export interface OktaResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

export type Json = Record<string, unknown>;

/**
 * One API client per apply. Requests go straight to the org URL (the real
 * provider, pointed at okta-local through `okta:httpProxy`, sends the same
 * paths in proxy form).
 */
export class OktaHttp {
  readonly requests: RequestRecord[] = [];
  private readonly origin: string;

  constructor(
    orgUrl: string,
    private readonly apiToken: string,
    /** `SSWS` for an API token; `Bearer` for an OAuth access token (the provider's `access_token`). */
    private readonly scheme: "SSWS" | "Bearer" = "SSWS",
    /** The provider's `okta:minWaitSeconds`, `okta:maxWaitSeconds`, `okta:maxRetries` (./retry.ts). */
    private readonly retry: RetrySettings = PROVIDER_RETRY_DEFAULTS,
    /** Waits between attempts; tests may pass their own. */
    private readonly sleep: (ms: number) => Promise<void> = (ms) => delay(ms),
  ) {
    this.origin = new URL(orgUrl).origin;
  }

  /** Sends one request; throws OktaApiError for any status outside 2xx. */
  async send<T = Json>(method: string, path: string, body?: unknown): Promise<OktaResponse<T>> {
    const { response, attempts } = await this.withRetries(method, path, body);
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === "" ? undefined : (JSON.parse(text) as unknown);
    } catch {
      if (response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} with a body that is not JSON`);
      parsed = undefined;
    }
    if (response.status < 200 || response.status > 299) {
      const error = (parsed && typeof parsed === "object" ? parsed : {}) as OktaErrorBody;
      // A retried status that is still failing: the provider's errHandler adds the attempts to Okta's summary.
      const gaveUp = isRetried(response.status) ? `, giving up after ${attempts} attempt(s)` : "";
      throw new OktaApiError(
        method,
        path,
        response.status,
        error.errorCode,
        error.errorSummary === undefined ? (gaveUp === "" ? undefined : `HTTP ${response.status}${gaveUp}`) : `${error.errorSummary}${gaveUp}`,
        (error.errorCauses ?? []).map((cause) => cause.errorSummary ?? "").filter((s) => s !== ""),
      );
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** A GET that answers undefined on 404, as the provider's reads do when the object is gone. */
  async getOrUndefined<T = Json>(path: string): Promise<T | undefined> {
    try {
      return (await this.send<T>("GET", path)).body;
    } catch (err) {
      if (err instanceof OktaApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** A write whose 404 the provider suppresses (utils.SuppressErrorOn404). */
  async sendIgnoring404(method: string, path: string, body?: unknown): Promise<void> {
    try {
      await this.send(method, path, body);
    } catch (err) {
      if (err instanceof OktaApiError && err.status === 404) return;
      throw err;
    }
  }

  /**
   * Every page of a list, following `Link: <…>; rel="next"` as the v2 SDK
   * does (https://developer.okta.com/docs/api/#pagination).
   */
  async list<T = Json>(path: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    while (next !== undefined) {
      const page: OktaResponse<T[]> = await this.send<T[]>("GET", next);
      items.push(...(page.body ?? []));
      next = nextLink(page.headers.get("link"), this.origin);
    }
    return items;
  }

  /** One call as the provider's retrying client makes it: attempts until an answer is not retried or the retries are spent. */
  private async withRetries(method: string, path: string, body?: unknown): Promise<{ response: Response; attempts: number }> {
    for (let retry = 0; ; retry++) {
      let response: Response | undefined;
      try {
        response = await this.raw(method, path, body);
      } catch (error) {
        this.requests.push({ method, path, status: 0 });
        if (retry >= this.retry.maxRetries) throw new OktaTransportError(method, path, error, retry + 1);
      }
      if (response !== undefined && (!isRetried(response.status) || retry >= this.retry.maxRetries)) return { response, attempts: retry + 1 };
      // The answer is dropped unread, as go-retryablehttp drains it.
      await response?.body?.cancel();
      await this.sleep(backoffMs(this.retry, retry, response));
    }
  }

  private async raw(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: "application/json",
      Authorization: `${this.scheme} ${this.apiToken}`,
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(this.origin + path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    this.requests.push({ method, path, status: response.status });
    return response;
  }
}

/** The `rel="next"` target of a Link header, as a path on the org. */
export function nextLink(header: string | null, origin: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (match?.[1]) {
      const url = new URL(match[1], origin);
      return url.pathname + url.search;
    }
  }
  return undefined;
}

/** Whether a method changes the org. */
export function isWrite(method: string): boolean {
  return method !== "GET" && method !== "HEAD" && method !== "OPTIONS";
}
