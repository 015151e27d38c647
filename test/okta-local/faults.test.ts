/**
 * Faults on demand: the rate-limit buckets and their headers, injected 429s,
 * 5xx bursts, latency and dropped connections, the committed-write listener,
 * and the three ways to set them (file, /_local/faults, in process). Clients
 * are Okta's own management SDK (@okta/okta-sdk-nodejs), whose 429 retry
 * waits until X-Rate-Limit-Reset, and plain fetch.
 */
import * as okta from "@okta/okta-sdk-nodejs";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bucketOf, draw, FaultPlan, FaultsError, parseFaults, readFaultsFile, routeMatcher } from "../../tools/okta-local/faults";
import { expectOktaError, startTestOrg, type TestOrg } from "./support";
import { setTimeout as sleep } from "node:timers/promises";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "okta-local-faults-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let t: TestOrg | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function org(faults: Parameters<typeof parseFaults>[0]): Promise<TestOrg> {
  t = await startTestOrg({ faults: faults as never });
  return t;
}

function sdk(test: TestOrg, maxRetries = 2): { client: okta.Client; backoffs: number[] } {
  const requestExecutor = new okta.DefaultRequestExecutor({ maxRetries, requestTimeout: 0 });
  const backoffs: number[] = [];
  requestExecutor.on("backoff", (_request: unknown, _response: unknown, _requestId: unknown, delayMs: number) => backoffs.push(delayMs));
  return { client: new okta.Client({ orgUrl: test.url, token: test.apiToken, cacheMiddleware: null, requestExecutor }), backoffs };
}

describe("the faults file", () => {
  it("refuses bad input, naming the key, the value and what is accepted", () => {
    const problems = (input: unknown) => {
      try {
        parseFaults(input, "test faults");
      } catch (error) {
        expect(error).toBeInstanceOf(FaultsError);
        return (error as Error).message;
      }
      throw new Error("accepted");
    };
    expect(problems({ faults: [{ kind: "explode" }] })).toMatch(/faults\[0\]\.kind: kind is one of rate-limit, server-error, latency, drop \(got "explode"\)/);
    expect(problems({ faults: [{ kind: "server-error", status: 501 }] })).toMatch(/faults\[0\]\.status: status is 500, 502, 503 or 504 \(got 501\)/);
    expect(problems({ faults: [{ kind: "latency" }] })).toMatch(/faults\[0\]\.ms:/);
    expect(problems({ faults: [{ kind: "drop", every: 2, probability: 0.5 }] })).toMatch(/faults\[0\]\.every: every and probability cannot both be set/);
    expect(problems({ faults: [{ kind: "drop", probability: 1.5 }] })).toMatch(/faults\[0\]\.probability: probability is in \(0, 1\] \(got 1.5\)/);
    expect(problems({ faults: [{ kind: "drop", route: "FETCH /api/v1/apps" }] })).toMatch(/faults\[0\]\.route: a route is "\*"/);
    expect(problems({ rateLimits: { "/api/v1/widgets": 5 } })).toMatch(/rateLimits\.\/api\/v1\/widgets: not a rate-limit bucket; a bucket is one of \/api\/v1\/apps, .* \(got 5\)/);
    expect(problems({ rateLimits: "platinum" })).toMatch(/rateLimits: rateLimits is a preset \(integrator-free, enterprise, workforce\) or a map of bucket to limit \(got "platinum"\)/);
    expect(problems({ window: 0 })).toMatch(/window: window is 1 to 3600 seconds \(got 0\)/);
    expect(problems({ fault: [] })).toMatch(/fault/);
  });

  it("reads YAML and JSON files and names the file it cannot read", () => {
    const yaml = join(dir, "faults.yaml");
    writeFileSync(yaml, "seed: 7\nfaults:\n  - kind: latency\n    ms: 5\n    route: GET /api/v1/groups\n");
    expect(readFaultsFile(yaml)).toMatchObject({ seed: 7, window: 60, faults: [{ kind: "latency", ms: 5, route: "GET /api/v1/groups", after: 0 }] });
    const json = join(dir, "faults.json");
    writeFileSync(json, JSON.stringify({ rateLimits: "enterprise" }));
    expect(readFaultsFile(json).rateLimits).toBe("enterprise");
    expect(() => readFaultsFile(join(dir, "missing.yaml"))).toThrow(/cannot read faults file .*missing\.yaml/);
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "faults:\n  - kind: drop\n    count: 0\n");
    expect(() => readFaultsFile(bad)).toThrow(/faults file .*bad\.yaml is not a valid okta-local faults file:\n {2}faults\[0\]\.count: count is at least 1 \(got 0\)/);
  });
});

