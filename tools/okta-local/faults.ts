/**
 * Faults on demand: Okta's per-minute rate-limit buckets made real, and
 * injected 429s, 5xx bursts, latency and dropped connections, chosen
 * deterministically (a seed makes "p = 0.3" reproducible for a given request
 * order). Set at start (`--faults FILE`), replaced while running
 * (`/_local/faults`, or `org.faults` in process). See docs/okta-local.md.
 *
 * Sources:
 * - Okta's rate-limit headers `X-Rate-Limit-Limit`, `-Remaining`, `-Reset`
 *   (epoch seconds) on every answer: https://developer.okta.com/docs/reference/rl-best-practices/
 * - the management buckets and their per-minute limits:
 *   https://developer.okta.com/docs/reference/rl-global-mgmt/ ; which path and
 *   method fall into which bucket also follows terraform-provider-okta's table
 *   generated from Okta's own mapping (`okta/internal/apimutex/ratelimit.go`).
 * - the 429 body: E0000047 "API call exceeded rate limit due to too many
 *   requests." (Okta error catalogue, https://developer.okta.com/docs/reference/error-codes/).
 */
import { createHmac } from "node:crypto";
import { z } from "zod";
import { issueLines, readDocument } from "./configFile";
import { OktaApiError } from "./errors";

export const FAULT_KINDS = ["rate-limit", "server-error", "latency", "drop"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Okta's management buckets (rl-global-mgmt). Every path under `/api/v1` is in
 * exactly one; anything else (OAuth endpoints, `/.well-known`) shares `other`.
 */
export const RATE_LIMIT_BUCKETS = [
  "/api/v1/apps",
  "/api/v1/apps/{id}",
  "/api/v1/groups",
  "/api/v1/groups/{id}",
  "/api/v1/users",
  "/api/v1/users/{id}",
  "/api/v1/users/{idOrLogin}",
  "/api/v1",
  "other",
] as const;
export type RateLimitBucket = (typeof RATE_LIMIT_BUCKETS)[number];

/**
 * Per-minute limits by plan, from rl-global-mgmt (columns Developer/Integrator
 * free, Enterprise, Workforce identity). `/api/v1` ("most other API actions",
 * which includes authorization servers, the user schema and policies) and
 * `GET /api/v1/users/{idOrLogin}` are from the same page's earlier revision
 * (Enterprise 600 / 1,000, Workforce 1,200 / 2,000); the current page names
 * them without figures in what we could read. `other` is not emulated per
 * endpoint (ASSUMPTION: unlimited unless configured).
 */
export const RATE_LIMIT_PRESETS = {
  "integrator-free": { "/api/v1/apps": 20, "/api/v1/apps/{id}": 100, "/api/v1/groups": 100, "/api/v1/groups/{id}": 100, "/api/v1/users": 100, "/api/v1/users/{id}": 100, "/api/v1/users/{idOrLogin}": 100, "/api/v1": 100 },
  enterprise: { "/api/v1/apps": 100, "/api/v1/apps/{id}": 600, "/api/v1/groups": 600, "/api/v1/groups/{id}": 600, "/api/v1/users": 600, "/api/v1/users/{id}": 600, "/api/v1/users/{idOrLogin}": 1000, "/api/v1": 600 },
  workforce: { "/api/v1/apps": 100, "/api/v1/apps/{id}": 500, "/api/v1/groups": 500, "/api/v1/groups/{id}": 1000, "/api/v1/users": 600, "/api/v1/users/{id}": 600, "/api/v1/users/{idOrLogin}": 2000, "/api/v1": 1200 },
} as const satisfies Record<string, Partial<Record<RateLimitBucket, number>>>;
export type RateLimitPreset = keyof typeof RATE_LIMIT_PRESETS;

/**
 * What the headers report for a bucket without a configured limit; such a
 * bucket never answers 429. ASSUMPTION: 600 per minute, Okta's figure for many
 * management buckets.
 */
export const UNENFORCED_LIMIT = 600;

/** Okta's buckets are per minute. */
export const OKTA_WINDOW_SECONDS = 60;

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"] as const;
const ROUTE = /^(?:\*|(?:(GET|POST|PUT|DELETE|PATCH) )?(\/\S*))$/;

const routeSchema = z
  .string()
  .regex(ROUTE, `a route is "*" (every path but /_local) or "[METHOD ]/path", METHOD one of ${METHODS.join(", ")}, "*" matching one path segment and "**" the rest`)
  .default("*");

const selection = {
  route: routeSchema,
  /** At most this many matching requests get the fault. */
  count: z.int().min(1, "count is at least 1").optional(),
  /** Every n-th matching request (n, 2n, 3n, …). */
  every: z.int().min(1, "every is at least 1").optional(),
  /** Each matching request with this probability, decided from the seed and the request's position. */
  probability: z.number().gt(0, "probability is in (0, 1]").max(1, "probability is in (0, 1]").optional(),
  /** Skip the first n matching requests. */
  after: z.int().min(0, "after is 0 or more").default(0),
};

const ruleSchema = z
  .discriminatedUnion(
    "kind",
    [
      z.strictObject({ kind: z.literal("rate-limit"), ...selection }),
      z.strictObject({ kind: z.literal("server-error"), status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)], { message: "status is 500, 502, 503 or 504" }).default(500), ...selection }),
      z.strictObject({ kind: z.literal("latency"), ms: z.int().min(1, "ms is 1 to 600000").max(600_000, "ms is 1 to 600000"), ...selection }),
      z.strictObject({ kind: z.literal("drop"), ...selection }),
    ],
    { message: `kind is one of ${FAULT_KINDS.join(", ")}` },
  )
  .refine((rule) => rule.every === undefined || rule.probability === undefined, { message: "every and probability cannot both be set", path: ["every"] });

