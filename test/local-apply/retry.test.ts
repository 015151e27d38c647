/**
 * local-apply meets 429s, 5xx and dropped connections as the provider does
 * against a real org (go-retryablehttp as terraform-provider-okta configures
 * it; tools/local-apply/retry.ts), held against okta-local's faults: which
 * answers are retried, how long it waits, when it gives up and with which
 * message, and whole applies of the dev example stack through a storm.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OktaType } from "../../components/facts";
import { applyStack, ApplyFailedError } from "../../tools/local-apply";
import { OktaApiError, OktaHttp, OktaTransportError } from "../../tools/local-apply/http";
import { backoffMs, isRetried, PROVIDER_RETRY_DEFAULTS, retrySettings, RetrySettingsError, type RetrySettings } from "../../tools/local-apply/retry";
import { start, type FaultsFile, type OktaLocal } from "../../tools/okta-local";

const projectDir = resolve(__dirname, "..", "..");

describe("the provider's retry settings, read as its GetOk reads them", () => {
  it("takes the provider's defaults when unset, and when set to zero", () => {
    expect(retrySettings({})).toEqual({ minWaitSeconds: 30, maxWaitSeconds: 300, maxRetries: 5 });
    expect(retrySettings({ "okta:minWaitSeconds": "0", "okta:maxRetries": "0" })).toEqual(PROVIDER_RETRY_DEFAULTS);
    expect(retrySettings({ "okta:minWaitSeconds": "1", "okta:maxWaitSeconds": "4", "okta:maxRetries": "2" })).toEqual({ minWaitSeconds: 1, maxWaitSeconds: 4, maxRetries: 2 });
  });

  it("refuses a value that is not a whole number, naming the key and the value", () => {
    expect(() => retrySettings({ "okta:minWaitSeconds": "1.5" })).toThrow(RetrySettingsError);
    expect(() => retrySettings({ "okta:minWaitSeconds": "soon" })).toThrow(/okta:minWaitSeconds: got "soon"; expected a whole number of seconds/);
    expect(() => retrySettings({ "okta:maxRetries": "101" })).toThrow(/okta:maxRetries: got 101; the provider accepts at most 100/);
  });
});

describe("what is retried, and the waits", () => {
  it("retries no answer, 429 and every 5xx but 500 and 501", () => {
    const table = [undefined, 200, 400, 404, 409, 429, 500, 501, 502, 503, 504].map((status) => [status ?? "none", isRetried(status)]);
    expect(table).toEqual([
      ["none", true],
      [200, false],
      [400, false],
      [404, false],
      [409, false],
      [429, true],
      [500, false],
      [501, false],
      [502, true],
      [503, true],
      [504, true],
    ]);
  });

  it("waits min·2^retry capped at the maximum, or Retry-After on a 429 or 503", () => {
    const settings = { minWaitSeconds: 30, maxWaitSeconds: 300, maxRetries: 5 };
    expect([0, 1, 2, 3, 4].map((retry) => backoffMs(settings, retry) / 1000)).toEqual([30, 60, 120, 240, 300]);
    const answer = (status: number, retryAfter: string) => ({ status, headers: new Headers({ "retry-after": retryAfter }) });
    expect(backoffMs(settings, 3, answer(429, "7"))).toBe(7000);
    expect(backoffMs(settings, 0, answer(503, new Date(Date.UTC(2030, 0, 1, 0, 0, 12)).toUTCString()), Date.UTC(2030, 0, 1))).toBe(12_000);
    // Only 429 and 503 carry a wait the client honours.
    expect(backoffMs(settings, 0, answer(502, "7"))).toBe(30_000);
  });
});

describe("OktaHttp against okta-local's faults", () => {
  let org: OktaLocal | undefined;
  afterEach(async () => {
    await org?.close();
    org = undefined;
  });

  /** A client whose waits are recorded instead of slept. */
  async function client(faults: FaultsFile, settings: RetrySettings = { minWaitSeconds: 1, maxWaitSeconds: 4, maxRetries: 5 }) {
    org = await start({ quiet: true, faults });
    const waits: number[] = [];
    const http = new OktaHttp(org.url, org.apiToken, "SSWS", settings, (ms) => {
      waits.push(ms);
      return Promise.resolve();
    });
    return { http, waits, org };
  }

  it("rides out 429s and 502/503/504 bursts, waiting 1, 2, 4, 4 s between attempts", async () => {
    const { http, waits, org: okta } = await client({
      faults: [
        { kind: "rate-limit", route: "POST /api/v1/groups", count: 2 },
        { kind: "server-error", status: 502, route: "POST /api/v1/groups", after: 2, count: 1 },
        { kind: "server-error", status: 504, route: "POST /api/v1/groups", after: 3, count: 1 },
      ],
    });
    const created = await http.send("POST", "/api/v1/groups", { profile: { name: "retried" } });
    expect(created.status).toBe(200);
    expect(okta.requests().map((r) => r.status)).toEqual([429, 429, 502, 504, 200]);
    expect(waits).toEqual([1000, 2000, 4000, 4000]);
    expect(Object.values(okta.store.state.groups).filter((g) => (g["profile"] as { name: string }).name === "retried")).toHaveLength(1);
    const faulted = okta.requests().flatMap((r) => r.faults ?? []);
    expect(faulted.map((f) => f.kind)).toEqual(["rate-limit", "rate-limit", "server-error", "server-error"]);
  });

  it("does not retry a 500: one attempt, Okta's summary", async () => {
    const { http, waits, org: okta } = await client({ faults: [{ kind: "server-error", status: 500, route: "POST /api/v1/groups", count: 1 }] });
    const failure = await http.send("POST", "/api/v1/groups", { profile: { name: "once" } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OktaApiError);
    expect((failure as OktaApiError).message).toBe("POST /api/v1/groups: HTTP 500, the API returned an error: Internal Server Error. Causes: errorSummary: okta-local fault: HTTP 500 (E0000009)");
    expect(okta.requests().map((r) => r.status)).toEqual([500]);
    expect(waits).toEqual([]);
  });

  it("gives up after maxRetries retries with the provider's words, and the org saw every attempt", async () => {
    const { http, waits, org: okta } = await client({ faults: [{ kind: "rate-limit", route: "POST /api/v1/groups" }] }, { minWaitSeconds: 1, maxWaitSeconds: 300, maxRetries: 2 });
    const failure = await http.send("POST", "/api/v1/groups", { profile: { name: "never" } }).catch((error: unknown) => error);
    expect((failure as OktaApiError).status).toBe(429);
    expect((failure as OktaApiError).message).toContain("API call exceeded rate limit due to too many requests., giving up after 3 attempt(s)");
    expect(okta.requests().map((r) => r.status)).toEqual([429, 429, 429]);
    expect(waits).toEqual([1000, 2000]);
  });

  it("sends a write again when its connection dropped, as the provider does: a second group, refused by name", async () => {
    const { http, org: okta } = await client({ faults: [{ kind: "drop", route: "POST /api/v1/groups", count: 1 }] });
    const failure = await http.send("POST", "/api/v1/groups", { profile: { name: "dropped" } }).catch((error: unknown) => error);
    // The first POST was committed, the retry meets the name taken.
    expect(okta.requests().map((r) => r.status)).toEqual([200, 400]);
    expect((failure as OktaApiError).errorCode).toBe("E0000001");
    expect(Object.values(okta.store.state.groups).filter((g) => (g["profile"] as { name: string }).name === "dropped")).toHaveLength(1);
  });

  it("gives up on an org that never answers, naming the attempts", async () => {
    const { http, waits } = await client({ faults: [{ kind: "drop", route: "GET /api/v1/users/me" }] }, { minWaitSeconds: 1, maxWaitSeconds: 1, maxRetries: 1 });
    const failure = await http.send("GET", "/api/v1/users/me").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OktaTransportError);
    expect((failure as Error).message).toMatch(/^GET \/api\/v1\/users\/me: .+, giving up after 2 attempt\(s\)$/);
    expect(waits).toEqual([1000]);
  });
});