describe("rate-limit buckets", () => {
  it("puts each management path in Okta's bucket", () => {
    expect(bucketOf("POST", "/api/v1/apps")).toBe("/api/v1/apps");
    expect(bucketOf("GET", "/api/v1/apps?limit=200")).toBe("/api/v1/apps");
    expect(bucketOf("GET", "/api/v1/apps/0oa1")).toBe("/api/v1/apps/{id}");
    expect(bucketOf("PUT", "/api/v1/apps/0oa1")).toBe("/api/v1/apps/{id}");
    expect(bucketOf("PUT", "/api/v1/apps/0oa1/groups/00g1")).toBe("/api/v1/apps");
    expect(bucketOf("POST", "/api/v1/apps/0oa1/lifecycle/deactivate")).toBe("/api/v1/apps");
    expect(bucketOf("GET", "/api/v1/groups")).toBe("/api/v1/groups");
    expect(bucketOf("DELETE", "/api/v1/groups/00g1")).toBe("/api/v1/groups/{id}");
    expect(bucketOf("PUT", "/api/v1/groups/00g1/users/00u1")).toBe("/api/v1/groups");
    expect(bucketOf("GET", "/api/v1/users/me")).toBe("/api/v1/users/{idOrLogin}");
    expect(bucketOf("POST", "/api/v1/users/00u1")).toBe("/api/v1/users/{id}");
    expect(bucketOf("POST", "/api/v1/users")).toBe("/api/v1/users");
    expect(bucketOf("GET", "/api/v1/users/00u1/groups")).toBe("/api/v1/users");
    expect(bucketOf("POST", "/api/v1/authorizationServers/aus1/policies")).toBe("/api/v1");
    expect(bucketOf("POST", "/api/v1/meta/schemas/user/default")).toBe("/api/v1");
    expect(bucketOf("POST", "/oauth2/aus1/v1/token")).toBe("other");
  });

  it("counts per bucket and per window: limit, remaining and reset add up, and the next window starts afresh", () => {
    let now = 1_800_000_000_500; // half a second into a minute: 1_800_000_000 s is a multiple of 60
    const plan = new FaultPlan(parseFaults({ rateLimits: { "/api/v1/apps": 2 } }), () => now);
    const windowStart = Math.floor(now / 1000) - (Math.floor(now / 1000) % 60);
    const first = plan.account("POST", "/api/v1/apps");
    expect(first).toEqual({ headers: { "x-rate-limit-limit": "2", "x-rate-limit-remaining": "1", "x-rate-limit-reset": String(windowStart + 60) } });
    // Another bucket is counted on its own, and reports the unenforced 600.
    expect(plan.account("GET", "/api/v1/apps/0oa1").headers).toEqual({ "x-rate-limit-limit": "600", "x-rate-limit-remaining": "599", "x-rate-limit-reset": String(windowStart + 60) });
    // The limit's last request is still answered; the next one is refused.
    expect(plan.account("GET", "/api/v1/apps")).toEqual({ headers: { "x-rate-limit-limit": "2", "x-rate-limit-remaining": "0", "x-rate-limit-reset": String(windowStart + 60) } });
    expect(plan.account("GET", "/api/v1/apps")).toEqual({ headers: { "x-rate-limit-limit": "2", "x-rate-limit-remaining": "0", "x-rate-limit-reset": String(windowStart + 60) }, exceeded: { kind: "rate-limit", bucket: "/api/v1/apps" } });
    now = (windowStart + 60) * 1000;
    expect(plan.account("GET", "/api/v1/apps")).toEqual({ headers: { "x-rate-limit-limit": "2", "x-rate-limit-remaining": "1", "x-rate-limit-reset": String(windowStart + 120) } });
    expect(plan.describe().buckets["/api/v1/apps"]).toEqual({ limit: 2, enforced: true, used: 1, reset: windowStart + 120 });
  });

  it("answers 429 E0000047 with the headers once an enforced bucket is spent, and Okta's SDK waits until X-Rate-Limit-Reset", async () => {
    const test = await org({ window: 2, rateLimits: { "/api/v1/groups": 1 } });
    const { client, backoffs } = sdk(test);
    // A window may turn between two requests; within three windows one spends the bucket and the SDK meets the 429.
    for (let attempt = 0; attempt < 3 && backoffs.length === 0; attempt++) {
      let refused: Awaited<ReturnType<TestOrg["call"]>> | undefined;
      for (let i = 0; i < 5 && !refused; i++) {
        const answer = await test.call("GET", "/api/v1/groups");
        if (answer.status === 429) refused = answer;
      }
      expect(refused).toBeDefined();
      expect(expectOktaError(refused?.body)).toMatchObject({ errorCode: "E0000047", errorSummary: "API call exceeded rate limit due to too many requests.", errorCauses: [] });
      expect(refused?.headers.get("x-rate-limit-limit")).toBe("1");
      expect(refused?.headers.get("x-rate-limit-remaining")).toBe("0");
      const reset = Number(refused?.headers.get("x-rate-limit-reset"));
      const date = Date.parse(String(refused?.headers.get("date"))) / 1000;
      expect(reset).toBeGreaterThan(date);
      expect(reset - date).toBeLessThanOrEqual(2);
      const groups: string[] = [];
      for await (const group of await client.groupApi.listGroups()) if (group) groups.push(String(group.profile?.name));
      expect(groups).toEqual(["Everyone"]);
    }
    // The SDK's wait is X-Rate-Limit-Reset minus Date, plus 1 s: within the 2-second window and its extra second.
    expect(backoffs.length).toBeGreaterThan(0);
    for (const delay of backoffs) {
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThanOrEqual(3000);
    }
    const refusals = test.org.requests().filter((r) => r.status === 429);
    expect(refusals.length).toBeGreaterThan(backoffs.length);
    for (const refusal of refusals) expect(refusal.faults).toEqual([{ kind: "rate-limit", bucket: "/api/v1/groups" }]);
  });

  it("sends the unenforced limit's headers and never 429 when no limit is configured", async () => {
    const test = await org({});
    for (let i = 0; i < 3; i++) {
      const answer = await test.call("GET", "/api/v1/apps");
      expect(answer.status).toBe(200);
      expect(answer.headers.get("x-rate-limit-limit")).toBe("600");
    }
  });
});