const bucketLimits = z.record(z.string(), z.int().min(1, "a limit is at least 1 request per window")).superRefine((limits, context) => {
  for (const bucket of Object.keys(limits)) {
    if (!(RATE_LIMIT_BUCKETS as readonly string[]).includes(bucket)) {
      context.addIssue({ code: "custom", path: [bucket], message: `not a rate-limit bucket; a bucket is one of ${RATE_LIMIT_BUCKETS.join(", ")}` });
    }
  }
}) as unknown as z.ZodType<Partial<Record<RateLimitBucket, number>>>;

export const faultsFileSchema = z.strictObject({
  /** Seeds `probability` decisions; the same seed and request order give the same faults. */
  seed: z.union([z.int(), z.string()]).default(0),
  /** Seconds per rate-limit window. Okta's is 60; tests shorten it to keep waits short. */
  window: z.int().min(1, "window is 1 to 3600 seconds").max(3600, "window is 1 to 3600 seconds").default(OKTA_WINDOW_SECONDS),
  /** Enforced limits per bucket (requests per window): a plan's preset, or bucket -> limit. */
  rateLimits: z
    .union([z.enum(Object.keys(RATE_LIMIT_PRESETS) as [RateLimitPreset, ...RateLimitPreset[]]), bucketLimits], {
      message: `rateLimits is a preset (${Object.keys(RATE_LIMIT_PRESETS).join(", ")}) or a map of bucket to limit`,
    })
    .optional(),
  faults: z.array(ruleSchema).default([]),
});

export type FaultsFile = z.input<typeof faultsFileSchema>;
export type FaultsConfig = z.output<typeof faultsFileSchema>;
export type FaultRule = FaultsConfig["faults"][number];

export class FaultsError extends Error {}

/** Parses and checks a faults document; every problem names the key, the value and what is accepted. */
export function parseFaults(input: unknown, source = "faults"): FaultsConfig {
  const result = faultsFileSchema.safeParse(input ?? {});
  if (!result.success) throw new FaultsError(`${source} is not a valid okta-local faults file:\n${issueLines(result.error, input).join("\n")}`);
  return result.data;
}

export function readFaultsFile(path: string): FaultsConfig {
  return parseFaults(readDocument(path, "faults file", (message) => new FaultsError(message)), `faults file ${path}`);
}

