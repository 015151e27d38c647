/**
 * okta-local held to Okta's recordings: every exchange terraform-provider-okta
 * recorded against a live org (test/fixtures/vcr/, see its README for which and
 * why) is replayed against a fresh okta-local org, in recorded order, and
 * okta-local's answer compared with Okta's (test/okta-local/vcrReplay.ts).
 *
 * In scope: every recorded exchange on an endpoint okta-local serves, i.e.
 * every one it does not answer 501 (`E0000060`, not emulated), less those
 * that name an object such an exchange created. At least 98% of them must
 * reproduce; each remaining difference is listed in docs/okta-local.md under
 * "Conformance to Okta's recordings", with its reason.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { start, type OktaLocal } from "../../tools/okta-local";
import { CASSETTE_DIR, readCassettes, readManifest, type Cassette } from "./vcrFixtures";
import { baselineIdsOf, CassetteReplay, differenceSignature, summarise, type ExchangeResult, type ReplayTarget } from "./vcrReplay";

/** Cassettes replay on this many orgs at once (two cores; an org spends most of a replay making signing keys). */
const ORGS = 3;
const TARGET_PERCENT = 98;

interface CassetteResult {
  cassette: string;
  results: ExchangeResult[];
}

/**
 * One okta-local org that every cassette starts afresh on: the state a new
 * org has is kept and put back before each cassette (the signing keys and ids
 * of that new org are the same each time; the replay maps ids per cassette).
 */
async function replayOn(cassettes: Cassette[]): Promise<CassetteResult[]> {
  const org: OktaLocal = await start({ quiet: true });
  try {
    const fresh = structuredClone(org.store.state);
    const target: ReplayTarget = {
      url: org.url,
      baselineIds: baselineIdsOf(fresh),
      call: async (method, path, body) => {
        const response = await fetch(`${org.url}${path}`, {
          method,
          headers: { authorization: `SSWS ${org.apiToken}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
          body,
        });
        return { status: response.status, text: await response.text() };
      },
    };
    const out: CassetteResult[] = [];
    for (const cassette of cassettes) {
      org.store.mutate((state) => Object.assign(state, structuredClone(fresh)));
      const replay = new CassetteReplay(target);
      const results: ExchangeResult[] = [];
      for (const exchange of cassette.exchanges) results.push(await replay.replay(exchange));
      out.push({ cassette: cassette.name, results });
    }
    return out;
  } finally {
    await org.close();
  }
}

let replayed: CassetteResult[] = [];
beforeAll(async () => {
  const cassettes = readCassettes();
  const shares = Array.from({ length: ORGS }, (_, i) => cassettes.filter((_, index) => index % ORGS === i));
  replayed = (await Promise.all(shares.map(replayOn))).flat();
}, 180_000);
afterAll(() => {
  replayed = [];
});

const all = (): (ExchangeResult & { cassette: string })[] => replayed.flatMap(({ cassette, results }) => results.map((r) => ({ ...r, cassette })));

/** Counts by key, largest first, as report lines. */
function tally(keys: string[]): string[] {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([key, n]) => `${String(n).padStart(5)}  ${key}`);
}

describe("the fixtures", () => {
  it("holds exactly the cassettes the manifest names, each with exchanges", () => {
    const manifest = readManifest();
    const onDisk = readdirSync(CASSETTE_DIR, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".yaml")).map((f) => f.split("\\").join("/"));
    expect(onDisk.sort()).toEqual([...manifest.cassettes].sort());
    expect(replayed.map((r) => r.cassette).sort()).toEqual([...manifest.cassettes].sort());
    for (const { cassette, results } of replayed) expect(results.length, cassette).toBeGreaterThan(0);
  });
});

describe("okta-local against Okta's recordings", () => {
  it(`reproduces at least ${TARGET_PERCENT}% of the in-scope exchanges`, () => {
    const results = all();
    const summary = summarise(results);
    const report = [
      `conformance: ${summary.reproduced} of ${summary.inScope} in-scope exchanges reproduce (${summary.percentage.toFixed(2)}%), ` +
        `${summary.outOfScope} out of scope, ${replayed.length} cassettes`,
      "differences (exchanges, endpoint and field):",
      ...tally(results.flatMap((r) => [...new Set(r.differences.map((d) => differenceSignature(r, d)))])),
      "out of scope (exchanges, endpoint, why):",
      ...tally(results.filter((r) => r.outcome === "out-of-scope").map((r) => `${r.endpoint} (${r.reason?.startsWith("names") ? "names an object an out-of-scope exchange created" : "501, not emulated"})`)),
    ];
    console.log(report.join("\n"));
    expect(summary.inScope).toBeGreaterThan(1000);
    expect(summary.percentage).toBeGreaterThanOrEqual(TARGET_PERCENT);
  });

  it("lists every remaining difference in docs/okta-local.md, with its reason", () => {
    const docs = readFileSync(join(__dirname, "..", "..", "docs", "okta-local.md"), "utf8");
    const section = docs.slice(docs.indexOf("## Conformance to Okta's recordings"));
    const listed = new Set([...section.matchAll(/^\| `([A-Z]+ [^`]+)` \| `([^`]+)` \| (.+) \|$/gm)].filter((m) => m[3]?.trim()).map((m) => `${m[1]} ${m[2]}`));
    const found = new Set(all().flatMap((r) => r.differences.map((d) => differenceSignature(r, d))));
    expect([...found].filter((signature) => !listed.has(signature)).sort()).toEqual([]);
    // And nothing listed that no longer differs.
    expect([...listed].filter((signature) => !found.has(signature)).sort()).toEqual([]);
  });

  it("counts as out of scope only what okta-local answers 501 and what depends on it", () => {
    const out = all().filter((r) => r.outcome === "out-of-scope");
    expect(out.length).toBeGreaterThan(0);
    for (const r of out) expect(r.reason, `${r.cassette} #${r.index}`).toMatch(/^(okta-local does not emulate it \(501 E0000060\)|names \S+, which an out-of-scope exchange created)$/);
  });
});