describe("injected faults", () => {
  it("a 429 storm on every route: Okta's SDK retries after X-Rate-Limit-Reset and succeeds, or gives up with E0000047", async () => {
    const test = await org({ window: 1, faults: [{ kind: "rate-limit", route: "*", count: 2 }] });
    const { client, backoffs } = sdk(test, 2);
    const me = await client.userApi.getUser({ userId: "me" });
    expect(me.profile?.login).toBe("okta-local-admin@example.com");
    expect(backoffs).toHaveLength(2);
    expect(test.org.requests().map((r) => [r.path, r.status, r.faults?.[0]?.kind])).toEqual([
      ["/api/v1/users/me", 429, "rate-limit"],
      ["/api/v1/users/me", 429, "rate-limit"],
      ["/api/v1/users/me", 200, undefined],
    ]);
    test.org.faults.set({ window: 1, faults: [{ kind: "rate-limit", route: "GET /api/v1/users/*" }] });
    const error = (await client.userApi.getUser({ userId: "me" }).catch((e: unknown) => e)) as { status: number; errorCode: string };
    expect(error).toMatchObject({ status: 429, errorCode: "E0000047" });
  });

  it("a burst of 5xx: the first n matching requests fail in Okta's error shape, then the route answers again", async () => {
    const test = await org({ faults: [{ kind: "server-error", status: 502, route: "GET /api/v1/groups", count: 2 }] });
    const { client } = sdk(test);
    for (let i = 0; i < 2; i++) {
      const error = (await client.groupApi.getGroup({ groupId: "nothing" }).catch((e: unknown) => e)) as { status: number };
      // Another route is not hit by the burst.
      expect(error.status).toBe(404);
    }
    for (let i = 0; i < 2; i++) {
      const answer = await test.call("GET", "/api/v1/groups");
      expect(answer.status).toBe(502);
      expect(expectOktaError(answer.body).errorCode).toBe("E0000009");
    }
    expect((await test.call("GET", "/api/v1/groups")).status).toBe(200);
    expect(test.org.faults.get().rules).toEqual([{ matched: 3, fired: 2 }]);
  });

  it("latency delays the answer by at least the configured time and is logged", async () => {
    const test = await org({ faults: [{ kind: "latency", ms: 150, route: "GET /api/v1/users/me" }] });
    const began = Date.now();
    expect((await test.call("GET", "/api/v1/users/me")).status).toBe(200);
    expect(Date.now() - began).toBeGreaterThanOrEqual(150);
    expect(test.org.requests().at(-1)?.faults).toEqual([{ kind: "latency", rule: 0, ms: 150 }]);
  });

  it("a dropped connection after the write is committed: the SDK's create fails, the group exists", async () => {
    const test = await org({ faults: [{ kind: "drop", route: "POST /api/v1/groups", count: 1 }] });
    const { client } = sdk(test);
    const error = await client.groupApi.createGroup({ group: { profile: { name: "dropped-group" } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { status?: number }).status).toBeUndefined();
    const names = Object.values(test.org.store.state.groups).map((g) => (g.profile as { name: string }).name);
    expect(names).toContain("dropped-group");
    expect(test.org.requests().at(-1)).toMatchObject({ method: "POST", path: "/api/v1/groups", status: 200, faults: [{ kind: "drop", rule: 0 }] });
    // Only the first matching write was dropped: a retry creates a second group of another name.
    const second = await client.groupApi.createGroup({ group: { profile: { name: "second-group" } } });
    expect(second.id).toMatch(/^00g/);
  });

  it("every n-th, after, and seeded probability pick the same requests for the same seed and order", () => {
    const plan = new FaultPlan(parseFaults({ faults: [{ kind: "drop", route: "GET /api/v1/apps", every: 3, after: 1 }] }));
    const picked = Array.from({ length: 10 }, (_, i) => (plan.decide("GET", "/api/v1/apps").drop ? i + 1 : 0)).filter((n) => n > 0);
    expect(picked).toEqual([4, 7, 10]);
    const run = (seed: number | string) => {
      const p = new FaultPlan(parseFaults({ seed, faults: [{ kind: "server-error", route: "*", probability: 0.3 }] }));
      return Array.from({ length: 200 }, () => (p.decide("GET", "/api/v1/groups").answer ? 1 : 0)).join("");
    };
    expect(run(42)).toBe(run(42));
    expect(run(42)).not.toBe(run(43));
    const hits = [...run("ci")].filter((c) => c === "1").length;
    expect(hits).toBeGreaterThan(30);
    expect(hits).toBeLessThan(90);
    expect(draw(42, 0, 1)).toBe(draw(42, 0, 1));
  });

  it("matches routes by method, segment wildcards and a trailing **", () => {
    expect(routeMatcher("*")("DELETE", "/oauth2/v1/token")).toBe(true);
    expect(routeMatcher("POST /api/v1/apps")("POST", "/api/v1/apps")).toBe(true);
    expect(routeMatcher("POST /api/v1/apps")("GET", "/api/v1/apps")).toBe(false);
    expect(routeMatcher("POST /api/v1/apps")("POST", "/api/v1/apps/0oa1")).toBe(false);
    expect(routeMatcher("/api/v1/authorizationServers/*/policies")("POST", "/api/v1/authorizationServers/aus1/policies")).toBe(true);
    expect(routeMatcher("/api/v1/authorizationServers/*/policies")("POST", "/api/v1/authorizationServers/aus1/scopes")).toBe(false);
    expect(routeMatcher("/api/v1/**")("PUT", "/api/v1/apps/0oa1/groups/00g1")).toBe(true);
    expect(routeMatcher("/api/v1/**")("PUT", "/oauth2/v1/token")).toBe(false);
  });
});

describe("setting faults while running", () => {
  it("/_local/faults: GET shows, PUT replaces (400 naming the key on bad input), DELETE clears", async () => {
    const test = await org({ faults: [{ kind: "server-error", route: "GET /api/v1/users/me" }] });
    expect((await test.call("GET", "/api/v1/users/me")).status).toBe(500);
    const shown = await fetch(`${test.url}/_local/faults`).then((r) => r.json() as Promise<{ config: { faults: unknown[] }; rules: unknown[] }>);
    expect(shown.config.faults).toEqual([{ kind: "server-error", status: 500, route: "GET /api/v1/users/me", after: 0 }]);
    expect(shown.rules).toEqual([{ matched: 1, fired: 1 }]);

    const refused = await fetch(`${test.url}/_local/faults`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ faults: [{ kind: "latency", ms: -1 }] }) });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/faults\[0\]\.ms: ms is 1 to 600000 \(got -1\)/);
    expect((await test.call("GET", "/api/v1/users/me")).status).toBe(500);

    const replaced = await fetch(`${test.url}/_local/faults`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ faults: [{ kind: "server-error", status: 503, route: "GET /api/v1/users/me", count: 1 }] }) });
    expect(replaced.status).toBe(200);
    expect((await test.call("GET", "/api/v1/users/me")).status).toBe(503);
    expect((await test.call("GET", "/api/v1/users/me")).status).toBe(200);

    await test.call("GET", "/api/v1/users/me");
    test.org.faults.set({ faults: [{ kind: "server-error", route: "*" }] });
    expect((await test.call("GET", "/api/v1/groups")).status).toBe(500);
    expect((await fetch(`${test.url}/_local/faults`, { method: "DELETE" })).status).toBe(204);
    expect((await test.call("GET", "/api/v1/groups")).status).toBe(200);
    expect(() => test.org.faults.set({ faults: [{ kind: "nope" }] } as never)).toThrow(/faults\[0\]\.kind/);
  });
});

