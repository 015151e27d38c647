/**
 * Replays Okta exchanges recorded by terraform-provider-okta's acceptance tests
 * (go-vcr v2 cassettes, test/fixtures/vcr/) against okta-local, in recorded
 * order, and compares what okta-local answers with what Okta answered.
 *
 * - Recorded ids are mapped to okta-local's as they appear in answers (a
 *   parallel walk of both bodies), and substituted into later request paths
 *   and bodies.
 * - Bodies are compared value by value after normalising what differs between
 *   any two orgs: the org's URL, cell and ORN partition, timestamps, `_links`,
 *   secrets, key material and error ids.
 * - An exchange is out of scope when okta-local answers 501 (`E0000060`, not
 *   emulated), or when its request or recorded answer names an object an
 *   out-of-scope exchange created.
 */
import { parse } from "yaml";
import { z } from "zod";

export interface RecordedExchange {
  /** The interaction's index in the cassette. */
  index: number;
  method: string;
  url: string;
  requestBody: string;
  status: number;
  responseBody: string;
}

const cassetteSchema = z.object({
  interactions: z.array(
    z.object({
      id: z.number().int(),
      request: z.object({ method: z.string(), url: z.string(), body: z.string().default("") }),
      response: z.object({ code: z.number().int(), body: z.string().default("") }),
    }),
  ),
});

/** The exchanges of a go-vcr cassette, in recorded order. */
export function readCassette(text: string): RecordedExchange[] {
  return cassetteSchema.parse(parse(text)).interactions.map((i) => ({
    index: i.id,
    method: i.request.method,
    url: i.request.url,
    requestBody: i.request.body,
    status: i.response.code,
    responseBody: i.response.body,
  }));
}

export type Outcome = "reproduced" | "differs" | "out-of-scope";

export interface ExchangeResult {
  index: number;
  method: string;
  /** The recorded path with ids as `{id}`, e.g. `GET /api/v1/apps/{id}`. */
  endpoint: string;
  outcome: Outcome;
  /** For out-of-scope exchanges: why. */
  reason?: string;
  /** For differing exchanges: where (a JSON path into the answer, or `status`) and what differs. */
  differences: Difference[];
}

export interface Difference {
  path: string;
  detail: string;
}

/** A difference by endpoint and field, list keys left out: `GET /api/v1/apps/{id} $.universalLogout`. */
export function differenceSignature(result: Pick<ExchangeResult, "endpoint">, difference: Difference): string {
  return `${result.endpoint} ${difference.path.replace(/\[[^\]]*\]/g, "[]")}`;
}

/** What the replay needs from an org: its URL, an HTTP call, and the ids it held before the replay began. */
export interface ReplayTarget {
  url: string;
  baselineIds: ReadonlySet<string>;
  call(method: string, pathAndQuery: string, body: string | undefined): Promise<{ status: number; text: string }>;
}

/**
 * Okta object ids: 20 characters, letters and digits, at least one digit
 * (`00u…`, `0oa…`, `ausrqretfoZdCdBC11d7`); key ids: RFC 7638 thumbprints,
 * 43 base64url characters.
 */