/**
 * The bucket a request counts against. Okta (rl-global-mgmt): `/api/v1/apps/{id}`
 * and `/api/v1/groups/{id}` alone are their own buckets, everything else under
 * `/api/v1/apps` and `/api/v1/groups` shares the collection's; `GET` and
 * `POST /api/v1/users` are one bucket, writes to `/api/v1/users/{id}` another,
 * `GET /api/v1/users/{idOrLogin}` (`me` included) a third; the rest of
 * `/api/v1` is one bucket.
 */
export function bucketOf(method: string, path: string): RateLimitBucket {
  const segments = (path.split("?")[0] ?? "").split("/").filter((s) => s !== "");
  if (segments[0] !== "api" || segments[1] !== "v1") return "other";
  const [, , collection, id, ...rest] = segments;
  if (collection === "apps" || collection === "groups") {
    return id !== undefined && rest.length === 0 && method !== "POST" ? (`/api/v1/${collection}/{id}` as const) : (`/api/v1/${collection}` as const);
  }
  if (collection === "users") {
    if (id === undefined || rest.length > 0) return "/api/v1/users";
    return method === "GET" ? "/api/v1/users/{idOrLogin}" : "/api/v1/users/{id}";
  }
  return "/api/v1";
}

/** Compiles a route pattern to a predicate on (method, path without query). */
export function routeMatcher(route: string): (method: string, path: string) => boolean {
  if (route === "*") return () => true;
  const match = ROUTE.exec(route);
  const method = match?.[1];
  const pattern = match?.[2] ?? route;
  const segments = pattern.split("/");
  const rest = segments.at(-1) === "**";
  const source = (rest ? segments.slice(0, -1) : segments)
    .map((segment) => (segment === "*" ? "[^/]+" : segment === "**" ? ".*" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  const regex = new RegExp(`^${source}${rest ? "(?:/.*)?" : "/?"}$`);
  return (requestMethod, path) => (method === undefined || method === requestMethod) && regex.test(path);
}

/** What happened to one request, as the request log records it. */
export type FaultTag =
  | { kind: "rate-limit"; rule: number }
  | { kind: "rate-limit"; bucket: RateLimitBucket }
  | { kind: "server-error"; rule: number; status: number }
  | { kind: "latency"; rule: number; ms: number }
  | { kind: "drop"; rule: number };

export interface RateLimitHeaders {
  "x-rate-limit-limit": string;
  "x-rate-limit-remaining": string;
  "x-rate-limit-reset": string;
}

/** A fault's decision for one request. */
export interface FaultDecision {
  latencyMs: number;
  /** Answer this instead of calling the route. */
  answer?: OktaApiError;
  /** Destroy the connection once the route has answered (the write is committed). */
  drop: boolean;
  tags: FaultTag[];
}

/** The 429 Okta answers when a bucket is exhausted. */
export function rateLimitExceeded(): OktaApiError {
  return new OktaApiError(429, "E0000047", "API call exceeded rate limit due to too many requests.");
}

/**
 * An injected 5xx. E0000009 "Internal Server Error" is the catalogue's 500.
 * ASSUMPTION: 502, 503 and 504 (which Okta's edge answers, with no documented
 * body) carry the same code in Okta's error shape.
 */
export function serverError(status: 500 | 502 | 503 | 504): OktaApiError {
  return new OktaApiError(status, "E0000009", "Internal Server Error", [`okta-local fault: HTTP ${status}`]);
}

interface BucketWindow {
  start: number;
  count: number;
}

/** Counts per rule: how many requests matched its route, how many got the fault. */
export interface RuleStats {
  matched: number;
  fired: number;
}

/**
 * The faults in force and their counters. One per org; `replace` resets the
 * counters (a new plan starts from its first matching request).
 */
export class FaultPlan {
  private current: FaultsConfig;
  private matchers: ((method: string, path: string) => boolean)[] = [];
  private stats: RuleStats[] = [];
  private windows = new Map<RateLimitBucket, BucketWindow>();

  constructor(
    config: FaultsConfig = parseFaults({}),
    /** Epoch milliseconds; the rate-limit windows follow it. */
    private readonly clock: () => number = Date.now,
  ) {
    this.current = config;
    this.replace(config);
  }

  get config(): FaultsConfig {
    return this.current;
  }

  replace(config: FaultsConfig): void {
    this.current = config;
    this.matchers = config.faults.map((rule) => routeMatcher(rule.route));
    this.stats = config.faults.map(() => ({ matched: 0, fired: 0 }));
    this.windows.clear();
  }

  /** What GET /_local/faults shows: the plan, each rule's counters and each bucket's window. */
  describe(): { config: FaultsConfig; rules: RuleStats[]; buckets: Partial<Record<RateLimitBucket, { limit: number; enforced: boolean; used: number; reset: number }>> } {
    const buckets: ReturnType<FaultPlan["describe"]>["buckets"] = {};
    for (const [bucket, window] of this.windows) {
      const limit = this.limitOf(bucket);
      buckets[bucket] = { limit: limit ?? UNENFORCED_LIMIT, enforced: limit !== undefined, used: window.count, reset: window.start + this.current.window };
    }
    return { config: this.current, rules: this.stats.map((s) => ({ ...s })), buckets };
  }

  private limitOf(bucket: RateLimitBucket): number | undefined {
    const limits = this.current.rateLimits;
    if (limits === undefined) return undefined;
    const table: Partial<Record<RateLimitBucket, number>> = typeof limits === "string" ? RATE_LIMIT_PRESETS[limits] : limits;
    return table[bucket];
  }

  /**
   * Counts the request against its bucket's current window and returns the
   * headers every answer carries, and the 429 when an enforced limit is spent.
   * Windows start on multiples of the window length (whole minutes for Okta's).
   */
  account(method: string, path: string): { headers: RateLimitHeaders; exceeded?: FaultTag } {
    const bucket = bucketOf(method, path);
    const nowSeconds = Math.floor(this.clock() / 1000);
    const start = nowSeconds - (nowSeconds % this.current.window);
    let window = this.windows.get(bucket);
    if (!window || window.start !== start) {
      window = { start, count: 0 };
      this.windows.set(bucket, window);
    }
    window.count += 1;
    const enforced = this.limitOf(bucket);
    const limit = enforced ?? UNENFORCED_LIMIT;
    const headers = {
      "x-rate-limit-limit": String(limit),
      "x-rate-limit-remaining": String(Math.max(0, limit - window.count)),
      "x-rate-limit-reset": String(start + this.current.window),
    };
    return enforced !== undefined && window.count > enforced ? { headers, exceeded: { kind: "rate-limit", bucket } } : { headers };
  }

  /** The rules' decision for one request (path without query). Every matching rule counts it, fired or not. */
  decide(method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, drop: false, tags: [] };
    this.current.faults.forEach((rule, index) => {
      if (!this.matchers[index]?.(method, path)) return;
      const stats = this.stats[index] as RuleStats;
      stats.matched += 1;
      if (!this.fires(rule, index, stats)) return;
      stats.fired += 1;
      switch (rule.kind) {
        case "latency":
          decision.latencyMs += rule.ms;
          decision.tags.push({ kind: "latency", rule: index, ms: rule.ms });
          return;
        case "drop":
          decision.drop = true;
          decision.tags.push({ kind: "drop", rule: index });
          return;
        case "rate-limit":
          if (decision.answer) return;
          decision.answer = rateLimitExceeded();
          decision.tags.push({ kind: "rate-limit", rule: index });
          return;
        case "server-error":
          if (decision.answer) return;
          decision.answer = serverError(rule.status);
          decision.tags.push({ kind: "server-error", rule: index, status: rule.status });
          return;
      }
    });
    return decision;
  }

  private fires(rule: FaultRule, index: number, stats: RuleStats): boolean {
    const position = stats.matched - rule.after;
    if (position < 1) return false;
    if (rule.count !== undefined && stats.fired >= rule.count) return false;
    if (rule.every !== undefined) return position % rule.every === 0;
    if (rule.probability !== undefined) return draw(this.current.seed, index, position) < rule.probability;
    return true;
  }
}

/**
 * A uniform number in [0, 1) for the n-th matching request of rule i, from
 * HMAC-SHA256(seed, "i:n"): the same seed and position always give the same
 * number, whatever else happened before.
 */
export function draw(seed: number | string, rule: number, position: number): number {
  const digest = createHmac("sha256", String(seed)).update(`${rule}:${position}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