describe("the committed-write listener", () => {
  it("is called once per committed management write, in order, before the client hears the answer", async () => {
    const test = await org({});
    const seen: { ordinal: number; method: string; path: string; status: number; groupExists: boolean; answered: boolean }[] = [];
    let answered = false;
    const stop = test.org.onWriteCommitted(async (write) => {
      const groupExists = Object.values(test.org.store.state.groups).some((g) => (g.profile as { name: string }).name === "listened");
      seen.push({ ...write, groupExists, answered });
      // The answer waits for the listener.
      await sleep(50);
    });
    await test.call("GET", "/api/v1/groups");
    const created = await test.call<{ id: string }>("POST", "/api/v1/groups", { profile: { name: "listened" } });
    answered = true;
    await test.call("POST", "/api/v1/groups", { profile: {} }); // refused: not committed, not reported
    await test.call("DELETE", `/api/v1/groups/${created.body.id}`);
    stop();
    await test.call("POST", "/api/v1/groups", { profile: { name: "unheard" } });
    expect(seen).toEqual([
      { ordinal: 1, method: "POST", path: "/api/v1/groups", status: 200, groupExists: true, answered: false },
      { ordinal: 2, method: "DELETE", path: `/api/v1/groups/${created.body.id}`, status: 204, groupExists: false, answered: true },
    ]);
    expect(test.org.writeCount()).toBe(3);
  });

  it("runs before a dropped connection is cut, so a kill at write k sees the object in the org", async () => {
    const test = await org({ faults: [{ kind: "drop", route: "POST /api/v1/groups" }] });
    const ordinals: number[] = [];
    test.org.onWriteCommitted((write) => {
      ordinals.push(write.ordinal);
    });
    await expect(test.call("POST", "/api/v1/groups", { profile: { name: "kill-point" } })).rejects.toThrow();
    expect(ordinals).toEqual([1]);
  });
});