describe("applying the dev example stack through faults", () => {
  const scratch: string[] = [];
  let org: OktaLocal | undefined;
  afterEach(async () => {
    await org?.close();
    org = undefined;
    for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function applyWith(faults: FaultsFile) {
    org = await start({ quiet: true, faults });
    const stateDir = mkdtempSync(join(tmpdir(), "local-apply-retry-"));
    scratch.push(stateDir);
    const options = { projectDir, stack: "dev", orgUrl: org.url, apiToken: org.apiToken, stateDir, log: () => undefined };
    const state = () => JSON.parse(readFileSync(join(stateDir, "stacklok-identity", "dev.json"), "utf8")) as { resources: { type: string; id?: string }[] };
    return { okta: org, state, run: (config: Record<string, unknown>) => applyStack({ ...options, config }) };
  }

  it("finishes under a storm of 429s on every route, with the stack's settings and 1 s waits, retrying each one", async () => {
    const { okta, run } = await applyWith({ faults: [{ kind: "rate-limit", route: "*", every: 3 }] });
    const result = await run({ "okta:minWaitSeconds": 1, "okta:maxWaitSeconds": 1 });
    const throttled = okta.requests().filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(5);
    // Every 429 was followed by the same call again.
    expect(result.requests.filter((r) => r.status === 429)).toHaveLength(throttled.length);
    expect(result.steps.filter((s) => s.step === "create").length).toBeGreaterThan(10);
    expect(okta.requests().filter((r) => r.status >= 400 && r.status !== 429)).toEqual([]);
  }, 240_000);

  it("stops at a 500 with Okta's summary, as pulumi up does, keeping what it created", async () => {
    const { okta, run, state } = await applyWith({ faults: [{ kind: "server-error", status: 500, route: "POST /api/v1/authorizationServers", count: 1 }] });
    const failure = await run({ "okta:minWaitSeconds": 1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplyFailedError);
    expect((failure as Error).message).toContain("POST /api/v1/authorizationServers: HTTP 500, the API returned an error: Internal Server Error");
    expect(okta.requests().filter((r) => r.method === "POST" && r.path === "/api/v1/authorizationServers").map((r) => r.status)).toEqual([500]);
    const kept = state().resources.filter((r) => r.type === OktaType.group);
    expect(kept.length).toBeGreaterThan(0);
    for (const group of kept) expect(okta.store.state.groups[group.id ?? ""]).toBeDefined();
  }, 240_000);
});