const ID_TOKEN = /(?<![A-Za-z0-9_-])(?:(?=[A-Za-z]*\d)[A-Za-z0-9]{20}|[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g;
const WORD = /[A-Za-z0-9_-]+/g;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
/** Values random per org or per call: compared for presence, not value. */
const OPAQUE_KEYS = new Set(["client_secret", "errorId", "n", "e"]);

export function idTokens(text: string): string[] {
  return text.match(ID_TOKEN) ?? [];
}

/** Every string in okta-local's state that may be an id (okta-local's ids need not hold a digit). */
export function baselineIdsOf(state: unknown): Set<string> {
  return new Set(JSON.stringify(state).match(/(?<![A-Za-z0-9_-])[A-Za-z0-9]{20}(?![A-Za-z0-9_-])/g) ?? []);
}

export function endpointOf(method: string, url: string): string {
  const path = new URL(url).pathname.replace(ID_TOKEN, "{id}");
  return `${method} ${path}`;
}

class IdMap {
  private readonly forward = new Map<string, string>();
  private readonly backward = new Map<string, string>();

  get(recorded: string): string | undefined {
    return this.forward.get(recorded);
  }

  /** Binds a recorded id to okta-local's; false when either side is already bound elsewhere. */
  bind(recorded: string, local: string): boolean {
    const current = this.forward.get(recorded);
    if (current !== undefined) return current === local;
    if (this.backward.has(local)) return false;
    this.forward.set(recorded, local);
    this.backward.set(local, recorded);
    return true;
  }

  /** A recorded text with every bound id replaced by okta-local's. */
  substitute(text: string): string {
    return text.replace(WORD, (word) => this.forward.get(word) ?? word);
  }
}

/**
 * The recorded org's URL in the forms its answers use: the request host
 * (`https://oie-00.dne-okta.com`) and the sanitised short host some
 * cassettes carry (`https://classic-00`).
 */
function orgUrlPattern(recordedUrl: string): RegExp {
  const host = new URL(recordedUrl).host;
  const label = host.split(".")[0] ?? host;
  return new RegExp(`https://(?:${escapeRegExp(host)}|${escapeRegExp(label)})(?![A-Za-z0-9.-])`, "g");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Where the org lives, not how it behaves, like its host: the Okta cell that
 * hosts it (`cell` in `/.well-known/okta-organization`; op1, op3 and ok14 in
 * the recordings) and the partition an app's ORN names (`orn:oktapreview:…`
 * in the preview orgs the cassettes were recorded in, `orn:okta:…` in
 * production orgs).
 */
const ORN_PARTITION = /^orn:[a-z]+:/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function normalise(value: Json, key = ""): Json {
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value !== null && typeof value === "object") {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "_links") continue;
      out[k] = normalise(v, k);
    }
    return out;
  }
  if (typeof value === "string") {
    if (OPAQUE_KEYS.has(key)) return "<opaque>";
    if (TIMESTAMP.test(value)) return "<timestamp>";
    if (key === "orn") return value.replace(ORN_PARTITION, "orn:<partition>:");
    if (key === "cell") return "<cell>";
  }
  return value;
}

function parseJson(text: string): Json | undefined {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** What identifies a list item when its id is not yet mapped: its name, and its kind. */
function naturalKey(item: Json): string | undefined {
  if (!isObject(item)) return undefined;
  const profile = isObject(item.profile) ? item.profile : {};
  const name = item.name ?? item.label ?? profile.name ?? profile.login ?? item.title ?? item.kid;
  if (typeof name !== "string") return undefined;
  const kind = typeof item.claimType === "string" ? item.claimType : typeof item.type === "string" ? item.type : "";
  return `${kind}:${name}`;
}

/**
 * Collections keyed by name inside a singleton object that every test in the
 * recorded org shares: the user schema's custom properties (and the list of
 * the required ones). Like list items, an entry the recorded org held before
 * the test began is not part of a fresh org; the test's own are named in its
 * requests.
 */
const NAMED_COLLECTIONS = new Set(["$.definitions.custom.properties", "$.definitions.custom.required"]);

function objectKeys(value: Json | undefined, into: Set<string>): void {
  if (Array.isArray(value)) value.forEach((v) => objectKeys(v, into));
  else if (isObject(value))
    for (const [key, v] of Object.entries(value)) {
      into.add(key);
      objectKeys(v, into);
    }
}

const show = (value: Json | undefined): string => (value === undefined ? "absent" : JSON.stringify(value).slice(0, 160));

/** One cassette's replay state. */
export class CassetteReplay {
  private readonly ids = new IdMap();
  /** Recorded ids that an out-of-scope exchange brought in. */
  private readonly tainted = new Set<string>();
  /** Recorded ids first seen in the answer to a write: objects the test itself created. */
  private readonly created = new Set<string>();
  /** When (exchange index) the replay created each object the test created. */
  private readonly createdAt = new Map<string, number>();
  private readonly seen = new Set<string>();
  /** Every object key the cassette's requests have sent so far. */
  private readonly named = new Set<string>();
  private orgUrl: RegExp | undefined;

  constructor(private readonly target: ReplayTarget) {}

  async replay(exchange: RecordedExchange): Promise<ExchangeResult> {
    const result = (outcome: Outcome, extra: Partial<ExchangeResult> = {}): ExchangeResult => ({
      index: exchange.index,
      method: exchange.method,
      endpoint: endpointOf(exchange.method, exchange.url),
      outcome,
      differences: [],
      ...extra,
    });
    this.orgUrl ??= orgUrlPattern(exchange.url);
    const recordedUrl = new URL(exchange.url);
    // The request, or Okta's answer, names an object an out-of-scope exchange created (or changed: a user given a
    // user type okta-local does not emulate answers with that type's id).
    const recordedAnswer = this.localise(exchange.responseBody);
    const exchangeText = `${recordedUrl.pathname}${recordedUrl.search} ${exchange.requestBody} ${recordedAnswer}`;
    const dependsOn = idTokens(exchangeText).find((id) => this.tainted.has(id) && this.ids.get(id) === undefined);
    if (dependsOn !== undefined) {
      this.taint(recordedAnswer);
      return result("out-of-scope", { reason: `names ${dependsOn}, which an out-of-scope exchange created` });
    }

    const path = this.ids.substitute(`${recordedUrl.pathname}${recordedUrl.search}`);
    const body = exchange.requestBody.trim() === "" ? undefined : this.ids.substitute(this.localise(exchange.requestBody));
    if (body !== undefined) objectKeys(parseJson(body), this.named);
    const answer = await this.target.call(exchange.method, path, body);
    const local = parseJson(answer.text);
    if (answer.status === 501 && isObject(local) && local.errorCode === "E0000060") {
      this.taint(recordedAnswer);
      return result("out-of-scope", { reason: "okta-local does not emulate it (501 E0000060)" });
    }

    const recorded = parseJson(recordedAnswer);
    const differences: Difference[] = [];
    if (answer.status !== exchange.status) differences.push({ path: "status", detail: `recorded ${exchange.status}, okta-local ${answer.status} ${answer.text.slice(0, 300)}` });
    else this.compare(recorded === undefined ? undefined : normalise(recorded), local === undefined ? undefined : normalise(local), "$", differences);
    for (const id of idTokens(recordedAnswer)) {
      if (!this.seen.has(id) && exchange.method !== "GET") {
        this.created.add(id);
        this.createdAt.set(id, exchange.index);
      }
      this.seen.add(id);
    }
    return result(differences.length ? "differs" : "reproduced", { differences });
  }

  /** The recorded text with the recorded org's URL replaced by okta-local's. */
  private localise(text: string): string {
    return text.replace(this.orgUrl ?? /$^/, this.target.url);
  }

  /** The objects an out-of-scope exchange answered with (its `id`, or its items' ids), unless the replay knows them already. */
  private taint(recordedAnswer: string): void {
    const answer = parseJson(recordedAnswer);
    for (const item of Array.isArray(answer) ? answer : [answer]) {
      if (isObject(item) && typeof item.id === "string" && this.ids.get(item.id) === undefined) this.tainted.add(item.id);
    }
  }

  private compare(recorded: Json | undefined, local: Json | undefined, path: string, out: Difference[]): void {
    if (recorded === undefined || local === undefined) {
      if (recorded !== local) out.push({ path, detail: `recorded ${show(recorded)}, okta-local ${show(local)}` });
      return;
    }
    if (NAMED_COLLECTIONS.has(path)) recorded = this.withoutPreexisting(recorded);
    if (Array.isArray(recorded) && Array.isArray(local)) return this.compareArrays(recorded, local, path, out);
    if (isObject(recorded) && isObject(local)) {
      for (const [key, value] of Object.entries(recorded)) {
        if (!(key in local)) out.push({ path: `${path}.${key}`, detail: `missing (recorded ${show(value)})` });
        else this.compare(value, local[key], `${path}.${key}`, out);
      }
      for (const [key, value] of Object.entries(local)) if (!(key in recorded)) out.push({ path: `${path}.${key}`, detail: `not recorded (okta-local ${show(value)})` });
      return;
    }
    if (typeof recorded === "string" && typeof local === "string") {
      if (!this.sameString(recorded, local)) out.push({ path, detail: `recorded ${show(recorded)}, okta-local ${show(local)}` });
      return;
    }
    if (JSON.stringify(recorded) !== JSON.stringify(local)) out.push({ path, detail: `recorded ${show(recorded)}, okta-local ${show(local)}` });
  }

  /**
   * Paired items in the same order on both sides. Okta lists some objects in
   * the order it created them (its ids are time-ordered); when the provider
   * created them concurrently, the recorded order of its answers, which the
   * replay follows, need not be Okta's. A recorded list in id order that
   * okta-local answers in the replay's creation order is therefore the same
   * order.
   */
  private sameOrder(pairs: [string | undefined, number][]): boolean {
    const inOrder = (indexes: number[]) => indexes.every((index, i) => i === 0 || index > (indexes[i - 1] ?? 0));
    if (inOrder(pairs.map(([, index]) => index))) return true;
    const ids = pairs.map(([id]) => id);
    if (ids.some((id) => id === undefined)) return false;
    const sortedById = ids.every((id, i) => i === 0 || String(id) > String(ids[i - 1]));
    // What the test did not create (Everyone, the default server) is older than all it did.
    const createdAt = (id: string | undefined) => this.createdAt.get(id ?? "") ?? -1;
    const byReplayCreation = [...pairs].sort(([a], [b]) => createdAt(a) - createdAt(b));
    return sortedById && inOrder(byReplayCreation.map(([, index]) => index));
  }

  private withoutPreexisting(collection: Json): Json {
    if (Array.isArray(collection)) return collection.filter((name) => typeof name !== "string" || this.named.has(name));
    if (isObject(collection)) return Object.fromEntries(Object.entries(collection).filter(([name]) => this.named.has(name)));
    return collection;
  }

  /**
   * Equal once the ids in them are mapped: the text between ids must match,
   * and each recorded id is (or becomes) okta-local's id at the same place.
   */
  private sameString(recorded: string, local: string): boolean {
    if (this.ids.substitute(recorded) === local) return true;
    const recordedIds = idTokens(recorded);
    if (recordedIds.length === 0) return false;
    // The recorded text with each id as a hole an okta-local id of the same kind fills (okta-local's ids need not hold a digit).
    const pattern = recorded
      .split(ID_TOKEN)
      .map(escapeRegExp)
      .join("([A-Za-z0-9]{20}|[A-Za-z0-9_-]{43})");
    const localIds = new RegExp(`^${pattern}$`).exec(local)?.slice(1);
    if (!localIds) return false;
    return recordedIds.every((id, i) => this.ids.bind(id, localIds[i] ?? ""));
  }

  /**
   * Lists: items are paired by mapped id, then by name and kind. A recorded
   * item with no partner is a difference only when the test created it (the
   * recorded org held other objects before the test began); an okta-local
   * item with no partner is one only when the replay created it.
   */
  private compareArrays(recorded: Json[], local: Json[], path: string, out: Difference[]): void {
    const keyed = [...recorded, ...local].every((item) => isObject(item) && (typeof item.id === "string" || naturalKey(item) !== undefined));
    if (!keyed || recorded.length + local.length === 0) {
      if (recorded.length !== local.length) out.push({ path, detail: `recorded ${recorded.length} items, okta-local ${local.length}` });
      recorded.forEach((item, i) => this.compare(item, local[i], `${path}[${i}]`, out));
      return;
    }
    const used = new Set<number>();
    const idOf = (item: Json): string | undefined => (isObject(item) && typeof item.id === "string" ? item.id : undefined);
    const pairs: [Json, number, string][] = [];
    for (const item of recorded) {
      const recordedId = idOf(item);
      const mapped = recordedId === undefined ? undefined : this.ids.get(recordedId);
      let index = mapped === undefined ? -1 : local.findIndex((l, i) => !used.has(i) && idOf(l) === mapped);
      const key = naturalKey(item);
      if (index < 0 && mapped === undefined && key !== undefined && !(recordedId !== undefined && this.tainted.has(recordedId))) {
        index = local.findIndex((l, i) => {
          const localId = idOf(l);
          return !used.has(i) && naturalKey(l) === key && (localId === undefined || recordedId === undefined || this.ids.bind(recordedId, localId));
        });
      }
      if (index < 0) {
        if (recordedId !== undefined && this.created.has(recordedId) && !this.tainted.has(recordedId)) out.push({ path: `${path}[${key ?? recordedId}]`, detail: "missing" });
        continue;
      }
      used.add(index);
      pairs.push([item, index, key ?? recordedId ?? String(index)]);
    }
    local.forEach((item, i) => {
      const localId = idOf(item);
      if (!used.has(i) && localId !== undefined && !this.target.baselineIds.has(localId)) out.push({ path: `${path}[${naturalKey(item) ?? localId}]`, detail: "not recorded" });
    });
    if (!this.sameOrder(pairs.map(([item, index]) => [idOf(item), index]))) out.push({ path, detail: "items in another order" });
    for (const [item, index, key] of pairs) this.compare(item, local[index], `${path}[${key}]`, out);
  }
}

export interface ReplaySummary {
  inScope: number;
  reproduced: number;
  outOfScope: number;
  /** Reproduced share of in-scope exchanges, in percent. */
  percentage: number;
}

export function summarise(results: readonly ExchangeResult[]): ReplaySummary {
  const inScope = results.filter((r) => r.outcome !== "out-of-scope").length;
  const reproduced = results.filter((r) => r.outcome === "reproduced").length;
  return { inScope, reproduced, outOfScope: results.length - inScope, percentage: inScope === 0 ? 0 : (100 * reproduced) / inScope };
}
